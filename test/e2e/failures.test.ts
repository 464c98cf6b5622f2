// Failure handling through two real sidecars: retries of 503s and resets, the per-request timeout, and
// circuit breaker overflow, all configured through the App Mesh API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { ProxyClient } from '../support/http-client.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'f';
const flakyService = 'flaky.e2e.local';
const narrowService = 'narrow.e2e.local';

let h: MeshHarness;
let flaky: HttpApp;
let narrow: HttpApp;
let client: ProxyClient;
let clientSidecar: SidecarProcess;
let narrowSidecar: SidecarProcess;

before(async () => {
  h = await startMesh();
  [flaky, narrow] = await Promise.all([startHttpApp('flaky'), startHttpApp('narrow')]);
  const api = h.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'flaky', servingNode('flaky', flaky.port));
  await api.createNode(
    mesh,
    'narrow',
    servingNode('narrow', narrow.port, 'http', {
      listener: { connectionPool: { http: { maxConnections: 1, maxPendingRequests: 1 } } },
    }),
  );
  await api.createRouter(mesh, 'flaky', { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] });
  await api.createRoute(mesh, 'flaky', 'retried', {
    priority: 1,
    httpRoute: {
      match: { prefix: '/retry' },
      action: { weightedTargets: [{ virtualNode: 'flaky', weight: 1 }] },
      retryPolicy: {
        httpRetryEvents: ['server-error'],
        tcpRetryEvents: ['connection-error'],
        maxRetries: 3,
        perRetryTimeout: { unit: 'ms', value: 2000 },
      },
    },
  });
  await api.createRoute(mesh, 'flaky', 'bounded', {
    priority: 2,
    httpRoute: {
      match: { prefix: '/hang' },
      action: { weightedTargets: [{ virtualNode: 'flaky', weight: 1 }] },
      timeout: { perRequest: { unit: 'ms', value: 500 } },
    },
  });
  await api.createService(mesh, flakyService, {
    provider: { virtualRouter: { virtualRouterName: 'flaky' } },
  });
  await api.createService(mesh, narrowService, { provider: { virtualNode: { virtualNodeName: 'narrow' } } });
  await api.createNode(mesh, 'client', clientNode(flakyService, narrowService));
  const node = (n: string): string => `mesh/${mesh}/virtualNode/${n}`;
  [, narrowSidecar, clientSidecar] = await Promise.all([
    h.sidecar(node('flaky')),
    h.sidecar(node('narrow')),
    h.sidecar(node('client')),
  ]);
  client = new ProxyClient(clientSidecar.outboundPort);
  await waitFor('both services reachable', async () => {
    const a = await client.get(`${flakyService}:80`, '/retry');
    const b = await client.get(`${narrowService}:${narrow.port}`, '/');
    return a.status === 200 && b.status === 200;
  });
});

after(async () => {
  client?.close();
  await h?.close();
  await Promise.all([flaky?.close(), narrow?.close()]);
});

for (const mode of ['503', 'reset'] as const) {
  test(`an upstream ${mode === '503' ? 'answering 503' : 'resetting the connection'} is retried: no client-visible error`, async () => {
    const before = flaky.hits[mode];
    const retriesBefore = await clientSidecar.stat('envoy_cluster_upstream_rq_retry', 'cds_egress_f_flaky');
    for (let i = 0; i < 20; i++) {
      flaky.mode = mode;
      flaky.modeBudget = 1; // the first attempt fails, the retry succeeds
      const r = await client.get(`${flakyService}:80`, `/retry/${i}`);
      assert.equal(r.status, 200, `request ${i}: ${r.status} ${r.body}`);
      assert.equal(r.body, `flaky /retry/${i}`);
    }
    flaky.mode = 'ok';
    flaky.modeBudget = undefined;
    assert.equal(flaky.hits[mode] - before, 20, 'every request failed once upstream');
    const retries = await clientSidecar.stat('envoy_cluster_upstream_rq_retry', 'cds_egress_f_flaky');
    // A reset on a reused keep-alive connection looks like a stale connection to the server's sidecar, which
    // replays the request once on a fresh one itself; only 503s reach the client sidecar's retry policy.
    if (mode === '503') assert.equal(retries - retriesBefore, 20);
  });
}

test('retries stop at num_retries: a persistently failing upstream is answered with its 503', async () => {
  flaky.mode = '503';
  flaky.modeBudget = undefined;
  const before = flaky.hits['503'];
  try {
    const r = await client.get(`${flakyService}:80`, '/retry/always');
    assert.equal(r.status, 503);
  } finally {
    flaky.mode = 'ok';
  }
  assert.equal(flaky.hits['503'] - before, 4, '1 try + 3 retries');
});

test('an upstream that hangs hits the per-request timeout: 504', async () => {
  const started = performance.now();
  const r = await client.get(`${flakyService}:80`, '/hang/forever');
  const tookMs = performance.now() - started;
  assert.equal(r.status, 504);
  assert.ok(tookMs >= 450 && tookMs < 3_000, `answered after ${Math.round(tookMs)} ms`);
  assert.ok((await clientSidecar.stat('envoy_cluster_upstream_rq_timeout', 'cds_egress_f_flaky')) >= 1);
});

test('circuit breaker overflow is shed with 503 and counted', async () => {
  const answers = await Promise.all(
    Array.from({ length: 30 }, () => client.get(`${narrowService}:${narrow.port}`, '/slow')),
  );
  const statuses = answers.map((a) => a.status);
  const ok = statuses.filter((s) => s === 200).length;
  const shed = statuses.filter((s) => s === 503).length;
  assert.equal(ok + shed, 30, `unexpected statuses ${statuses.join(',')}`);
  assert.ok(ok >= 1, 'some requests got through');
  assert.ok(shed >= 1, 'some requests were shed');
  const overflow = await narrowSidecar.stat(
    'envoy_cluster_upstream_rq_pending_overflow',
    'cds_ingress_f_narrow',
  );
  assert.ok(overflow >= shed, `overflow counted ${overflow}, shed ${shed}`);
  // Once the burst is over, the service answers normally again.
  assert.equal((await client.get(`${narrowService}:${narrow.port}`, '/')).status, 200);
});
