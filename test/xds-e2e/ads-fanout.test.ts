// Fan-out through a `bin/switchyard control-plane` process: 500 ADS streams (SotW and delta, ten virtual nodes
// on ten connections) all receive the change one App Mesh API write makes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import {
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { AdsTestClient, type DeltaStream, type SotwStream } from '../xds/ads-test-client.ts';
import { buildMesh, grpcNode, grpcRouteConfig, updateMainRoute } from './support/ads-mesh.ts';
import { MeshApiClient } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'p';
const nodeCount = 10;
// App Mesh's default quota of connected proxies per virtual node.
const streamsPerNode = 50;
const route = grpcRouteConfig('a');

let cp: ControlPlaneProcess;
let api: MeshApiClient;
const connections: AdsTestClient[] = [];

before(async () => {
  cp = await startControlPlaneProcess();
  api = new MeshApiClient(cp.endpoint);
  const clients = Object.fromEntries(Array.from({ length: nodeCount }, (_, i) => [`c${i}`, ['a'] as const]));
  await buildMesh(api, mesh, clients);
});

after(async () => {
  for (const connection of connections) connection.close();
  api?.close();
  if (cp) {
    await cp.stop();
    await removeDir(cp.dataDir);
  }
});

test('500 concurrent streams all receive the update one API write makes', async (t) => {
  const xdsPort = cp.xdsPort;
  const sotw: SotwStream[] = [];
  const delta: DeltaStream[] = [];
  for (let n = 0; n < nodeCount; n++) {
    const connection = new AdsTestClient(xdsPort);
    connections.push(connection);
    const node = grpcNode(mesh, `c${n}`);
    for (let i = 0; i < streamsPerNode; i++) {
      if (n % 2 === 0) {
        const s = connection.sotw();
        s.send({ node, type_url: typeUrls.routeConfiguration, resource_names: [route] });
        sotw.push(s);
      } else {
        const d = connection.delta();
        d.send({ node, type_url: typeUrls.routeConfiguration, resource_names_subscribe: [route] });
        delta.push(d);
      }
    }
  }
  const sotwInitial = await Promise.all(sotw.map((s) => s.inbox.next('initial RDS', 20_000)));
  const deltaInitial = await Promise.all(delta.map((d) => d.inbox.next('initial RDS', 20_000)));
  for (const [i, res] of sotwInitial.entries())
    sotw[i]!.send({
      type_url: typeUrls.routeConfiguration,
      resource_names: [route],
      response_nonce: res.nonce,
      version_info: res.version_info,
    });
  for (const [i, res] of deltaInitial.entries()) {
    assert.equal(res.resources[0]?.name, route);
    delta[i]!.send({ type_url: typeUrls.routeConfiguration, response_nonce: res.nonce });
  }
  const listed = async () => (await api.xdsClients()).length;
  assert.equal(await listed(), nodeCount * streamsPerNode);

  const started = performance.now();
  await updateMainRoute(api, mesh, 'a', 5000);
  const writtenMs = performance.now() - started;
  const arrivals: number[] = [];
  const stamp = <T>(p: Promise<T>): Promise<T> =>
    p.then((value) => {
      arrivals.push(performance.now() - started);
      return value;
    });
  const [sotwUpdates, deltaUpdates] = await Promise.all([
    Promise.all(sotw.map((s) => stamp(s.inbox.next('RDS update', 20_000)))),
    Promise.all(delta.map((d) => stamp(d.inbox.next('RDS update', 20_000)))),
  ]);
  const allMs = performance.now() - started;
  const sotwVersions = new Set(sotwUpdates.map((r) => r.version_info));
  assert.equal(sotwVersions.size, 1, 'versions follow content, and every node sees the same route');
  for (const [i, res] of sotwUpdates.entries())
    assert.notEqual(res.version_info, sotwInitial[i]!.version_info);
  for (const [i, res] of deltaUpdates.entries()) {
    assert.equal(res.resources[0]?.name, route);
    assert.notEqual(res.resources[0]?.version, deltaInitial[i]!.resources[0]?.version);
  }
  arrivals.sort((a, b) => a - b);
  const pushes = cp.logs.filter((l) => l.msg === 'xds snapshots pushed').at(-1);
  t.diagnostic(
    `API write answered after ${writtenMs.toFixed(1)} ms; first stream updated after ${arrivals[0]!.toFixed(1)} ms, ` +
      `median ${arrivals[arrivals.length >> 1]!.toFixed(1)} ms, all ${arrivals.length} after ${allMs.toFixed(1)} ms`,
  );
  t.diagnostic(`control plane log: ${JSON.stringify(pushes)}`);
  assert.ok(allMs < 5000, `fan-out took ${allMs} ms`);

  // Each node is at its quota of connected proxies: one more is refused until one of its streams closes.
  const extra = connections[0]!.sotw();
  extra.send({ node: grpcNode(mesh, 'c0'), type_url: typeUrls.routeConfiguration, resource_names: [route] });
  const refused = await extra.inbox.closed();
  assert.equal(refused.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.match(refused.details, /c0 in mesh p already has 50 connected proxies/);
  sotw[0]!.call.cancel();
  await waitFor('the closed stream to leave the list', async () =>
    (await listed()) < nodeCount * streamsPerNode ? true : undefined,
  );
  const admitted = connections[0]!.sotw();
  admitted.send({
    node: grpcNode(mesh, 'c0'),
    type_url: typeUrls.routeConfiguration,
    resource_names: [route],
  });
  assert.equal(
    (await admitted.inbox.next('RDS for the admitted stream')).type_url,
    typeUrls.routeConfiguration,
  );
});
