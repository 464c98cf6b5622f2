// `switchyard proxy` admin behaviour an operator configures or triggers: `--allowed-host` (and its variable) lets
// a DNS name reach the admin port, and after POST /healthcheck/fail HTTP/1.1 responses carry `connection: close`
// (Envoy's drain close) until /healthcheck/ok.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { httpRequest } from '../support/http-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';

let mesh: MeshHarness;
let app: HttpApp;
let sidecar: SidecarProcess;
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

before(async () => {
  mesh = await startMesh();
  app = await startHttpApp('app');
  await mesh.api.createMesh('admin');
  await mesh.api.createNode('admin', 'app', {
    listeners: [{ portMapping: { port: app.port, protocol: 'http' } }],
    serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
  });
  sidecar = await mesh.sidecar('mesh/admin/virtualNode/app', {
    args: ['--allowed-host', 'sidecar.internal', '--app-host', '127.0.0.1'],
  });
});
after(async () => {
  keepAlive.destroy();
  await mesh.close();
  await app.close();
});

test('--allowed-host lets that name reach the admin port; other names are refused', async () => {
  const allowed = await httpRequest(sidecar.adminPort, '/ready', {
    host: `sidecar.internal:${sidecar.adminPort}`,
  });
  assert.equal(allowed.status, 200, allowed.body);
  const refused = await httpRequest(sidecar.adminPort, '/ready', {
    host: `rebound.example:${sidecar.adminPort}`,
  });
  assert.equal(refused.status, 403, refused.body);
  assert.match(refused.body, /--allowed-host rebound\.example/);
});

test('after POST /healthcheck/fail HTTP/1.1 responses say connection: close, until /healthcheck/ok', async () => {
  const get = () => httpRequest(sidecar.inboundPort, '/', { agent: keepAlive });
  const before = await get();
  assert.equal(before.status, 200, before.body);
  assert.notEqual(before.headers.connection, 'close');

  const fail = await httpRequest(sidecar.adminPort, '/healthcheck/fail', { method: 'POST' });
  assert.equal(fail.status, 200);
  const draining = await get();
  assert.equal(draining.status, 200, draining.body);
  assert.equal(draining.headers.connection, 'close');

  const ok = await httpRequest(sidecar.adminPort, '/healthcheck/ok', { method: 'POST' });
  assert.equal(ok.status, 200);
  const again = await get();
  assert.equal(again.status, 200, again.body);
  assert.notEqual(again.headers.connection, 'close');
});
