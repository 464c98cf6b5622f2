// A small HTTP/1.1 request with a whole-text answer, on node:http. The sidecar uses it instead of fetch(): fetch
// loads Node's bundled undici (its source, its compiled code and a WebAssembly HTTP parser), several MB of memory
// in every sidecar for two calls in its lifetime.
import { http, https } from './node-http.ts';

export interface HttpCallOptions {
  readonly method: string;
  /** Sent as application/json when set. */
  readonly json?: unknown;
  readonly timeoutMs: number;
  /** Extra request headers (e.g. `authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpCallResult {
  readonly status: number;
  readonly text: string;
}

export function httpCall(url: string, options: HttpCallOptions): Promise<HttpCallResult> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const body = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: options.method,
        headers: {
          ...options.headers,
          ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
        },
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', (cause) =>
          reject(new Error(`${options.method} ${url}: answer cut short`, { cause })),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${options.timeoutMs} ms`)));
    req.on('error', (cause) => reject(new Error(`${options.method} ${url} failed`, { cause })));
    req.end(body);
  });
}
