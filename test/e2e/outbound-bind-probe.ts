// Run inside a network namespace by outbound-loopback.test.ts: a control plane and `switchyard proxy` with its
// default bind flags, then which of its ports answer on the namespace's non-loopback address. Prints one JSON line.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { switchyardBin, waitForExit } from '../support/switchyard-process.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { startMesh } from '../support/mesh-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const address = process.argv[2]!;

/** `open` when a TCP connection is accepted, else the error code (ECONNREFUSED when nothing listens there). */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(5_000, () => socket.destroy(new Error('ETIMEDOUT')));
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const h = await startMesh();
try {
  await h.api.createMesh('n', { egressFilter: { type: 'ALLOW_ALL' } });
  await h.api.createNode('n', 'web', servingNode('web', 8080));
  // Default flags but the node and control plane: ports 15000 / 15001, admin 127.0.0.1:9901.
  const child = spawn(
    switchyardBin,
    ['proxy', '--node', 'mesh/n/virtualNode/web', '--xds', `127.0.0.1:${h.xdsPort}`, '--api', h.cp.endpoint],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = waitForExit(child);
  let ready = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.includes('"proxy ready"')) ready = true;
  });
  try {
    await waitFor('"proxy ready"', () => {
      if (child.exitCode !== null) throw new Error(`proxy exited ${child.exitCode}`);
      return ready;
    });
    const result = {
      inbound: await probe(address, 15000),
      outbound: await probe(address, 15001),
      outboundLoopback: await probe('127.0.0.1', 15001),
      admin: await probe(address, 9901),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
} finally {
  await h.close();
}
