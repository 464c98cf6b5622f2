// With default flags the outbound listener (an HTTP forward proxy with ALLOW_ALL egress) is reachable only from
// the machine itself, while the inbound listener is reachable where peers are. Checked on a non-loopback address
// of a network namespace this test creates (as root), so nothing outside it changes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../support/switchyard-process.ts';

const run = promisify(execFile);
/** An address of the benchmarking range (RFC 2544), on an interface inside the private namespace only. */
const address = '198.18.0.1';

test('default flags: outbound is not reachable on a non-loopback address, inbound is', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to create a network namespace (ip netns add)');
  const ns = `sy-outbound-${process.pid}`;
  try {
    await run('ip', ['netns', 'add', ns]);
  } catch (error) {
    return t.skip(`cannot create a network namespace: ${(error as Error).message.trim()}`);
  }
  t.after(() => run('ip', ['netns', 'del', ns]));
  const inNs = (...args: string[]): Promise<{ stdout: string }> =>
    run('ip', ['netns', 'exec', ns, ...args], { cwd: repoRoot, timeout: 180_000 });
  await inNs('ip', 'link', 'set', 'lo', 'up');
  // A dummy interface when the kernel has the module, else one end of a veth pair (both ends stay inside).
  await inNs('ip', 'link', 'add', 'sy0', 'type', 'dummy').catch(() =>
    inNs('ip', 'link', 'add', 'sy0', 'type', 'veth', 'peer', 'name', 'sy1'),
  );
  await inNs('ip', 'addr', 'add', `${address}/32`, 'dev', 'sy0');
  await inNs('ip', 'link', 'set', 'sy0', 'up');
  const { stdout } = await inNs(
    path.join(repoRoot, 'node_modules/.bin/node'),
    path.join(import.meta.dirname, 'outbound-bind-probe.ts'),
    address,
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, string>;
  // The positive controls: the address is reachable, and the outbound listener is up on loopback.
  assert.equal(result.inbound, 'open');
  assert.equal(result.outboundLoopback, 'open');
  assert.equal(result.outbound, 'ECONNREFUSED');
  assert.equal(result.admin, 'ECONNREFUSED');
});
