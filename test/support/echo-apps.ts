// HTTP and TCP apps for tests to put behind a proxy: each says who answered, and some can be told to misbehave.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface TestServer {
  readonly port: number;
  readonly server: http.Server;
  /** Requests seen; tests may reset it. */
  hits: number;
  /** Destroys open connections (so held requests do not stall the close) and stops listening. */
  close(): Promise<void>;
}

/** Resolves once `server` listens on `host:port` (port 0 picks one), rejecting on a listen error. */
async function listen(server: net.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Tracks a server's connections so `close` can end held ones instead of waiting for them. */
function closer(server: net.Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
}

/** An HTTP/1.1 server on 127.0.0.1 running `handler` (given the 1-based hit number). */
export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void,
  { port = 0, host = '127.0.0.1' }: { port?: number; host?: string } = {},
): Promise<TestServer> {
  const state = { hits: 0 };
  const server = http.createServer((req, res) => {
    state.hits++;
    handler(req, res, state.hits);
  });
  const close = closer(server);
  const bound = await listen(server, port, host);
  return {
    port: bound,
    server,
    get hits() {
      return state.hits;
    },
    set hits(v: number) {
      state.hits = v;
    },
    close,
  };
}

/** Answers 200 with its name as the body and in `x-served-by`, so tests can see which upstream served. */
export function startNamedServer(name: string): Promise<TestServer> {
  return startHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name });
    res.end(name);
  });
}

export type AppMode = 'ok' | '503' | 'reset' | 'hang';

export interface HttpApp {
  readonly name: string;
  readonly port: number;
  /** Requests seen, by mode they were answered in. */
  readonly hits: Record<AppMode, number>;
  mode: AppMode;
  /** When set, only this many upcoming requests get `mode`; later ones are answered normally. */
  modeBudget: number | undefined;
  close(): Promise<void>;
}

/**
 * A service behind a sidecar: answers `200 <name> <path>` with `x-app: <name>`. Paths under `/hang` never answer
 * and paths under `/slow` answer after 300 ms, whatever the mode. `port` 0 picks one (listening again on a known
 * port revives an app).
 */
export async function startHttpApp(name: string, port = 0, host = '127.0.0.1'): Promise<HttpApp> {
  const app = {
    name,
    port: 0,
    hits: { ok: 0, '503': 0, reset: 0, hang: 0 },
    mode: 'ok' as AppMode,
    modeBudget: undefined as number | undefined,
    close: async () => {},
  };
  const server = await startHttpServer(
    (req, res) => {
      let mode: AppMode = app.mode;
      if (app.modeBudget !== undefined) {
        if (app.modeBudget > 0) app.modeBudget--;
        else mode = 'ok';
      }
      app.hits[mode]++;
      req.resume();
      if (mode === 'reset') {
        req.socket.destroy();
        return;
      }
      if (mode === 'hang' || req.url?.startsWith('/hang')) return;
      const answer = (): void => {
        res.writeHead(mode === '503' ? 503 : 200, { 'content-type': 'text/plain', 'x-app': name });
        res.end(`${name} ${req.url}`);
      };
      if (req.url?.startsWith('/slow')) setTimeout(answer, 300);
      else answer();
    },
    { port, host },
  );
  app.port = server.port;
  app.close = () => server.close();
  return app;
}

/** What the echo app saw of a request. */
export interface Echo {
  readonly app: string;
  readonly method: string;
  readonly path: string;
  readonly host: string;
  /** The x-forwarded-client-cert header the app received (a TLS-terminating sidecar sets it). */
  readonly forwardedClientCert?: string;
}

export interface EchoApp {
  readonly name: string;
  readonly port: number;
  /** Requests answered (or held), by path. */
  readonly seen: string[];
  close(): Promise<void>;
}

/**
 * Answers 200 with an `Echo` as JSON and `x-app: <name>`, over HTTP/1.1 or h2c. Paths under `/hang` are never
 * answered; the first request for a path under `/fail-once/` is answered 503 and later ones normally (retries show).
 */
export async function startEchoApp(name: string, options: { http2?: boolean } = {}): Promise<EchoApp> {
  const failed = new Set<string>();
  const seen: string[] = [];
  const handle = (
    method: string,
    path: string,
    host: string,
    forwardedClientCert: string | undefined,
    answer: (status: number, body: string) => void,
  ): void => {
    seen.push(path);
    if (path.startsWith('/hang')) return;
    if (path.startsWith('/fail-once/') && !failed.has(path)) {
      failed.add(path);
      answer(503, JSON.stringify({ app: name, failed: true }));
      return;
    }
    const echo: Echo = { app: name, method, path, host, forwardedClientCert };
    answer(200, JSON.stringify(echo));
  };
  let server: http.Server | http2.Http2Server;
  if (options.http2) {
    const h2 = http2.createServer();
    h2.on('stream', (stream, headers) => {
      stream.on('error', () => {});
      handle(
        String(headers[':method']),
        String(headers[':path']),
        String(headers[':authority'] ?? ''),
        headers['x-forwarded-client-cert'] as string | undefined,
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
      const xfcc = req.headers['x-forwarded-client-cert'] as string | undefined;
      handle(req.method ?? '', req.url ?? '', req.headers.host ?? '', xfcc, (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-app': name });
        res.end(body);
      });
    });
  }
  const close = closer(server);
  return { name, port: await listen(server, 0, '127.0.0.1'), seen, close };
}

export interface TcpApp {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A TCP app on 127.0.0.1. `echo` pipes every byte straight back; `answer-at-end` replies
 * `tcp-app got <n> bytes: <first 20>` once the client half-closes (so a half-close must travel every hop).
 */
export async function startTcpApp(mode: 'echo' | 'answer-at-end' = 'echo'): Promise<TcpApp> {
  const server = net.createServer((s) => {
    if (mode === 'echo') {
      s.pipe(s);
      return;
    }
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => (got += c));
    s.on('end', () => s.end(`tcp-app got ${got.length} bytes: ${got.slice(0, 20)}`));
  });
  const close = closer(server);
  return { port: await listen(server, 0, '127.0.0.1'), close };
}
