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
      throw new Error(`cannot reach the control plane at ${this.endpoint}`, { cause: error });
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
