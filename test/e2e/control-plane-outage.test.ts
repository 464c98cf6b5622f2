// The control plane is SIGKILLed for 30 s under steady traffic: the sidecars keep serving their last config
// without a failed request, reconnect with back-off, resume without a resend of unchanged resources, and a
// change made after the restart reaches them.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { RouteSpec } from '@aws-sdk/client-app-mesh';
import {
  makeTempDir,
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { freePorts } from '../support/free-ports.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { clientNode, MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { ProxyClient } from '../support/http-client.ts';
import { startSidecar, type SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'r';
const service = 'server.e2e.local';
const authority = `${service}:8080`;
const outageMs = 30_000;

let dataDir: string;
let apiPort: number;
let xdsPort: number;
let cp: ControlPlaneProcess;
let api: MeshApiClient;
let v1: HttpApp;
let v2: HttpApp;
const sidecars: SidecarProcess[] = [];
let clientSidecar: SidecarProcess;
let client: ProxyClient;

function startCp(): Promise<ControlPlaneProcess> {
  return startControlPlaneProcess({
    dataDir,
    // The same addresses after the restart: the sidecars reconnect to where they were.
    apiPort,
    xdsPort,
  });
}

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

before(async () => {
  dataDir = await makeTempDir('outage');
  [apiPort, xdsPort] = (await freePorts(2)) as [number, number];
  cp = await startCp();
  api = new MeshApiClient(cp.endpoint);
  [v1, v2] = await Promise.all([startHttpApp('v1'), startHttpApp('v2')]);
  await api.createMesh(mesh);
  await api.createNode(mesh, 'server-v1', servingNode('server-v1', v1.port));
  await api.createNode(mesh, 'server-v2', servingNode('server-v2', v2.port));
  await api.createRouter(mesh, 'server', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] });
  await api.createRoute(mesh, 'server', 'split', weights(100, 0));
  await api.createService(mesh, service, { provider: { virtualRouter: { virtualRouterName: 'server' } } });
  await api.createNode(mesh, 'client', clientNode(service));
  for (const n of ['server-v1', 'server-v2', 'client'])
    sidecars.push(
      await startSidecar({ node: `mesh/${mesh}/virtualNode/${n}`, xdsPort, apiEndpoint: cp.endpoint }),
    );
  clientSidecar = sidecars[2]!;
  client = new ProxyClient(clientSidecar.outboundPort);
  await waitFor('v1 answering', async () => (await client.get(authority)).headers['x-app'] === 'v1');
});

after(async () => {
  client?.close();
  await Promise.all(sidecars.map((s) => s.stop()));
  api?.close();
  await cp?.stop();
  await Promise.all([v1?.close(), v2?.close()]);
  if (dataDir) await removeDir(dataDir);
});

test('30 s without a control plane: zero failed requests, then resync and a new change applies', async () => {
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
  const connectedCount = (s: SidecarProcess): number =>
    s.logs.filter((e) => e.msg === 'xds stream connected').length;
  const appliedCount = (s: SidecarProcess): number =>
    s.logs.filter((e) => e.msg === 'configuration applied').length;
  try {
    await waitFor('traffic flowing', () => answers.length > 100);
    assert.equal(await cp.stop('SIGKILL'), null);
    const outageStart = performance.now();
    await waitFor('sidecars noticing the outage', () =>
      sidecars.every((s) => s.logs.some((e) => e.msg === 'xds stream closed; reconnecting')),
    );
    const servedBefore = answers.length;
    // The outage itself is the scenario: traffic keeps running for its whole length.
    await delay(outageMs - (performance.now() - outageStart));
    const servedDuring = answers.length - servedBefore;
    assert.deepEqual(failed, [], 'requests failed while the control plane was down');
    console.log(`# outage: ${servedDuring} requests served in ${outageMs / 1000} s without a control plane`);

    const connectedBefore = sidecars.map(connectedCount);
    const appliedBefore = sidecars.map(appliedCount);
    cp = await startCp();
    await waitFor(
      'every sidecar reconnected',
      () => sidecars.every((s, i) => connectedCount(s) > connectedBefore[i]!),
      { timeoutMs: 15_000 },
    );
    // Resumed with initial_resource_versions: nothing changed, so nothing was resent or re-applied.
    assert.deepEqual(sidecars.map(appliedCount), appliedBefore);

    await api.updateRoute(mesh, 'server', 'split', weights(0, 100));
    const mark = answers.length;
    await waitFor('v2 taking all traffic after the restart', () => {
      const tail = answers.slice(mark).slice(-100);
      return tail.length === 100 && tail.every((a) => a === 'v2');
    });
  } finally {
    stop = true;
    await traffic;
  }
  assert.deepEqual(failed, []);
  // Registration survived the restart (the registry is durable, and the sidecars re-register on reconnect).
  assert.equal((await api.instancesOf('e2e.local', 'server-v1')).length, 1);
});
