// What the outside sees when the gateway cannot deliver: 404 for a request no gateway route takes, 503 when the
// target has no healthy upstream, 504 when the route's timeout passes. Each answer is counted in the gateway's
// /stats/prometheus and written to its access log (--access-log FILE, JSON).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePorts } from '../support/free-ports.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';
import { curl, hasCurl } from './support/curl.ts';
import { startGatewayHarness, type GatewayHarness, type GatewayProcess } from './support/gateway-harness.ts';
import { httpRequest } from '../support/http-client.ts';

const mesh = 'gw3';
let h: GatewayHarness;
let gw: GatewayProcess;
let port: number;
let goneSidecar: SidecarProcess;

const downstream = (cls: number): Promise<number> =>
  gw.proxy.stat('envoy_http_downstream_rq_xx', `envoy_response_code_class="${cls}"`);

/** The access log entry of the request with `requestId`, once written. */
function logged(requestId: string): Promise<Record<string, unknown>> {
  return waitFor(`access log entry ${requestId}`, async () =>
    (await gw.accessLog()).find((e) => e.request_id === requestId),
  );
}

before(async () => {
  h = await startGatewayHarness();
  [port] = (await freePorts(1)) as [number];
  const [slow, gone] = await Promise.all([h.startApp('slow-v1'), h.startApp('gone-v1')]);
  const api = h.mesh.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'slow-v1', servingNode('slow-v1', slow!.port));
  await api.createNode(mesh, 'gone-v1', servingNode('gone-v1', gone!.port));
  await api.createRouter(mesh, 'slow', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] });
  await api.createRoute(mesh, 'slow', 'all', {
    httpRoute: {
      match: { prefix: '/' },
      action: { weightedTargets: [{ virtualNode: 'slow-v1', weight: 1 }] },
      timeout: { perRequest: { unit: 'ms', value: 400 } },
    },
  });
  await api.createService(mesh, 'slow.gw3.local', {
    provider: { virtualRouter: { virtualRouterName: 'slow' } },
  });
  await api.createService(mesh, 'gone.gw3.local', {
    provider: { virtualNode: { virtualNodeName: 'gone-v1' } },
  });
  await api.createGateway(mesh, 'edge', { listeners: [{ portMapping: { port, protocol: 'http' } }] });
  const to = (gatewayRouteName: string, prefix: string, virtualServiceName: string) => ({
    kind: 'gatewayRoute',
    virtualGatewayName: 'edge',
    body: {
      gatewayRouteName,
      spec: {
        httpRoute: { match: { prefix }, action: { target: { virtualService: { virtualServiceName } } } },
      },
    },
  });
  await h.requests.send(mesh, [
    to('slow', '/slow/', 'slow.gw3.local'),
    to('gone', '/gone/', 'gone.gw3.local'),
  ]);
  [, goneSidecar] = await Promise.all([
    h.mesh.sidecar(`mesh/${mesh}/virtualNode/slow-v1`),
    h.mesh.sidecar(`mesh/${mesh}/virtualNode/gone-v1`),
  ]);
  gw = await h.gateway(mesh, 'edge');
  await waitFor('both services answering', async () => {
    const [a, b] = await Promise.all([httpRequest(port, '/slow/x'), httpRequest(port, '/gone/x')]);
    return a.status === 200 && b.status === 200;
  });
});

after(async () => {
  await h?.close();
});

test('no matching gateway route: 404, counted as a direct response and a 4xx, logged with its route', async () => {
  const [direct, fourxx] = [await gw.proxy.stat('envoy_http_rq_direct_response'), await downstream(4)];
  const r = await httpRequest(port, '/nowhere', { headers: { 'x-request-id': 'req-404' } });
  assert.equal(r.status, 404);
  assert.equal(r.body, '');
  assert.equal(await gw.proxy.stat('envoy_http_rq_direct_response'), direct + 1);
  assert.equal(await downstream(4), fourxx + 1);
  const entry = await logged('req-404');
  assert.equal(entry.response_code, 404);
  assert.equal(entry.path, '/nowhere');
  assert.equal(entry.route_name, 'no_gateway_route');
  assert.equal(entry.upstream_cluster, '-');
  if (hasCurl) assert.equal((await curl([`http://127.0.0.1:${port}/nowhere`])).status, 404);
});

test('upstream timeout: 504 after the route timeout, counted on the cluster, logged with UT', async () => {
  const [timeouts, fivexx] = [
    await gw.proxy.stat('envoy_cluster_upstream_rq_timeout', 'slow-v1'),
    await downstream(5),
  ];
  const started = performance.now();
  const r = await httpRequest(port, '/slow/hang', { headers: { 'x-request-id': 'req-504' } });
  const ms = performance.now() - started;
  assert.equal(r.status, 504);
  assert.equal(r.body, 'upstream request timeout');
  assert.ok(ms >= 380 && ms < 5000, `answered after ${Math.round(ms)} ms (timeout 400 ms)`);
  assert.equal(await gw.proxy.stat('envoy_cluster_upstream_rq_timeout', 'slow-v1'), timeouts + 1);
  assert.equal(await downstream(5), fivexx + 1);
  const entry = await logged('req-504');
  assert.equal(entry.response_code, 504);
  assert.equal(entry.response_flags, 'UT');
  assert.match(String(entry.upstream_cluster), /slow-v1/);
});

test('no healthy upstream: once the only instance deregisters, 503 UH, counted on the cluster', async () => {
  assert.equal((await httpRequest(port, '/gone/x')).status, 200);
  assert.equal(await goneSidecar.stop('SIGTERM'), 0);
  await waitFor(
    'the gateway to see no instance left',
    async () => (await httpRequest(port, '/gone/x')).status === 503,
  );
  const [noneHealthy, fivexx] = [
    await gw.proxy.stat('envoy_cluster_upstream_cx_none_healthy', 'gone-v1'),
    await downstream(5),
  ];
  const r = await httpRequest(port, '/gone/x', { headers: { 'x-request-id': 'req-503' } });
  assert.equal(r.status, 503);
  assert.equal(r.body, 'no healthy upstream');
  assert.equal(await gw.proxy.stat('envoy_cluster_upstream_cx_none_healthy', 'gone-v1'), noneHealthy + 1);
  assert.equal(await downstream(5), fivexx + 1);
  const entry = await logged('req-503');
  assert.equal(entry.response_code, 503);
  assert.equal(entry.response_flags, 'UH');
  assert.match(String(entry.upstream_cluster), /gone-v1/);
});
