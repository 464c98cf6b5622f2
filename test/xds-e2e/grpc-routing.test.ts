// Real @grpc/grpc-js-xds clients obey routes set through the App Mesh API of a `bin/switchyard control-plane`
// process: weighted split, live weight changes, metadata match, route and node deletion.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { RouteSpec } from '@aws-sdk/client-app-mesh';
import {
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { rawEchoServiceName, startNamedBackend, type NamedBackend } from '../support/grpc-echo-apps.ts';
import { clientNode, MeshApiClient, registryNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { MeshGrpcClient, trafficDuring, type Observed } from './support/xds-grpc-client.ts';

const mesh = 'e2e';
const router = 'echo-router';
const service = 'echo.e2e.local';

let cp: ControlPlaneProcess;
let api: MeshApiClient;
let client: MeshGrpcClient;
const backends = new Map<string, NamedBackend>();

function weighted(weights: Readonly<Record<string, number>>): RouteSpec {
  return {
    priority: 100,
    grpcRoute: {
      match: { serviceName: rawEchoServiceName },
      action: {
        weightedTargets: Object.entries(weights).map(([virtualNode, weight]) => ({ virtualNode, weight })),
      },
    },
  };
}

const share = (counts: Map<string, number>, name: string): number => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return (100 * (counts.get(name) ?? 0)) / total;
};

before(async () => {
  cp = await startControlPlaneProcess();
  const xdsPort = cp.xdsPort;
  api = new MeshApiClient(cp.endpoint);
  await api.createMesh(mesh);
  for (const name of ['blue', 'green', 'amber']) {
    const backend = await startNamedBackend(name);
    backends.set(name, backend);
    if (name === 'amber') {
      // Found by DNS instead: an IP literal, resolved on the control plane and served as EDS.
      await api.createNode(mesh, name, {
        listeners: [{ portMapping: { port: backend.port, protocol: 'grpc' } }],
        serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
      });
      continue;
    }
    await api.createNode(mesh, name, registryNode(name));
    await api.registerInstance(mesh, name, `${name}-1`, backend.port);
  }
  await api.createRouter(mesh, router, { listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }] });
  await api.createRoute(mesh, router, 'weighted', weighted({ blue: 80, green: 20 }));
  await api.createRoute(mesh, router, 'by-header', {
    priority: 10,
    grpcRoute: {
      match: { serviceName: rawEchoServiceName, metadata: [{ name: 'x-color', match: { exact: 'amber' } }] },
      action: { weightedTargets: [{ virtualNode: 'amber', weight: 1 }] },
    },
  });
  await api.createService(mesh, service, { provider: { virtualRouter: { virtualRouterName: router } } });
  await api.createNode(mesh, 'app', clientNode(service));
  client = new MeshGrpcClient(xdsPort, `mesh/${mesh}/virtualNode/app`, service);
});

after(async () => {
  await client?.close();
  api?.close();
  for (const backend of backends.values()) backend.close();
  if (cp) {
    await cp.stop();
    await removeDir(cp.dataDir);
  }
});

test('an 80/20 weighted route splits 2,000 RPCs within 3 points', async (t) => {
  const started = performance.now();
  const first = await client.call({ deadlineMs: 10_000 });
  assert.ok(first.ok, `first RPC failed: ${JSON.stringify(first)}`);
  const resolvedMs = performance.now() - started;
  const counts = await client.tally(2000);
  t.diagnostic(
    `first RPC (resolution included) ${resolvedMs.toFixed(0)} ms; 2000 RPCs ${(performance.now() - started - resolvedMs).toFixed(0)} ms`,
  );
  t.diagnostic(`80/20 split over 2000 RPCs: ${JSON.stringify(Object.fromEntries(counts))}`);
  assert.deepEqual([...counts.keys()].sort(), ['blue', 'green']);
  assert.ok(Math.abs(share(counts, 'blue') - 80) <= 3, `blue got ${share(counts, 'blue')}%`);
});

