// A small HTTP app standing in for a service behind a sidecar: says who it is, and can be told to misbehave.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

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
 * Answers `200 <name> <path>` with `x-app: <name>`. Paths under `/hang` never answer and paths under `/slow`
 * answer after 300 ms, whatever the mode. `port` 0 picks one (listening again on a known port revives an app).
 */
export async function startHttpApp(name: string, port = 0, host = '127.0.0.1'): Promise<HttpApp> {
  const sockets = new Set<Socket>();
  const app: HttpApp = {
    name,
    port: 0,
    hits: { ok: 0, '503': 0, reset: 0, hang: 0 },
    mode: 'ok',
    modeBudget: undefined,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = http.createServer((req, res) => {
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
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  (app as { port: number }).port = (server.address() as AddressInfo).port;
  return app;
}
