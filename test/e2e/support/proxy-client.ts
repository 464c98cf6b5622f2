// The app side of HTTP proxy mode: requests go to the sidecar's outbound port with the service in the Host header.
import http from 'node:http';

export interface ProxiedResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

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
  ): Promise<ProxiedResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.#port,
          method: 'GET',
          // Absolute form, as an app with HTTP_PROXY set sends it.
          path: `http://${authority}${path}`,
          headers: { host: authority, ...headers },
          agent: this.#agent,
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
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
