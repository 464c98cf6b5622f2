// `switchyard proxy` as a user runs it: the ready line, self-registration and clean deregistration on SIGTERM,
// gateway mode starting, and clear errors for bad flags and taken ports.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { switchyardBin } from '../support/switchyard-process.ts';
import { freePorts } from '../support/free-ports.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { startSidecar } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'c';
let h: MeshHarness;

before(async () => {
  h = await startMesh();
  await h.api.createMesh(mesh);
  await h.api.createNode(mesh, 'web', servingNode('web', 8080));
  await h.api.createGateway(mesh, 'gw', { listeners: [{ portMapping: { port: 9443, protocol: 'http' } }] });
});

after(async () => {
  await h?.close();
});

/** Runs the command to completion; returns exit code and stderr. */
function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(switchyardBin, ['proxy', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

test('ready line, registration on connect, deregistration and exit 0 on SIGTERM', async () => {
  const sidecar = await h.sidecar(`mesh/${mesh}/virtualNode/web`);
  // The ready line is what a user sees; readiness itself came from the admin /ready.
  const ready = await sidecar.waitForLog('its ready line', (e) => e.msg === 'proxy ready');
  assert.equal(ready.node, `mesh/${mesh}/virtualNode/web`);
  assert.equal(ready.adminAddr, `127.0.0.1:${sidecar.adminPort}`);
  assert.deepEqual(
    Object.values(ready.listeners as object).sort(),
    [sidecar.inboundPort, sidecar.outboundPort].sort(),
  );
  const instances = await waitFor('the instance registered', async () => {
    const list = await h.api.instancesOf('e2e.local', 'web');
    return list.length === 1 ? list : undefined;
  });
  assert.equal(instances[0]!.port, sidecar.inboundPort);
  assert.equal((await fetch(`${sidecar.admin}/ready`)).status, 200);
  assert.equal(await sidecar.stop('SIGTERM'), 0);
  assert.deepEqual(await h.api.instancesOf('e2e.local', 'web'), []);
  assert.ok(sidecar.logs.some((e) => e.msg === 'instance deregistered'));
});

test('gateway mode starts (and registers nothing)', async () => {
  const gw = await h.sidecar(`mesh/${mesh}/virtualGateway/gw`);
  await gw.waitForLog('its ready line', (e) => e.msg === 'proxy ready');
  assert.ok(!gw.logs.some((e) => e.msg === 'instance registered'));
  assert.equal(await gw.stop('SIGINT'), 0);
});

test('bad flags are refused with a clear message', async () => {
  const bad = await run(['--node', 'web', '--xds', `127.0.0.1:${h.xdsPort}`]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--node must be mesh\/<mesh>\/virtualNode\/<name>/);
  const port = await run([
    '--node',
    `mesh/${mesh}/virtualNode/web`,
    '--xds',
    '127.0.0.1:1',
    '--inbound-port',
    '70000',
  ]);
  assert.equal(port.code, 1);
  assert.match(port.stderr, /--inbound-port must be a port number/);
  const missing = await run(['--node', `mesh/${mesh}/virtualNode/web`]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /--xds/);
});

test('taken ports are reported: the admin port at start, a listener port once the config arrives', async () => {
  const blocker = net.createServer();
  const [taken] = (await freePorts(1)) as [number];
  await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
  try {
    const admin = await run([
      '--node',
      `mesh/${mesh}/virtualNode/web`,
      '--xds',
      `127.0.0.1:${h.xdsPort}`,
      '--admin-addr',
      `127.0.0.1:${taken}`,
    ]);
    assert.equal(admin.code, 1);
    assert.match(admin.stderr, /cannot serve the admin interface on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    const sidecar = await startSidecar({
      node: `mesh/${mesh}/virtualNode/web`,
      xdsPort: h.xdsPort,
      apiEndpoint: h.cp.endpoint,
      args: ['--inbound-port', String(taken)],
      waitReady: false,
    });
    const code = await sidecar.stop('SIGCONT'); // no-op signal: just wait for its own exit
    assert.equal(code, 1);
    assert.match(sidecar.stderr(), /cannot bind 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
