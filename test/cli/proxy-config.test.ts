// `switchyard proxy-config` against a real control plane with a real ADS stream: the tables of what it serves
// the proxy are a golden file (regenerate with UPDATE_GOLDEN=1 and review the diff by hand).

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AdsTestClient, testNode } from '../xds/ads-test-client.ts';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { runCli } from './cli-harness.ts';

const goldenFile = path.join(import.meta.dirname, 'golden', 'proxy-config.txt');
const clusterType = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const node = 'mesh/config/virtualNode/web';
let cp: TestControlPlane;
let ads: AdsTestClient;

before(async () => {
  cp = await startTestControlPlane();
  const put = async (pathname: string, body: object): Promise<void> => {
    const answer = await call(cp.endpoint, 'PUT', `/v20190125/meshes${pathname}`, body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  };
  await put('', { meshName: 'config' });
  await put('/config/virtualNodes', {
    virtualNodeName: 'api',
    spec: {
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    },
  });
  await put('/config/virtualServices', {
    virtualServiceName: 'api.local',
    spec: { provider: { virtualNode: { virtualNodeName: 'api' } } },
  });
  await put('/config/virtualNodes', {
    virtualNodeName: 'web',
    spec: {
      listeners: [{ portMapping: { port: 8081, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
      backends: [{ virtualService: { virtualServiceName: 'api.local' } }],
    },
  });
  ads = new AdsTestClient(cp.running.xdsAddress.port);
});
after(async () => {
  ads.close();
  await cp.close();
});

test('proxy-config prints what the control plane serves a connected proxy, and which types it ACKed', async () => {
  const missing = await runCli(cp.endpoint, ['proxy-config', node]);
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stderr,
    `error: no proxy with node id ${node} is connected; the control plane holds configuration only for connected proxies\n` +
      'hint: switchyard proxy-status lists the connected proxies\n',
  );

  const stream = ads.delta();
  stream.send({ node: testNode(node), type_url: clusterType, resource_names_subscribe: ['*'] });
  const response = await stream.inbox.next('the clusters');
  stream.send({ type_url: clusterType, response_nonce: response.nonce });

  let output = '';
  for (const args of [[], ['listeners'], ['routes'], ['clusters'], ['endpoints']]) {
    const result = await runCli(cp.endpoint, ['proxy-config', node, ...args]);
    assert.equal(result.code, 0, result.stderr);
    output += `$ switchyard proxy-config ${[node, ...args].join(' ')}\n${result.stdout}\n`;
  }
  if (process.env.UPDATE_GOLDEN) await writeFile(goldenFile, output);
  assert.equal(output, await readFile(goldenFile, 'utf8'), 'proxy-config.txt differs (UPDATE_GOLDEN=1)');
  assert.match(output, /^CLUSTERS \(version \S+, ACKed \(SYNCED\)\)$/m);

  const json = await runCli(cp.endpoint, ['proxy-config', node, 'clusters', '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const document = JSON.parse(json.stdout) as {
    nodeId: string;
    clusters: { resources: { name: string; resource: Record<string, unknown> }[] };
  };
  assert.equal(document.nodeId, node);
  const first = document.clusters.resources[0]!;
  assert.equal(first.resource['@type'], clusterType);
  assert.equal(first.resource.name, first.name);

  const yaml = await runCli(cp.endpoint, ['proxy-config', node, 'routes', '-o', 'yaml']);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.match(yaml.stdout, /^routes:\n {2}version: \S+\n/m);

  const bad = await runCli(cp.endpoint, ['proxy-config', node, 'secrets']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /value 'secrets' is invalid for argument 'section'/);
});
