// Two control plane replicas on one PostgreSQL database, real processes, sidecars registered in the shared
// registry: a write through one replica reaches a sidecar streaming from the other (propagation p99 reported),
// neither replica expires the instances of a proxy streaming from the other, and sidecars given both replicas
// survive a `kill -9` of the one they stream from: no failed request, a reconnect to the other within seconds,
// and a later route change through the survivor takes effect.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RouteSpec } from '@aws-sdk/client-app-mesh';
import {
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { ProxyClient } from '../support/http-client.ts';
import { clientNode, MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { postgresSkipReason, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { startSidecar, type SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const skip = postgresSkipReason();
const mesh = 'ha';
const service = 'server.ha.local';
const authority = `${service}:8080`;

let pg: PostgresServer | undefined;
const replicas: ControlPlaneProcess[] = [];
let apps: HttpApp[] = [];
const sidecars: SidecarProcess[] = [];

/** Short, so a replica wrongly expiring a proxy that streams from the other replica shows within the test. */
const instanceGraceMs = 1500;

function weights(w1: number, w2: number): RouteSpec {
  return {
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

const connections = (s: SidecarProcess): Record<string, unknown>[] =>
  s.logs.filter((e) => e.msg === 'xds stream connected');
const applies = (s: SidecarProcess): Record<string, unknown>[] =>
  s.logs.filter((e) => e.msg === 'configuration applied');
const xdsOf = (cp: ControlPlaneProcess): string => `127.0.0.1:${cp.xdsPort}`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

before(async () => {
  if (skip) return;
  pg = await startPostgresServer();
  const url = await pg.createDatabase('ha');
  // One at a time: the first applies the schema migrations, the second finds them done.
  for (let i = 0; i < 2; i++)
    replicas.push(
      await startControlPlaneProcess({
        args: ['--store', url, '--instance-grace-ms', String(instanceGraceMs)],
      }),
    );
  apps = await Promise.all([startHttpApp('v1'), startHttpApp('v2')]);
  const api = new MeshApiClient(replicas[0]!.endpoint);
  try {
    await api.createMesh(mesh);
    await api.createNode(mesh, 'server-v1', servingNode('server-v1', apps[0]!.port));
    await api.createNode(mesh, 'server-v2', servingNode('server-v2', apps[1]!.port));
    await api.createRouter(mesh, 'server', {
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    });
    await api.createRoute(mesh, 'server', 'split', weights(100, 0));
    await api.createService(mesh, service, { provider: { virtualRouter: { virtualRouterName: 'server' } } });
    await api.createNode(mesh, 'client', clientNode(service));
  } finally {
    api.close();
  }
  // server-v1 streams from replica A first, server-v2 from B; both learn the API to register with over xDS.
  const [a, b] = replicas.map(xdsOf) as [string, string];
  for (const [name, list] of [
    ['server-v1', `${a},${b}`],
    ['server-v2', `${b},${a}`],
  ] as const) {
    sidecars.push(
      await startSidecar({
        node: `mesh/${mesh}/virtualNode/${name}`,
        xdsPort: replicas[0]!.xdsPort,
        xdsAddr: list,
      }),
    );
  }
});

after(async () => {
  await Promise.all(sidecars.map((s) => s.stop('SIGKILL')));
  for (const cp of replicas) {
    await cp.stop('SIGKILL');
    await removeDir(cp.dataDir);
  }
  await Promise.all(apps.map((a) => a.close()));
  await pg?.cleanup();
});

test(
  'a write through replica A reaches a sidecar streaming from replica B (propagation p99)',
  { skip },
  async () => {
    const [a, b] = replicas as [ControlPlaneProcess, ControlPlaneProcess];
    const sidecar = await startSidecar({ node: `mesh/${mesh}/virtualNode/client`, xdsPort: b.xdsPort });
    sidecars.push(sidecar);
    const api = new MeshApiClient(a.endpoint);
    const client = new ProxyClient(sidecar.outboundPort);
    const writes = 50;
    const latenciesMs: number[] = [];
    try {
      for (let i = 1; i <= writes; i++) {
        const before = applies(sidecar).length;
        const startedMs = Date.now();
        await api.updateRoute(mesh, 'server', 'split', weights(100 - i, i));
        const applied = await waitFor(`write ${i} applied on the sidecar of replica B`, () =>
          applies(sidecar).at(before),
        );
        // pino's `time` is the sidecar's wall clock, the same clock as ours: the write's start to its apply.
        latenciesMs.push((applied.time as number) - startedMs);
      }
      // The last write is what serves: v2 now takes half the traffic. Seconds past the instance grace period,
      // both instances are still registered: neither replica expired the proxy streaming from the other.
      await waitFor('both versions answering', async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 20; i++) seen.add(String((await client.get(authority)).headers['x-app']));
        return seen.has('v1') && seen.has('v2');
      });
    } finally {
      client.close();
      api.close();
      await sidecar.stop('SIGTERM');
    }
    const sorted = [...latenciesMs].sort((x, y) => x - y);
    console.log(
      `# replica A write → sidecar on replica B applied, ${writes} writes: p50 ${percentile(sorted, 50)} ms, ` +
        `p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`,
    );
    assert.equal(latenciesMs.length, writes);
    assert.ok(percentile(sorted, 99) < 5_000, `propagation p99 ${percentile(sorted, 99)} ms`);
  },
);

test(
  'kill -9 of the replica a sidecar streams from: zero failed requests, failover within seconds, later changes apply',
  { skip },
  async () => {
    const api = replicas.map((cp) => new MeshApiClient(cp.endpoint));
    await api[0]!.updateRoute(mesh, 'server', 'split', weights(100, 0));
    const sidecar = await startSidecar({
      node: `mesh/${mesh}/virtualNode/client`,
      xdsPort: replicas[0]!.xdsPort,
      xdsAddr: replicas.map(xdsOf).join(','),
    });
    sidecars.push(sidecar);
    const client = new ProxyClient(sidecar.outboundPort);
    let stop = false;
    const failed: string[] = [];
    const answers: string[] = [];
    const traffic = Promise.all(
      Array.from({ length: 2 }, async () => {
        while (!stop) {
          try {
            const r = await client.get(authority);
            if (r.status !== 200) failed.push(`${r.status} ${r.body}`);
            else answers.push(String(r.headers['x-app']));
          } catch (error) {
            failed.push((error as Error).message);
          }
        }
      }),
    );
    try {
      await waitFor('v1 taking all traffic', () => {
        const tail = answers.slice(-50);
        return tail.length === 50 && tail.every((x) => x === 'v1');
      });
      const connectedTo = connections(sidecar).at(-1)!.server as string;
      const victim = replicas.findIndex((cp) => xdsOf(cp) === connectedTo);
      assert.notEqual(victim, -1, `the sidecar streams from ${connectedTo}, not one of the replicas`);
      const survivor = 1 - victim;
      const connectedBefore = connections(sidecar).length;
      const appliedBefore = applies(sidecar).length;
      const servedBefore = answers.length;

      const killedAt = performance.now();
      assert.equal(await replicas[victim]!.stop('SIGKILL'), null);
      const reconnected = await waitFor(
        'the sidecar streaming from the surviving replica',
        () => connections(sidecar).slice(connectedBefore).at(-1),
        { timeoutMs: 10_000 },
      );
      const failoverMs = Math.round(performance.now() - killedAt);
      assert.equal(reconnected.server, xdsOf(replicas[survivor]!));
      // Both replicas compute the same content-addressed versions: the resumed stream resent nothing.
      assert.equal(applies(sidecar).length, appliedBefore);
      assert.ok(failoverMs < 5_000, `failover took ${failoverMs} ms`);

      await api[survivor]!.updateRoute(mesh, 'server', 'split', weights(0, 100));
      const mark = answers.length;
      await waitFor('v2 taking all traffic after the change through the survivor', () => {
        const tail = answers.slice(mark).slice(-50);
        return tail.length === 50 && tail.every((x) => x === 'v2');
      });
      console.log(
        `# failover: reconnected to the surviving replica ${failoverMs} ms after kill -9; ` +
          `${answers.length - servedBefore} requests served meanwhile and after, ${failed.length} failed`,
      );
    } finally {
      stop = true;
      await traffic;
      client.close();
      for (const a of api) a.close();
    }
    assert.deepEqual(failed, []);
    // Re-registered through the survivor, and still there: its proxies stream from it now.
    const survivorApi = new MeshApiClient(replicas.find((cp) => cp.ended() === undefined)!.endpoint);
    try {
      assert.equal((await survivorApi.instancesOf('e2e.local', 'server-v1')).length, 1);
      assert.equal((await survivorApi.instancesOf('e2e.local', 'server-v2')).length, 1);
    } finally {
      survivorApi.close();
    }
  },
);
