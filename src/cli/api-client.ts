// A minimal client for the App Mesh REST API, used by CLI commands (they reach the control plane only over it).

import { signRequest, type SigningCredentials } from '../util/sigv4-signer.ts';

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

export interface RequestSigning {
  readonly credentials: SigningCredentials;
  /** The control plane's --region: the signature is scoped to it. */
  readonly region: string;
}

/** Signing from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and AWS_REGION (or AWS_DEFAULT_REGION, else us-east-1). */
export function signingFromEnv(env: NodeJS.ProcessEnv = process.env): RequestSigning | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return {
    credentials: { accessKeyId, secretAccessKey },
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
  };
}

export class AppMeshClient {
  readonly endpoint: string;
  readonly #signing: RequestSigning | undefined;

  /** With `signing`, every request carries a SigV4 signature (a control plane started with --access-file). */
  constructor(endpoint: string, signing?: RequestSigning) {
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.#signing = signing;
  }

  /** An App Mesh operation: `path` is below `/v20190125`; a Switchyard resource's `/switchyard/v1/…` path as is. */
  call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return this.request(method, path.startsWith('/switchyard/') ? path : `/v20190125${path}`, body);
  }

  /** Any JSON endpoint of the control plane (App Mesh API, registry, xDS status). */
  async request(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    let response: Response;
    const url = `${this.endpoint}${path}`;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = text === undefined ? {} : { 'content-type': 'application/json' };
    if (this.#signing) {
      const { credentials, region } = this.#signing;
      const scope = { region, service: 'appmesh' };
      Object.assign(
        headers,
        signRequest({ method, url, headers, body: text }, credentials, scope, Date.now()),
      );
    }
    try {
      response = await fetch(url, { method, headers, body: text });
    } catch (error) {
      throw new ControlPlaneUnreachableError(this.endpoint, error);
    }
    const answer = await response.text();
    const json = answer ? (JSON.parse(answer) as Record<string, unknown>) : {};
    if (!response.ok) {
      const type = (response.headers.get('x-amzn-errortype') ?? 'UnknownError').split(':')[0]!;
      throw new ApiClientError(type, response.status, String(json.message ?? response.statusText));
    }
    return json;
  }
}
