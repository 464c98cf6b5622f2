// A plaintext caller on a PERMISSIVE mesh, straight to the inbound port of a node whose only service has a
// TrafficPermission: it has no identity, so the service must refuse it under every spelling of the service's
// name and under any other Host too (the app behind the node answers under any name).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEchoApp, type EchoApp } from '../support/echo-apps.ts';
import { httpRequest } from '../support/http-client.ts';
import { call } from '../support/in-process-control-plane.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'm';
const service = 'color.e2e.local';

let h: MeshHarness;
let app: EchoApp;
let color: SidecarProcess;

before(async () => {
  h = await startMesh(['--mtls', 'permissive']);
  app = await startEchoApp('color');
  await h.api.createMesh(mesh);
  await h.api.createNode(mesh, 'color', servingNode('color', app.port));
  await h.api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'color' } } });
  color = await h.sidecar(`mesh/${mesh}/virtualNode/color`);
  await waitFor(
    'plaintext reaches the node while no permission exists',
    async () => (await httpRequest(color.inboundPort, '/open', { host: service })).status === 200,
  );
  const created = await call(h.cp.endpoint, 'PUT', `/switchyard/v1/meshes/${mesh}/trafficPermissions/p`, {
    spec: { virtualServiceName: service, allow: [{ from: [{ virtualNodeName: 'front' }] }] },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  await waitFor(
    'the permission is enforced',
    async () => (await httpRequest(color.inboundPort, '/x', { host: service })).status === 403,
  );
});

after(async () => {
  await h?.close();
  await app?.close();
});

test('a plaintext caller without identity is refused under any Host', async () => {
  for (const host of [`${service}.`, `${service}.:80`, '127.0.0.1', 'color', 'anything.example.test']) {
    const path = `/secret-${host.replace(/[^a-z0-9]/gi, '_')}`;
    const answer = await httpRequest(color.inboundPort, path, { host });
    assert.equal(answer.status, 403, `Host ${host}: ${answer.status} ${answer.body}`);
    assert.equal(app.seen.includes(path), false, `Host ${host}: reached the app`);
  }
});
