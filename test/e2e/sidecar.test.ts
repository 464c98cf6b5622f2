// The sidecar in-process against an in-process control plane: serve, register, clean stop, taken ports.
//
// Stopping must close every socket and remove the instance; a taken admin or listener port is reported to the
// caller without touching the process.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { SidecarStartError, startSidecar } from '../../src/proxy/sidecar/index.ts';
import type { SidecarSettings } from '../../src/proxy/sidecar/index.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { freePorts } from '../support/free-ports.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'inproc';
const logger = pino({ level: 'silent' });
let cp: TestControlPlane;
let api: MeshApiClient;
let app: HttpApp;

before(async () => {
  cp = await startTestControlPlane();
  api = new MeshApiClient(cp.endpoint);
  app = await startHttpApp('web');
  await api.createMesh(mesh);
  await api.createNode(mesh, 'web', servingNode('web', app.port));
});

after(async () => {
  api?.close();
  await app?.close();
  await cp?.close();
});

async function settingsFor(node: string, overrides: Partial<SidecarSettings> = {}): Promise<SidecarSettings> {
  const [inboundPort, outboundPort] = (await freePorts(2)) as [number, number];
  const [, meshName, kind, name] = node.split('/') as [string, string, 'virtualNode', string];
  return {
    node: { meshName, kind, name },
    nodeId: node,
    xds: `127.0.0.1:${cp.running.xdsAddress.port}`,
    admin: { host: '127.0.0.1', port: 0 },
    inboundPort,
    outboundPort,
    appHost: '127.0.0.1',
    apiUrl: cp.endpoint,
    registerAddress: '127.0.0.1',
    listenHost: '127.0.0.1',
    accessLogFormat: 'text',
    drainMs: 500,
    backendPorts: new Map(),
    httpBackends: new Map(),
    version: 'test',
    ...overrides,
  };
}

/** True when nothing accepts connections on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** One GET on its own connection (nothing kept alive for the drain to wait on). */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
  });
}

test('serves its first configuration, registers, and stop() closes everything and deregisters', async () => {
  const settings = await settingsFor(`mesh/${mesh}/virtualNode/web`);
  const sidecar = await startSidecar(settings, logger);
  const ready = await sidecar.ready;
  assert.ok(ready, 'the first configuration was applied');
  assert.deepEqual(
    Object.values(ready.listeners).sort(),
    [settings.inboundPort, settings.outboundPort].sort(),
  );
  assert.equal((await fetch(`http://127.0.0.1:${sidecar.adminPort}/ready`)).status, 200);
  const [instance] = await waitFor('the instance registered', async () => {
    const instances = await api.instancesOf('e2e.local', 'web');
    return instances.length === 1 ? instances : undefined;
  });
  assert.equal(instance!.port, settings.inboundPort);
  const answer = await get(settings.inboundPort, '/hello');
  assert.equal(answer.status, 200);
  assert.equal(answer.body, 'web /hello');

  const exit = await sidecar.stop('test');
  assert.deepEqual(exit, { kind: 'stopped', reason: 'test' });
  assert.deepEqual(await sidecar.closed, exit);
  assert.deepEqual(await sidecar.stop('again'), exit, 'a second stop shares the first');
  assert.deepEqual(await api.instancesOf('e2e.local', 'web'), []);
  for (const port of [sidecar.adminPort, settings.inboundPort, settings.outboundPort])
    assert.ok(await refused(port), `port ${port} is closed`);
});

test('a taken admin port is a SidecarStartError and leaves nothing running', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    const settings = await settingsFor(`mesh/${mesh}/virtualNode/web`, {
      admin: { host: '127.0.0.1', port: taken },
    });
    await assert.rejects(
      startSidecar(settings, logger),
      (error: unknown) =>
        error instanceof SidecarStartError &&
        /^cannot serve the admin interface on 127\.0\.0\.1:\d+: .*EADDRINUSE/.test(error.message),
    );
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test('a first configuration that cannot bind ends the sidecar with a failed exit', async () => {
  const blocker = net.createServer();
  const [taken] = (await freePorts(1)) as [number];
  await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
  try {
    const settings = await settingsFor(`mesh/${mesh}/virtualNode/web`, { inboundPort: taken });
    const sidecar = await startSidecar(settings, logger);
    const exit = await sidecar.closed;
    assert.equal(exit.kind, 'failed');
    assert.match(exit.kind === 'failed' ? exit.message : '', /cannot bind 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    assert.equal(await sidecar.ready, undefined, 'it never became ready');
    assert.ok(await refused(sidecar.adminPort), 'the admin interface is closed');
    assert.ok(await refused(settings.outboundPort), 'no listener of the refused configuration stays open');
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
