// Round-trips resources through packAny/unpackAny and the hand-assembled discovery responses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packAny, unpackAny } from './any.ts';
import { adsServiceDefinition } from './ads-service.ts';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from './discovery-wire.ts';
import { createResource } from './resource.ts';
import { extensionTypeUrls, typeUrls } from './type-urls.ts';

const cluster = {
  name: 'c-a',
  type: 'EDS' as const,
  eds_cluster_config: { eds_config: { ads: {} }, service_name: 'c-a-eds' },
  connect_timeout: { seconds: 5, nanos: 0 },
};

test('packAny and unpackAny round-trip a Cluster with enums and durations as strings', () => {
  const any = packAny(typeUrls.cluster, cluster);
  assert.equal(any.type_url, typeUrls.cluster);
  const back = unpackAny(any, typeUrls.cluster);
  assert.equal(back.name, 'c-a');
  assert.equal(back.type, 'EDS');
  assert.equal(back.connect_timeout?.seconds, '5');
  assert.equal(back.eds_cluster_config?.service_name, 'c-a-eds');
  assert.throws(() => unpackAny(any, typeUrls.listener), /expected an Any of/);
});

test('an embedded Any (HCM inside a Listener api_listener) survives packing', () => {
  const hcm = packAny(extensionTypeUrls.httpConnectionManager, {
    rds: { route_config_name: 'r', config_source: { ads: {} } },
    http_filters: [{ name: 'router', typed_config: packAny(extensionTypeUrls.router, {}) }],
  });
  const listener = unpackAny(
    packAny(typeUrls.listener, { name: 'l', api_listener: { api_listener: hcm } }),
    typeUrls.listener,
  );
  const inner = listener.api_listener?.api_listener;
  assert.ok(inner);
  assert.equal(unpackAny(inner, extensionTypeUrls.httpConnectionManager).rds?.route_config_name, 'r');
});

test('createResource names a ClusterLoadAssignment by cluster_name and versions by content', () => {
  const a = createResource(typeUrls.clusterLoadAssignment, { cluster_name: 'x', endpoints: [] });
  const b = createResource(typeUrls.clusterLoadAssignment, { cluster_name: 'x', endpoints: [] });
  const c = createResource(typeUrls.clusterLoadAssignment, {
    cluster_name: 'x',
    endpoints: [{ locality: {} }],
  });
  assert.equal(a.name, 'x');
  assert.equal(a.version, b.version);
  assert.notEqual(a.version, c.version);
  assert.throws(() => createResource(typeUrls.cluster, {}), /needs a name/);
});

test('hand-assembled responses decode as the real DiscoveryResponse messages', () => {
  const r1 = createResource(typeUrls.cluster, cluster);
  const r2 = createResource(typeUrls.cluster, { ...cluster, name: 'c-b' });
  const def = adsServiceDefinition();
  const sotw = def.StreamAggregatedResources.responseDeserialize(
    encodeDiscoveryResponse({
      versionInfo: 'v1',
      typeUrl: typeUrls.cluster,
      nonce: '7',
      resources: [r1, r2],
    }),
  );
  assert.equal(sotw.version_info, 'v1');
  assert.equal(sotw.nonce, '7');
  assert.deepEqual(
    sotw.resources.map((r) => unpackAny(r, typeUrls.cluster).name),
    ['c-a', 'c-b'],
  );
  const delta = def.DeltaAggregatedResources.responseDeserialize(
    encodeDeltaDiscoveryResponse({
      systemVersionInfo: 's',
      typeUrl: typeUrls.cluster,
      nonce: '8',
      resources: [r1],
      removedResources: ['gone'],
    }),
  );
  assert.equal(delta.nonce, '8');
  assert.deepEqual(delta.removed_resources, ['gone']);
  assert.equal(delta.resources[0]?.name, 'c-a');
  assert.equal(delta.resources[0]?.version, r1.version);
  assert.equal(unpackAny(delta.resources[0]!.resource!, typeUrls.cluster).name, 'c-a');
});
