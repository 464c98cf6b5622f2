// Hostile callers against a permitted service through real sidecars with mTLS identities: a caller the
// permission does not name must not reach the app by spelling the service's authority differently (trailing
// dot, another name, absolute-form target with another Host), by path tricks against the prefix, by another
// method or by a SPIFFE ID that merely starts like the allowed one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEchoApp, type EchoApp } from '../support/echo-apps.ts';
import { httpRequest, type HttpAnswer } from '../support/http-client.ts';
import { call } from '../support/in-process-control-plane.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'm';
const service = 'color.e2e.local';

let h: MeshHarness;
let app: EchoApp;
let frontSidecar: SidecarProcess;
let otherSidecar: SidecarProcess;

/** One request through a caller's sidecar: `target` as written on the request line, `host` as the Host header. */
function through(sidecar: SidecarProcess, target: string, host: string, method = 'GET'): Promise<HttpAnswer> {
  return httpRequest(sidecar.outboundPort, target, { method, host });
}

before(async () => {
  h = await startMesh(['--mtls', 'strict']);
  app = await startEchoApp('color');
  await h.api.createMesh(mesh);
  await h.api.createNode(mesh, 'color', servingNode('color', app.port));
  await h.api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'color' } } });
  // `front` is allowed; `frontend` only shares its name's start; `other` is a plain stranger.
  await h.api.createNode(mesh, 'front', clientNode(service));
  await h.api.createNode(mesh, 'frontend', clientNode(service));
  await h.api.createNode(mesh, 'other', clientNode(service));
  const node = (n: string): string => `mesh/${mesh}/virtualNode/${n}`;
  let frontendSidecar: SidecarProcess;
  [, frontSidecar, frontendSidecar, otherSidecar] = await Promise.all([
    h.sidecar(node('color')),
    h.sidecar(node('front')),
    h.sidecar(node('frontend')),
    h.sidecar(node('other')),
  ]);
  const created = await call(h.cp.endpoint, 'PUT', `/switchyard/v1/meshes/${mesh}/trafficPermissions/p`, {
    spec: {
      virtualServiceName: service,
      allow: [{ from: [{ virtualNodeName: 'front' }], pathPrefix: '/api', methods: ['GET'] }],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  await waitFor('the permission is enforced and the allowed caller passes', async () => {
    const [allowed, denied] = await Promise.all([
      through(frontSidecar, `http://${service}/api/ok`, service),
      through(otherSidecar, `http://${service}/api/x`, service),
    ]);
    return allowed.status === 200 && denied.status === 403;
  });
  const viaPrefixName = await through(frontendSidecar, `http://${service}/api/frontend`, service);
  assert.equal(viaPrefixName.status, 403, 'a SPIFFE ID that only starts like the allowed one is refused');
});

after(async () => {
  await h?.close();
  await app?.close();
});

test('another spelling of the authority does not turn a stranger into a caller of an unprotected service', async () => {
  const attempts: [label: string, target: string, host: string][] = [
    ['trailing dot', `http://${service}./api/dot`, `${service}.`],
    ['trailing dot in Host only', '/api/dot-host', `${service}.`],
    ['upper case', `http://${service.toUpperCase()}/api/upper`, service.toUpperCase()],
    ['with port', `http://${service}:80/api/port`, `${service}:80`],
    ['absolute form, other Host', `http://${service}/api/abs-other-host`, 'elsewhere.local'],
    ['origin form, Host with port and dot', '/api/port-dot', `${service}.:80`],
  ];
  for (const [label, target, host] of attempts) {
    const answer = await through(otherSidecar, target, host);
    assert.notEqual(answer.status, 200, `${label}: a caller without permission got 200`);
  }
  for (const path of [
    '/api/dot',
    '/api/dot-host',
    '/api/upper',
    '/api/port',
    '/api/abs-other-host',
    '/api/port-dot',
  ])
    assert.equal(app.seen.includes(path), false, `${path} reached the app`);
});

test('path and method tricks against the allowed prefix and method do not pass', async () => {
  for (const [target, method] of [
    [`http://${service}/api/../admin-dots`, 'GET'],
    [`http://${service}/api/%2e%2e/admin-encoded`, 'GET'],
    [`http://${service}//api/../admin-double`, 'GET'],
    [`http://${service}/api/x`, 'DELETE'],
  ] as const) {
    const answer = await through(frontSidecar, target, service, method);
    assert.notEqual(answer.status, 200, `${method} ${target}: passed`);
  }
  for (const path of ['/admin-dots', '/admin-encoded', '/admin-double'])
    assert.equal(app.seen.includes(path), false, `${path} reached the app`);
});
