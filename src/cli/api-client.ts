// A minimal client for the App Mesh REST API, used by CLI commands (they reach the control plane only over it).

export class ApiClientError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, status: number, message: string) {
    super(`${type}: ${message}`);
    this.name = 'ApiClientError';
    this.type = type;
    this.status = status;
  }
}

/** The control plane did not answer at all: its message says why in words and what to do. */
export class ControlPlaneUnreachableError extends Error {
  constructor(endpoint: string, error: unknown) {
    // fetch reports "fetch failed"; the socket's reason is one cause further down.
    const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
    const code = cause?.code;
    const why =
      code === 'ECONNREFUSED'
        ? 'nothing listens there'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'the host name does not resolve'
          : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
            ? 'the connection timed out'
            : (code ?? cause?.message ?? (error as Error).message);
    super(
      `cannot reach the control plane at ${endpoint}: ${why}; start it with \`switchyard control-plane\` or pass its address with --endpoint`,
      { cause: error },
    );
    this.name = 'ControlPlaneUnreachableError';
  }
}

export class AppMeshClient {
  readonly endpoint: string;

  constructor(endpoint: string) {
    this.endpoint = endpoint.replace(/\/+$/, '');
  }

  /** An App Mesh operation: `path` is below `/v20190125`. */
  call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return this.request(method, `/v20190125${path}`, body);
  }

  /** Any JSON endpoint of the control plane (App Mesh API, registry, xDS status). */
  async request(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ControlPlaneUnreachableError(this.endpoint, error);
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      const type = (response.headers.get('x-amzn-errortype') ?? 'UnknownError').split(':')[0]!;
      throw new ApiClientError(type, response.status, String(json.message ?? response.statusText));
    }
    return json;
  }
}
