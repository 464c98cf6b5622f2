// Endpoint health through real sidecars: outlier detection ejects a crashed instance and lets it back after the
// ejection time; active health checks take a dead instance out and bring it back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePorts } from '../support/free-ports.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { ProxyClient } from '../support/http-client.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'o';
let h: MeshHarness;
let client: ProxyClient;
let clientSidecar: SidecarProcess;
const apps = new Map<string, HttpApp>();
const sidecars = new Map<string, SidecarProcess>();
let poolPort: number;
let checkedPort: number;

/** Two instances of one node on one machine: apps on 127.0.0.1 and 127.0.0.2, same listener port. */
async function twoInstances(node: string, port: number): Promise<void> {
  for (const [suffix, host] of [
    ['a', '127.0.0.1'],
    ['b', '127.0.0.2'],
  ] as const) {
    apps.set(`${node}-${suffix}`, await startHttpApp(`${node}-${suffix}`, port, host));
    sidecars.set(
      `${node}-${suffix}`,
      await h.sidecar(`mesh/${mesh}/virtualNode/${node}`, { args: ['--app-host', host] }),
    );
  }
}

interface HostStatus {
  address: { socket_address: { port_value: number } };
  health_status: { failed_active_health_check: boolean; failed_outlier_check: boolean };
}

async function hostStatus(instance: string): Promise<HostStatus['health_status'] | undefined> {
  const port = sidecars.get(instance)!.inboundPort;
  const report = (await (await fetch(`${clientSidecar.admin}/clusters?format=json`)).json()) as {
    cluster_statuses: { name: string; host_statuses?: HostStatus[] }[];
  };
  for (const c of report.cluster_statuses)
    for (const hs of c.host_statuses ?? [])
      if (hs.address.socket_address.port_value === port) return hs.health_status;
  return undefined;
}

before(async () => {
  h = await startMesh();
  [poolPort, checkedPort] = (await freePorts(2)) as [number, number];
  const api = h.api;
  await api.createMesh(mesh);
  await api.createNode(
    mesh,
    'pool',
    servingNode('pool', poolPort, 'http', {
      listener: {
        outlierDetection: {
          maxServerErrors: 3,
          interval: { unit: 's', value: 1 },
          baseEjectionDuration: { unit: 's', value: 2 },
          maxEjectionPercent: 50,
        },
      },
    }),
  );
  await api.createNode(
    mesh,
    'checked',
    servingNode('checked', checkedPort, 'http', {
      listener: {
        healthCheck: {
          protocol: 'http',
          path: '/health',
          intervalMillis: 5000,
          timeoutMillis: 2000,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
        },
      },
    }),
  );
  await api.createService(mesh, 'pool.e2e.local', { provider: { virtualNode: { virtualNodeName: 'pool' } } });
  await api.createService(mesh, 'checked.e2e.local', {
    provider: { virtualNode: { virtualNodeName: 'checked' } },
  });
  await api.createNode(mesh, 'client', clientNode('pool.e2e.local', 'checked.e2e.local'));
  await Promise.all([twoInstances('pool', poolPort), twoInstances('checked', checkedPort)]);
  clientSidecar = await h.sidecar(`mesh/${mesh}/virtualNode/client`);
  client = new ProxyClient(clientSidecar.outboundPort);
  for (const [node, port] of [
    ['pool', poolPort],
    ['checked', checkedPort],
  ] as const) {
    await waitFor(`both ${node} instances answering`, async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 20; i++)
        seen.add(String((await client.get(`${node}.e2e.local:${port}`)).headers['x-app']));
      return seen.has(`${node}-a`) && seen.has(`${node}-b`);
    });
  }
});

after(async () => {
  client?.close();
  await h?.close();
  await Promise.all([...apps.values()].map((a) => a.close()));
});

/** Sends requests until `done` holds, failing on any non-200; returns who answered. */
async function trafficUntil(
  authority: string,
  what: string,
  done: (answeredBy: string[]) => boolean,
  timeoutMs = 20_000,
): Promise<string[]> {
  const answeredBy: string[] = [];
  const failed: string[] = [];
  await waitFor(
    what,
    async () => {
      const r = await client.get(authority);
      if (r.status !== 200) failed.push(`${r.status} ${r.body}`);
      else answeredBy.push(String(r.headers['x-app']));
      return failed.length > 0 || done(answeredBy);
    },
    { timeoutMs, intervalMs: 10 },
  );
  assert.deepEqual(failed, [], 'the client saw errors');
  return answeredBy;
}

test('a crashed instance is ejected by outlier detection, clients see no error, and it returns', async () => {
  const authority = `pool.e2e.local:${poolPort}`;
  await apps.get('pool-b')!.close();
  // Requests that hit pool-b's sidecar get a 503 from it and are retried on pool-a by the client's sidecar.
  const failed: string[] = [];
  await waitFor('pool-b ejected', async () => {
    const r = await client.get(authority);
    if (r.status !== 200) failed.push(`${r.status} ${r.body}`);
    return (await hostStatus('pool-b'))?.failed_outlier_check === true;
  });
  assert.deepEqual(failed, [], 'the client saw errors while pool-b was failing');
  const ejections = await clientSidecar.stat(
    'envoy_cluster_outlier_detection_ejections_enforced_total',
    'cds_egress_o_pool',
  );
  assert.ok(ejections >= 1, `ejections ${ejections}`);
  // While ejected, everything goes to pool-a, with no error seen by the client.
  const during = await trafficUntil(authority, '50 answers', (a) => a.length >= 50);
  assert.ok(during.every((a) => a === 'pool-a'));
  apps.set('pool-b', await startHttpApp('pool-b', poolPort, '127.0.0.2'));
  // After the base ejection time (2 s) the host is back in rotation.
  await trafficUntil(authority, 'pool-b answering again', (a) => a.includes('pool-b'));
  assert.equal((await hostStatus('pool-b'))?.failed_outlier_check, false);
});

test('active health checks take a dead instance out and bring it back', async () => {
  const authority = `checked.e2e.local:${checkedPort}`;
  await apps.get('checked-b')!.close();
  await waitFor(
    'checked-b failing its health check',
    async () => (await hostStatus('checked-b'))?.failed_active_health_check === true,
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const served = await trafficUntil(authority, '50 answers', (a) => a.length >= 50);
  assert.ok(
    served.every((a) => a === 'checked-a'),
    'no request went to the dead instance',
  );
  apps.set('checked-b', await startHttpApp('checked-b', checkedPort, '127.0.0.2'));
  await waitFor(
    'checked-b healthy again',
    async () => (await hostStatus('checked-b'))?.failed_active_health_check === false,
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  await trafficUntil(authority, 'checked-b answering again', (a) => a.includes('checked-b'));
});
