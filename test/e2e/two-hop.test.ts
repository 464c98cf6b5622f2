// A two-hop mesh configured only through the App Mesh API: client → its sidecar (HTTP proxy mode) → server
// sidecar → app. Weighted split, a live weight change, header and path routing, self-registration.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RouteSpec } from '@aws-sdk/client-app-mesh';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { ProxyClient } from '../support/http-client.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'm';
const service = 'server.e2e.local';
const authority = `${service}:8080`;

let h: MeshHarness;
let v1: HttpApp;
let v2: HttpApp;
let client: ProxyClient;
let clientSidecar: SidecarProcess;

function routes(w1: number, w2: number): RouteSpec {
  return {
    priority: 10,
    httpRoute: {
      match: { prefix: '/' },
      action: {
        weightedTargets: [
          { virtualNode: 'server-v1', weight: w1 },
          { virtualNode: 'server-v2', weight: w2 },
        ],
      },
    },
  };
}

before(async () => {
  h = await startMesh();
  [v1, v2] = await Promise.all([startHttpApp('v1'), startHttpApp('v2')]);
  const api = h.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'server-v1', servingNode('server-v1', v1.port));
  await api.createNode(mesh, 'server-v2', servingNode('server-v2', v2.port));
  await api.createRouter(mesh, 'server', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] });
  await api.createRoute(mesh, 'server', 'by-header', {
    priority: 0,
    httpRoute: {
      match: { prefix: '/', headers: [{ name: 'x-version', match: { exact: 'v2' } }] },
      action: { weightedTargets: [{ virtualNode: 'server-v2', weight: 1 }] },
    },
  });
  await api.createRoute(mesh, 'server', 'by-path', {
    priority: 1,
    httpRoute: {
      match: { prefix: '/pinned/v1' },
      action: { weightedTargets: [{ virtualNode: 'server-v1', weight: 1 }] },
    },
  });
  await api.createRoute(mesh, 'server', 'weighted', routes(70, 30));
  await api.createService(mesh, service, { provider: { virtualRouter: { virtualRouterName: 'server' } } });
  await api.createNode(mesh, 'client', clientNode(service));
  const node = (n: string): string => `mesh/${mesh}/virtualNode/${n}`;
  [, , clientSidecar] = await Promise.all([
    h.sidecar(node('server-v1')),
    h.sidecar(node('server-v2')),
    h.sidecar(node('client')),
  ]);
  client = new ProxyClient(clientSidecar.outboundPort);
  // Both server sidecars registered themselves and their endpoints reached the client's sidecar.
  await waitFor('both versions reachable', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = await client.get(authority, '/');
      if (r.status === 200) seen.add(String(r.headers['x-app']));
    }
    return seen.size === 2;
  });
});

after(async () => {
  client?.close();
  await h?.close();
  await Promise.all([v1?.close(), v2?.close()]);
});

/** Sends `count` requests, `concurrency` at a time; returns answers per app and failures. */
async function load(
  count: number,
  concurrency = 16,
  path = '/',
): Promise<{ by: Map<string, number>; failed: string[] }> {
  const by = new Map<string, number>();
  const failed: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        try {
          const r = await client.get(authority, path);
          if (r.status !== 200) failed.push(`${r.status} ${r.body}`);
          else by.set(String(r.headers['x-app']), (by.get(String(r.headers['x-app'])) ?? 0) + 1);
        } catch (error) {
          failed.push((error as Error).message);
        }
      }
    }),
  );
  return { by, failed };
}

test("sidecars registered their nodes' instances in the registry", async () => {
  const instances = await h.api.instancesOf('e2e.local', 'server-v1');
  assert.equal(instances.length, 1);
});

test('weighted split 70/30 within ±3 points over 2,000 requests', async () => {
  const started = performance.now();
  const { by, failed } = await load(2000);
  const seconds = (performance.now() - started) / 1000;
  assert.deepEqual(failed, []);
  const share = ((by.get('v1') ?? 0) / 2000) * 100;
  console.log(
    `# two-hop: 2000 requests in ${seconds.toFixed(2)} s (${Math.round(2000 / seconds)} req/s), v1 ${share.toFixed(1)}%`,
  );
  assert.ok(Math.abs(share - 70) <= 3, `v1 got ${share.toFixed(1)}% (want 70 ± 3)`);
});

test('header and path routes win over the weighted default', async () => {
  for (let i = 0; i < 20; i++) {
    assert.equal((await client.get(authority, '/', { 'x-version': 'v2' })).headers['x-app'], 'v2');
    assert.equal((await client.get(authority, '/pinned/v1/x')).headers['x-app'], 'v1');
  }
  assert.equal((await client.get(authority, '/pinned/v1/x')).body, 'v1 /pinned/v1/x');
});

test('a bare service name (no port) selects the same virtual host', async () => {
  const r = await client.get(service, '/', { 'x-version': 'v2' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-app'], 'v2');
});

test('an unknown host is refused by the mesh egress policy (DROP_ALL: 404)', async () => {
  const r = await client.get('elsewhere.example:80', '/');
  assert.equal(r.status, 404);
});

test('a weight change takes effect live without a failed request', async () => {
  let stop = false;
  const recent: string[] = [];
  const failed: string[] = [];
  let sent = 0;
  const traffic = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (!stop) {
        sent++;
        try {
          const r = await client.get(authority, '/');
          if (r.status !== 200) failed.push(`${r.status} ${r.body}`);
          else recent.push(String(r.headers['x-app']));
        } catch (error) {
          failed.push((error as Error).message);
        }
      }
    }),
  );
  try {
    await waitFor('traffic flowing', () => recent.length > 50);
    await h.api.updateRoute(mesh, 'server', 'weighted', routes(0, 100));
    const mark = recent.length;
    await waitFor('only v2 answering', () => {
      const tail = recent.slice(mark).slice(-200);
      return tail.length === 200 && tail.every((a) => a === 'v2');
    });
  } finally {
    stop = true;
    await traffic;
  }
  assert.deepEqual(failed, [], `${failed.length} of ${sent} requests failed`);
  await h.api.updateRoute(mesh, 'server', 'weighted', routes(70, 30));
});
