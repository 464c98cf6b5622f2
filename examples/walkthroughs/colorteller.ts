// The walkthroughs' service: answers its colour on every path, and says in headers which path and Host it saw
// (so prefix, path and Host rewrites at the gateway are visible with `curl -i`).
//
//   node_modules/.bin/node examples/walkthroughs/colorteller.ts <colour> <port> [host]
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Colorteller {
  readonly color: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startColorteller(
  color: string,
  port: number,
  host = '127.0.0.1',
): Promise<Colorteller> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'text/plain',
      'x-color': color,
      'x-seen-path': req.url ?? '',
      'x-seen-host': req.headers.host ?? '',
    });
    res.end(`${color}\n`);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    color,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

if (import.meta.main) {
  const [color, port, host] = process.argv.slice(2);
  if (!color || !port || !/^\d+$/.test(port)) {
    process.stderr.write('usage: colorteller.ts <colour> <port> [host]\n');
    process.exit(2);
  }
  const teller = await startColorteller(color, Number(port), host);
  process.stdout.write(`colorteller ${color} listening on ${host ?? '127.0.0.1'}:${teller.port}\n`);
  const stop = (): void => void teller.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
