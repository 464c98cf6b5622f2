// A service behind a sidecar that tells what it saw: its own name (service and version), the method, the path
// and the Host / :authority the gateway forwarded, over HTTP/1.1 or h2c.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

export interface Echo {
  readonly app: string;
  readonly method: string;
  readonly path: string;
  readonly host: string;
}

export interface EchoApp {
  readonly name: string;
  readonly port: number;
  /** Requests answered (or held), by path. */
  readonly seen: string[];
  close(): Promise<void>;
}

/**
 * Answers 200 with an `Echo` as JSON and `x-app: <name>`. Paths under `/hang` are never answered; the first
 * request for a path under `/fail-once/` is answered 503 and later ones normally (retries show).
 */
export async function startEchoApp(name: string, options: { http2?: boolean } = {}): Promise<EchoApp> {
  const failed = new Set<string>();
  const seen: string[] = [];
  const handle = (
    method: string,
    path: string,
    host: string,
    answer: (status: number, body: string) => void,
  ) => {
    seen.push(path);
    if (path.startsWith('/hang')) return;
    if (path.startsWith('/fail-once/') && !failed.has(path)) {
      failed.add(path);
      answer(503, JSON.stringify({ app: name, failed: true }));
      return;
    }
    const echo: Echo = { app: name, method, path, host };
    answer(200, JSON.stringify(echo));
  };
  const sockets = new Set<Socket>();
  let server: http.Server | http2.Http2Server;
  if (options.http2) {
    const h2 = http2.createServer();
    h2.on('stream', (stream, headers) => {
      stream.on('error', () => {});
      handle(
        String(headers[':method']),
        String(headers[':path']),
        String(headers[':authority'] ?? ''),
        (status, body) => {
          stream.respond({ ':status': status, 'content-type': 'application/json', 'x-app': name });
          stream.end(body);
        },
      );
    });
    server = h2;
  } else {
    server = http.createServer((req, res) => {
      req.resume();
      handle(req.method ?? '', req.url ?? '', req.headers.host ?? '', (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-app': name });
        res.end(body);
      });
    });
  }
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    name,
    port: (server.address() as AddressInfo).port,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
