// Mesh egress through a real sidecar in HTTP proxy mode: ALLOW_ALL passes a non-mesh host through, DROP_ALL 404s.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { startSidecar } from '../../src/proxy/sidecar/index.ts';
import type { Sidecar, SidecarSettings } from '../../src/proxy/sidecar/index.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { freePorts } from '../support/free-ports.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { ProxyClient } from '../support/http-client.ts';

const logger = pino({ level: 'silent' });
let cp: TestControlPlane;
let api: MeshApiClient;
let app: HttpApp;
let outside: HttpApp;

before(async () => {
  cp = await startTestControlPlane();
  api = new MeshApiClient(cp.endpoint);
  app = await startHttpApp('web');
  outside = await startHttpApp('outside');
  await api.createMesh('open', { egressFilter: { type: 'ALLOW_ALL' } });
  await api.createMesh('closed', { egressFilter: { type: 'DROP_ALL' } });
  for (const mesh of ['open', 'closed']) await api.createNode(mesh, 'web', servingNode('web', app.port));
});

after(async () => {
  api?.close();
  await outside?.close();
  await app?.close();
  await cp?.close();
});

async function sidecarFor(meshName: string): Promise<{ sidecar: Sidecar; outboundPort: number }> {
  const [inboundPort, outboundPort] = (await freePorts(2)) as [number, number];
  const settings: SidecarSettings = {
    node: { meshName, kind: 'virtualNode', name: 'web' },
    nodeId: `mesh/${meshName}/virtualNode/web`,
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
  };
  const sidecar = await startSidecar(settings, logger);
  assert.ok(await sidecar.ready, 'the first configuration was applied');
  return { sidecar, outboundPort };
}

test('ALLOW_ALL: a request for a host outside the mesh passes through to it; a loop back is refused', async () => {
  const { sidecar, outboundPort } = await sidecarFor('open');
  const client = new ProxyClient(outboundPort);
  try {
    const res = await client.get(`127.0.0.1:${outside.port}`, '/hello');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'outside /hello');
    // The app naming the sidecar's own outbound port would loop: refused on the second hop, not forever.
    const loop = await client.get(`127.0.0.1:${outboundPort}`, '/');
    assert.equal(loop.status, 503);
    // A name is not an original destination (a stock Envoy takes only an IP literal there).
    assert.equal((await client.get('example.invalid', '/')).status, 503);
  } finally {
    client.close();
    await sidecar.stop('test');
  }
});

test('DROP_ALL: the same request answers 404 and never reaches the host', async () => {
  const { sidecar, outboundPort } = await sidecarFor('closed');
  const client = new ProxyClient(outboundPort);
  try {
    const res = await client.get(`127.0.0.1:${outside.port}`, '/hello');
    assert.equal(res.status, 404);
    assert.notEqual(res.body, 'outside /hello');
  } finally {
    client.close();
    await sidecar.stop('test');
  }
});
