// Picks ports nobody listens on, so the demo runs whatever else the machine has running.
//
// Outside the kernel's ephemeral range (see util/free-ports.ts): a port the demo picked and released cannot be
// taken by an outgoing connection before the sidecar that was given it binds it.
import { createServer } from 'node:net';
import { freePort } from '../../util/free-ports.ts';

export { freePort };

/** `preferred` if it is free, else any free port. */
export async function preferredOrFreePort(preferred: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => freePort().then(resolve, reject));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}