test('metadata match routes to its own target; other values take the default route', async () => {
  const amber = await client.tally(100, { metadata: { 'x-color': 'amber' } });
  assert.deepEqual(Object.fromEntries(amber), { amber: 100 });
  const other = await client.tally(100, { metadata: { 'x-color': 'AMBER' } });
  assert.equal(other.get('amber'), undefined, 'exact match is case-sensitive');
  assert.equal((other.get('blue') ?? 0) + (other.get('green') ?? 0), 100);
});

/** The last `n` observed calls (by start) all reached `backend`. */
const lastOnly = (backend: string, n: number) => (observed: readonly Observed[]) => {
  const recent = [...observed].sort((a, b) => a.startedMs - b.startedMs).slice(-n);
  return recent.length === n && recent.every((o) => o.result.ok && o.result.backend === backend);
};

/** Start time of the last call that reached one of `backends`, and every failure seen. */
function summarize(observed: readonly Observed[], backends: readonly string[]) {
  const reached = observed.filter((o) => o.result.ok && backends.includes(o.result.backend));
  return {
    lastMs: reached.at(-1)?.startedMs ?? 0,
    failures: observed.filter((o) => !o.result.ok).map((o) => o.result),
  };
}

test('changing the weights through the API shifts live traffic without a client restart', async (t) => {
  let writeMs = 0;
  const toGreen = await trafficDuring(
    client,
    async () => {
      const started = performance.now();
      await api.updateRoute(mesh, router, 'weighted', weighted({ blue: 0, green: 100 }));
      writeMs = performance.now() - started;
    },
    lastOnly('green', 40),
  );
  const shift = summarize(toGreen, ['blue']);
  t.diagnostic(
    `80/20 -> 0/100 under live traffic (${toGreen.length} calls): the API answered in ${writeMs.toFixed(1)} ms; ` +
      `the last call to blue started ${shift.lastMs.toFixed(1)} ms after the write began`,
  );
  assert.deepEqual(shift.failures, [], 'no call failed while the route changed');
  assert.ok(shift.lastMs < 1000, `the shift took ${shift.lastMs} ms`);

  await api.updateRoute(mesh, router, 'weighted', weighted({ blue: 20, green: 80 }));
  await waitFor('blue to take traffic again', async () =>
    (await client.tally(20, {}, 20)).has('blue') ? true : undefined,
  );
  const counts = await client.tally(1000);
  t.diagnostic(`20/80 split over 1000 RPCs: ${JSON.stringify(Object.fromEntries(counts))}`);
  assert.ok(Math.abs(share(counts, 'blue') - 20) <= 4, `blue got ${share(counts, 'blue')}%`);
  const pushes = cp.logs.filter((l) => l.msg === 'xds snapshots pushed').map((l) => l.writeToPushMs);
  t.diagnostic(`control plane write-to-push (ms) as logged: ${pushes.join(', ')}`);
});

test('a deleted route stops matching; a deleted client node loses its configuration', async (t) => {
  const observed = await trafficDuring(
    client,
    () => api.deleteRoute(mesh, router, 'by-header'),
    (seen) => seen.length >= 40 && !seen.slice(-40).some((o) => o.result.ok && o.result.backend === 'amber'),
    { metadata: { 'x-color': 'amber' } },
  );
  const gone = summarize(observed, ['amber']);
  t.diagnostic(
    `route deleted: last call to amber started ${gone.lastMs.toFixed(1)} ms after the API call began`,
  );
  assert.deepEqual(gone.failures, [], 'no call failed while the route went away');
  const amberAttempts = backends.get('amber')!.attempts;
  const after = await client.tally(50, { metadata: { 'x-color': 'amber' } });
  assert.equal(after.get('amber'), undefined);
  assert.equal(backends.get('amber')!.attempts, amberAttempts, 'nothing reaches the old target');

  const deletedAt = performance.now();
  await api.deleteNode(mesh, 'app');
  const value = await waitFor('RPCs to stop once the client node is gone', async () => {
    const result = await client.call({ deadlineMs: 1000 });
    return result.ok ? undefined : result;
  });
  t.diagnostic(
    `client node deleted: RPCs fail after ${(performance.now() - deletedAt).toFixed(0)} ms with ${JSON.stringify(value)}`,
  );
  assert.ok(!value.ok);
  assert.equal(grpc.status[value.code], 'UNAVAILABLE');
});
