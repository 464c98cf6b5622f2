// Free loopback ports for processes whose port must be known before they start (the demo's sidecars, test
// sidecars, HAProxy in the benchmark).
//
// Ports come from below the kernel's ephemeral range (32768–60999), where no `listen(0)` or outgoing connection
// of any test lands, starting at a random place per process, so test files running in parallel rarely
// hand out the same ports. A candidate is still checked by binding it.
import net from 'node:net';

const firstPort = 20_000;
const blockSize = 200;
const blocks = 60;

/** Ports handed out by this process are never handed out again, so concurrent callers do not collide. */
const given = new Set<number>();
// A random start, not one derived from the pid alone: two processes whose pids fell in the same block walked the
// same sequence in lockstep and handed out the same ports whenever neither had bound its pick yet.
let next = firstPort + Math.floor(Math.random() * blockSize * blocks);

function isFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePorts(count: number): Promise<number[]> {
  const out: number[] = [];
  for (let tries = 0; out.length < count; tries += 1) {
    if (tries > blockSize * blocks) throw new Error('no free port found below the ephemeral range');
    const port = next;
    next = next + 1 >= firstPort + blockSize * blocks ? firstPort : next + 1;
    if (given.has(port) || !(await isFree(port))) continue;
    given.add(port);
    out.push(port);
  }
  return out;
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}
