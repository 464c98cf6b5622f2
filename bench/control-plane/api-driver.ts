// Drives the control plane's HTTP API over keep-alive connections and times every call.

import http from 'node:http';

export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

export class ApiCallError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiCallError';
  }
}

export class ApiDriver {
  readonly #host: string;
  readonly #port: number;
  readonly #agent: http.Agent;

  constructor(endpoint: { host: string; port: number }, maxSockets: number) {
    this.#host = endpoint.host;
    this.#port = endpoint.port;
    this.#agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** One call; a non-2xx answer is an ApiCallError carrying the API's message. */
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.#host,
          port: this.#port,
          method,
          path,
          agent: this.#agent,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - started;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown>;
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch (error) {
              const message = `${method} ${path}: answer is not JSON: ${text.slice(0, 200)}`;
              reject(new ApiCallError(message, { cause: error }));
              return;
            }
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(
                new ApiCallError(
                  `${method} ${path}: ${status} ${String(parsed.message ?? text.slice(0, 200))}`,
                ),
              );
              return;
            }
            resolve({ status, body: parsed, ms });
          });
        },
      );
      req.on('error', (error) => reject(new ApiCallError(`${method} ${path} failed`, { cause: error })));
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

export interface Timed {
  /** Latency of each call, ms. */
  readonly latenciesMs: number[];
  readonly wallMs: number;
}

/** Runs `work` over `items` with at most `concurrency` in flight, in order of `items` per worker. */
export async function runConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<ApiAnswer>,
): Promise<Timed> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      latenciesMs.push((await work(item)).ms);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { latenciesMs, wallMs: performance.now() - started };
}
