// Retry policies and per-request timeouts set through the App Mesh API, obeyed by a real grpc-js-xds client.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { GrpcRoute, RouteSpec } from '@aws-sdk/client-app-mesh';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import {
  behaviour,
  rawEchoServiceName,
  startNamedBackend,
  type NamedBackend,
} from '../support/grpc-echo-apps.ts';
import { clientNode, MeshApiClient, registryNode } from '../support/mesh-api-client.ts';
import { MeshGrpcClient } from './support/xds-grpc-client.ts';

const mesh = 'rt';
const router = 'rt-router';
const service = 'flaky.rt.local';

let cp: TestControlPlane;
let api: MeshApiClient;
let backend: NamedBackend;
let client: MeshGrpcClient;
let requestId = 0;

/** A route taken by calls whose `x-policy` metadata is `policy`. */
function routeFor(
  priority: number,
  policy: string,
  extra: Pick<GrpcRoute, 'retryPolicy' | 'timeout'>,
): RouteSpec {
  return {
    priority,
    grpcRoute: {
      match: { serviceName: rawEchoServiceName, metadata: [{ name: 'x-policy', match: { exact: policy } }] },
      action: { weightedTargets: [{ virtualNode: 'flaky', weight: 1 }] },
      ...extra,
    },
  };
}

const perRetryTimeout = { unit: 's' as const, value: 2 };

before(async () => {
  cp = await startTestControlPlane();
  api = new MeshApiClient(cp.endpoint);
  backend = await startNamedBackend('flaky');
  await api.createMesh(mesh);
  await api.createNode(mesh, 'flaky', registryNode('flaky'));
  await api.registerInstance(mesh, 'flaky', 'flaky-1', backend.port);
  await api.createRouter(mesh, router, { listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }] });
  await api.createRoute(
    mesh,
    router,
    'retry-unavailable',
    routeFor(1, 'retry', {
      retryPolicy: { maxRetries: 2, perRetryTimeout, grpcRetryEvents: ['unavailable'] },
    }),
  );
  await api.createRoute(
    mesh,
    router,
    'retry-other',
    routeFor(2, 'other', {
      retryPolicy: {
        maxRetries: 2,
        perRetryTimeout,
        grpcRetryEvents: ['internal', 'resource-exhausted'],
        httpRetryEvents: ['server-error', 'gateway-error'],
      },
    }),
  );
  await api.createRoute(
    mesh,
    router,
    'short-timeout',
    routeFor(3, 'timeout', { timeout: { perRequest: { unit: 'ms', value: 200 } } }),
  );
  await api.createService(mesh, service, { provider: { virtualRouter: { virtualRouterName: router } } });
  await api.createNode(mesh, 'caller', clientNode(service));
  client = new MeshGrpcClient(cp.running.xdsAddress.port, `mesh/${mesh}/virtualNode/caller`, service);
  const warm = await client.call({ metadata: { 'x-policy': 'retry' }, deadlineMs: 10_000 });
  assert.ok(warm.ok, `the client never reached the mesh: ${JSON.stringify(warm)}`);
});

after(async () => {
  await client?.close();
  api?.close();
  backend?.close();
  await cp?.close();
});

/** `count` calls whose first attempt the backend fails with UNAVAILABLE. */
async function flakyCalls(
  policy: string,
  count: number,
): Promise<{ outcomes: Map<string, number>; attempts: number }> {
  const before = backend.attempts;
  const outcomes = new Map<string, number>();
  await Promise.all(
    Array.from({ length: count }, async () => {
      const result = await client.call({
        metadata: { 'x-policy': policy, [behaviour.failFirst]: `req-${requestId++}` },
      });
      const key = result.ok ? 'ok' : grpc.status[result.code];
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }),
  );
  return { outcomes, attempts: backend.attempts - before };
}

test('a grpc retry policy listing unavailable turns a flaky upstream into success', async () => {
  const { outcomes, attempts } = await flakyCalls('retry', 50);
  assert.deepEqual(Object.fromEntries(outcomes), { ok: 50 });
  assert.equal(attempts, 100, 'each call took exactly one retry');
});

test('a retry policy without unavailable leaves UNAVAILABLE to the caller', async () => {
  const { outcomes, attempts } = await flakyCalls('other', 50);
  assert.deepEqual(Object.fromEntries(outcomes), { UNAVAILABLE: 50 });
  assert.equal(attempts, 50, 'nothing was retried');
});

test('a per-request timeout on the route yields DEADLINE_EXCEEDED', async (t) => {
  const started = performance.now();
  const slow = await client.call({
    metadata: { 'x-policy': 'timeout', [behaviour.delayMs]: '3000' },
    deadlineMs: 5000,
  });
  const elapsed = performance.now() - started;
  assert.equal(slow.ok, false);
  assert.equal(!slow.ok && grpc.status[slow.code], 'DEADLINE_EXCEEDED');
  t.diagnostic(`route timeout 200 ms: call failed after ${elapsed.toFixed(0)} ms`);
  assert.ok(elapsed >= 190 && elapsed < 2000, `failed after ${elapsed} ms`);
  const quick = await client.call({ metadata: { 'x-policy': 'timeout', [behaviour.delayMs]: '20' } });
  assert.ok(quick.ok, 'a call within the timeout succeeds');
  const otherRoute = await client.call({ metadata: { 'x-policy': 'retry', [behaviour.delayMs]: '400' } });
  assert.ok(otherRoute.ok, 'other routes keep their own (default) timeout');
});
