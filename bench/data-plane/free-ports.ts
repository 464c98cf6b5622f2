// Free loopback ports for processes whose ports must be known before they start (sidecar listeners, HAProxy).

import net from 'node:net';

/** Ports handed out once are never handed out again by this process, so two callers do not collide. */
const given = new Set<number>();

async function onePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function freePorts(count: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < count) {
    const port = await onePort();
    if (given.has(port)) continue;
    given.add(port);
    out.push(port);
  }
  return out;
}
