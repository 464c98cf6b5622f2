// `switchyard proxy-status` against a real control plane with a real ADS stream connected.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AdsTestClient, testNode } from '../xds/ads-test-client.ts';
import { switchyardBin } from '../support/switchyard-process.ts';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';

const run = promisify(execFile);
const clusterType = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
let cp: TestControlPlane;
let ads: AdsTestClient;

before(async () => {
  cp = await startTestControlPlane();
  await call(cp.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'status' });
  await call(cp.endpoint, 'PUT', '/v20190125/meshes/status/virtualNodes', {
    virtualNodeName: 'web',
    spec: {
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    },
  });
  ads = new AdsTestClient(cp.running.xdsAddress.port);
});
after(async () => {
  ads.close();
  await cp.close();
});

async function proxyStatus(): Promise<string[]> {
  const { stdout } = await run(switchyardBin, ['proxy-status', '--endpoint', cp.endpoint]);
  return stdout.trim().split('\n');
}

test('a proxy that ACKed shows SYNCED, one that NACKed shows NACKED', async () => {
  const stream = ads.delta();
  stream.send({
    node: testNode('mesh/status/virtualNode/web'),
    type_url: clusterType,
    resource_names_subscribe: ['*'],
  });
  const response = await stream.inbox.next('the clusters');
  assert.equal(response.type_url, clusterType);
  stream.send({ type_url: clusterType, response_nonce: response.nonce });
  const deadline = Date.now() + 10_000;
  let lines = await proxyStatus();
  while (
    !lines.some((l) => l.includes('mesh/status/virtualNode/web') && l.includes('SYNCED')) &&
    Date.now() < deadline
  ) {
    lines = await proxyStatus();
  }
  assert.match(lines[0]!, /^NODE\s+CLIENT\s+PROTOCOL\s+CDS\s+LDS\s+EDS\s+RDS\s+AGE/);
  const row = lines.find((l) => l.includes('mesh/status/virtualNode/web'));
  assert.ok(row, lines.join('\n'));
  assert.match(row, /switchyard-test-client 0\.0\.1\s+delta\s+SYNCED\s+-\s+-\s+-/);

  await call(cp.endpoint, 'PUT', '/v20190125/meshes/status/virtualNodes/web', {
    spec: {
      listeners: [{ portMapping: { port: 9090, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    },
  });
  const update = await stream.inbox.next('the changed clusters');
  stream.send({
    type_url: clusterType,
    response_nonce: update.nonce,
    error_detail: { code: 3, message: 'rejected for the test' },
  });
  let nacked = await proxyStatus();
  while (!nacked.some((l) => l.includes('NACKED')) && Date.now() < deadline) nacked = await proxyStatus();
  assert.ok(
    nacked.some((l) => l.includes('mesh/status/virtualNode/web') && / NACKED /.test(l)),
    nacked.join('\n'),
  );

  const { stdout } = await run(switchyardBin, ['proxy-status', '--endpoint', cp.endpoint, '-o', 'json']);
  const { clients, controlPlane } = JSON.parse(stdout) as {
    clients: { types: { lastNack?: { message: string } }[] }[];
    controlPlane: { appliedRevision: number; storeRevision: number };
  };
  assert.equal(clients[0]!.types[0]!.lastNack?.message, 'rejected for the test');
  // The replica has applied every write the store holds (the mesh and node this file created).
  assert.ok(controlPlane.storeRevision > 0);
  assert.equal(controlPlane.appliedRevision, controlPlane.storeRevision);
  assert.match(
    (await proxyStatus()).at(-1)!,
    /^control plane: revision \d+ applied \(caught up with the store\)$/,
  );
});
