// Picks ports nobody listens on, so the demo runs whatever else the machine has running.

import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `preferred` if it is free, else any free port. */
export async function preferredOrFreePort(preferred: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => freePort().then(resolve, reject));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}
