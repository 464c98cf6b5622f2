// Who may call whom, end to end through real sidecars with mTLS identities from the built-in CA: until the
// service has a TrafficPermission everyone reaches it; once it has one, only the allowed caller (and only for
// the allowed path prefix and methods) gets through, every other request is answered 403 `RBAC: access denied`
// by the server's sidecar and never reaches the app; deleting the permission opens the service again.
// Enforcement is the proxy's RBAC filter (Envoy's envoy.filters.http.rbac, which the control plane sends).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEchoApp, type EchoApp } from '../support/echo-apps.ts';
import { httpRequest, ProxyClient, type HttpAnswer } from '../support/http-client.ts';
import { call } from '../support/in-process-control-plane.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'm';
const service = 'color.e2e.local';
const permissionUrl = `/switchyard/v1/meshes/${mesh}/trafficPermissions/front-to-color`;

let h: MeshHarness;
let app: EchoApp;
let serverSidecar: SidecarProcess;
let front: ProxyClient;
let other: ProxyClient;
let frontSidecar: SidecarProcess;

/** A request of any method through a client's sidecar, to the service by name. */
function send(sidecar: SidecarProcess, method: string, path: string): Promise<HttpAnswer> {
  return httpRequest(sidecar.outboundPort, `http://${service}${path}`, {
    method,
    host: service,
    ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
  });
}

before(async () => {
  h = await startMesh(['--mtls', 'strict']);
  app = await startEchoApp('color');
  await h.api.createMesh(mesh);
  await h.api.createNode(mesh, 'color', servingNode('color', app.port));
  await h.api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'color' } } });
  await h.api.createNode(mesh, 'front', clientNode(service));
  await h.api.createNode(mesh, 'other', clientNode(service));
  const node = (n: string): string => `mesh/${mesh}/virtualNode/${n}`;
  let otherSidecar: SidecarProcess;
  [serverSidecar, frontSidecar, otherSidecar] = await Promise.all([
    h.sidecar(node('color')),
    h.sidecar(node('front')),
    h.sidecar(node('other')),
  ]);
  front = new ProxyClient(frontSidecar.outboundPort);
  other = new ProxyClient(otherSidecar.outboundPort);
  await waitFor('both callers reach the service', async () => {
    const [a, b] = await Promise.all([front.get(service, '/'), other.get(service, '/')]);
    return a.status === 200 && b.status === 200;
  });
});

after(async () => {
  front?.close();
  other?.close();
  await h?.close();
  await app?.close();
});

test('a permission lets only the named caller through, for its path prefix and methods; others get 403', async () => {
  // Without a permission, any caller of the mesh may call (default allow).
  assert.equal((await other.get(service, '/api/open')).status, 200);

  const created = await call(h.cp.endpoint, 'PUT', permissionUrl, {
    spec: {
      virtualServiceName: service,
      allow: [{ from: [{ virtualNodeName: 'front' }], pathPrefix: '/api', methods: ['GET', 'POST'] }],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));

  await waitFor(
    'the other caller is refused',
    async () => (await other.get(service, '/api/x')).status === 403,
  );
  const denied = await other.get(service, '/api/denied-other');
  assert.equal(denied.status, 403);
  assert.equal(denied.body, 'RBAC: access denied');

  assert.equal((await front.get(service, '/api/allowed')).status, 200);
  assert.equal((await send(frontSidecar, 'POST', '/api/allowed-post')).status, 200);
  // The same caller outside the path prefix or with another method is refused too.
  assert.equal((await front.get(service, '/admin/denied-path')).status, 403);
  assert.equal((await send(frontSidecar, 'DELETE', '/api/denied-method')).status, 403);

  // Denied requests never reach the app.
  for (const path of ['/api/denied-other', '/admin/denied-path', '/api/denied-method'])
    assert.equal(app.seen.includes(path), false, `${path} reached the app`);
  assert.ok(app.seen.includes('/api/allowed'));
  assert.ok(app.seen.includes('/api/allowed-post'));

  // Counted as Envoy counts it: http.<stat_prefix>.rbac.denied on the server's sidecar.
  const stats = await fetch(`${serverSidecar.admin}/stats/prometheus`).then((r) => r.text());
  const denials = [...stats.matchAll(/^\S*rbac_denied\S*\s+(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  assert.ok(denials >= 3, `expected at least 3 rbac denials in the server sidecar's stats:\n${stats}`);
});

test('deleting the permission opens the service to every caller again', async () => {
  const deleted = await call(h.cp.endpoint, 'DELETE', permissionUrl);
  assert.equal(deleted.status, 200);
  await waitFor(
    'the other caller is let through again',
    async () => (await other.get(service, '/')).status === 200,
  );
  assert.equal((await send(frontSidecar, 'DELETE', '/api/anything')).status, 200);
});
