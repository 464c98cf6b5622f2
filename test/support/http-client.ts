// HTTP/1.1 requests from a test to a proxy port, with full control of the Host header (fetch cannot set it).
import http from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpRequestOptions {
  readonly method?: string;
  /** Default `127.0.0.1:<port>`. */
  readonly host?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  /** No answer within this long destroys the request with an error (default 10 s). */
  readonly timeoutMs?: number;
  /** Default: a new connection per request. */
  readonly agent?: http.Agent;
}

const freshConnections = new http.Agent({ keepAlive: false });

/** Sends one request to 127.0.0.1:`port`; `path` may be absolute-form (`http://authority/path`). */
export function httpRequest(
  port: number,
  path: string,
  options: HttpRequestOptions = {},
): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path,
        headers: { host: options.host ?? `127.0.0.1:${port}`, ...options.headers },
        agent: options.agent ?? freshConnections,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The app side of HTTP proxy mode: requests go to the sidecar's outbound port with the service as authority. */
export class ProxyClient {
  readonly #port: number;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(outboundPort: number) {
    this.#port = outboundPort;
  }

  /** `authority` is the virtual service (with port), e.g. `server.e2e.local:8080`. */
  get(
    authority: string,
    path = '/',
    headers: http.OutgoingHttpHeaders = {},
    timeoutMs = 10_000,
  ): Promise<HttpAnswer> {
    // Absolute form, as an app with HTTP_PROXY set sends it.
    return httpRequest(this.#port, `http://${authority}${path}`, {
      host: authority,
      headers,
      timeoutMs,
      agent: this.#agent,
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
