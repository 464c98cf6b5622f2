// Incremental ADS against the real server: subscribe/unsubscribe, removals, NACK, reconnect with initial versions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DeltaDiscoveryResponse__Output } from '../../src/xds/protos/message-types.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { AdsTestClient, testNode } from './ads-test-client.ts';
import type { DeltaStream } from './ads-test-client.ts';
import { DeltaBarrier } from './barriers.ts';
import { cluster, endpoints, listener, routes, snapshot, startServer } from './fixtures.ts';
import type { RunningServer } from './fixtures.ts';

let srv: RunningServer;
let client: AdsTestClient;

before(async () => {
  srv = await startServer();
  client = new AdsTestClient(srv.port);
});
after(async () => {
  client.close();
  await srv.close();
});

function got(res: DeltaDiscoveryResponse__Output): { names: string[]; removed: string[] } {
  return { names: res.resources.map((r) => r.name).sort(), removed: [...res.removed_resources].sort() };
}

function ack(s: DeltaStream, res: DeltaDiscoveryResponse__Output, error?: string): void {
  s.send({
    type_url: res.type_url,
    response_nonce: res.nonce,
    ...(error === undefined ? {} : { error_detail: { code: 3, message: error } }),
  });
}

test('delta named subscribe, incremental subscribe, unsubscribe', async () => {
  const key = 'delta-sub';
  srv.cache.setSnapshot(key, snapshot(endpoints('a'), endpoints('b'), endpoints('c')));
  const s = client.delta();
  const barrier = new DeltaBarrier();
  s.send({ node: testNode(key), type_url: typeUrls.clusterLoadAssignment, resource_names_subscribe: ['a'] });
  const r1 = await s.inbox.next('EDS a');
  assert.deepEqual(got(r1), { names: ['a'], removed: [] });
  assert.ok(r1.resources[0]?.version);
  ack(s, r1);
  s.send({ type_url: typeUrls.clusterLoadAssignment, resource_names_subscribe: ['b'] });
  const r2 = await s.inbox.next('EDS b');
  assert.deepEqual(got(r2), { names: ['b'], removed: [] });
  ack(s, r2);
  s.send({ type_url: typeUrls.clusterLoadAssignment, resource_names_unsubscribe: ['a'] });
  await barrier.pass(s, 'unsubscribe needs no answer');
  srv.cache.setSnapshot(key, snapshot(endpoints('a', 1), endpoints('b'), endpoints('c', 1)));
  await barrier.pass(s, 'a and c changed but are not subscribed');
  srv.cache.setSnapshot(key, snapshot(endpoints('a', 1), endpoints('b', 1), endpoints('c', 1)));
  const r3 = await s.inbox.next('EDS b changed');
  assert.deepEqual(got(r3), { names: ['b'], removed: [] });
  const status = srv.server.clients().find((c) => c.nodeId === key);
  assert.equal(status?.protocol, 'delta');
  assert.deepEqual(status?.types.find((t) => t.typeUrl === typeUrls.clusterLoadAssignment)?.subscribed, [
    'b',
  ]);
});

test('delta removals: deleted resources and names that do not exist go in removed_resources', async () => {
  const key = 'delta-rm';
  srv.cache.setSnapshot(key, snapshot(cluster('a'), cluster('b')));
  const s = client.delta();
  const barrier = new DeltaBarrier();
  s.send({ node: testNode(key), type_url: typeUrls.cluster });
  const r1 = await s.inbox.next('CDS wildcard');
  assert.deepEqual(got(r1), { names: ['a', 'b'], removed: [] });
  ack(s, r1);
  srv.cache.setSnapshot(key, snapshot(cluster('a')));
  const r2 = await s.inbox.next('CDS removal');
  assert.deepEqual(got(r2), { names: [], removed: ['b'] });
  ack(s, r2);
  s.send({ type_url: typeUrls.clusterLoadAssignment, resource_names_subscribe: ['nope'] });
  const r3 = await s.inbox.next('EDS for a missing name');
  assert.deepEqual(got(r3), { names: [], removed: ['nope'] });
  ack(s, r3);
  await barrier.pass(s, 'a missing name is reported once');
  srv.cache.setSnapshot(key, snapshot(cluster('a'), endpoints('nope')));
  const r4 = await s.inbox.next('EDS for the name once it exists');
  assert.deepEqual(got(r4), { names: ['nope'], removed: [] });
});

test('delta first wildcard request is answered even when empty', async () => {
  srv.cache.setSnapshot('delta-empty', snapshot());
  const s = client.delta();
  s.send({ node: testNode('delta-empty'), type_url: typeUrls.listener, resource_names_subscribe: ['*'] });
  const r = await s.inbox.next('empty LDS');
  assert.equal(r.type_url, typeUrls.listener);
  assert.deepEqual(got(r), { names: [], removed: [] });
});

test('delta NACK: the rejected version is not re-sent; a change is', async () => {
  const key = 'delta-nack';
  srv.cache.setSnapshot(key, snapshot(routes('r', 'c')));
  const s = client.delta();
  const barrier = new DeltaBarrier();
  s.send({ node: testNode(key), type_url: typeUrls.routeConfiguration, resource_names_subscribe: ['r'] });
  const r1 = await s.inbox.next('RDS');
  ack(s, r1, 'route r: bad');
  await barrier.pass(s, 'after NACK');
  const t = srv.server
    .clients()
    .find((c) => c.nodeId === key)
    ?.types.find((x) => x.typeUrl === typeUrls.routeConfiguration);
  assert.equal(t?.lastNack?.message, 'route r: bad');
  srv.cache.setSnapshot(key, snapshot(routes('r', 'c2')));
  const r2 = await s.inbox.next('RDS after change');
  assert.deepEqual(got(r2), { names: ['r'], removed: [] });
  assert.notEqual(r2.resources[0]?.version, r1.resources[0]?.version);
});

test('delta reconnect with initial_resource_versions gets only what changed and what was deleted', async () => {
  const key = 'delta-reconnect';
  srv.cache.setSnapshot(key, snapshot(cluster('a'), cluster('b'), cluster('c')));
  const s1 = client.delta();
  s1.send({ node: testNode(key), type_url: typeUrls.cluster });
  const r1 = await s1.inbox.next('CDS');
  assert.deepEqual(got(r1).names, ['a', 'b', 'c']);
  const known = Object.fromEntries(r1.resources.map((r) => [r.name, r.version]));
  s1.call.cancel();
  await s1.inbox.closed();

  srv.cache.setSnapshot(key, snapshot(cluster('a'), cluster('b', 1), listener('l', 'r')));
  const s2 = client.delta();
  s2.send({ node: testNode(key), type_url: typeUrls.cluster, initial_resource_versions: known });
  const r2 = await s2.inbox.next('CDS after reconnect');
  assert.deepEqual(got(r2), { names: ['b'], removed: ['c'] });
});

test('delta: the explicit wildcard can be dropped while keeping named resources', async () => {
  const key = 'delta-wild';
  srv.cache.setSnapshot(key, snapshot(cluster('a'), cluster('b')));
  const s = client.delta();
  const barrier = new DeltaBarrier();
  s.send({ node: testNode(key), type_url: typeUrls.cluster, resource_names_subscribe: ['*', 'a'] });
  const r1 = await s.inbox.next('CDS');
  assert.deepEqual(got(r1).names, ['a', 'b']);
  ack(s, r1);
  s.send({ type_url: typeUrls.cluster, resource_names_unsubscribe: ['*'] });
  await barrier.pass(s, 'dropping the wildcard');
  srv.cache.setSnapshot(key, snapshot(cluster('a', 1), cluster('b', 1)));
  const r2 = await s.inbox.next('CDS a only');
  assert.deepEqual(got(r2), { names: ['a'], removed: [] });
});

test('delta: types changing together go out CDS, EDS, LDS, RDS, removals last', async () => {
  const key = 'delta-order';
  srv.cache.setSnapshot(
    key,
    snapshot(cluster('old'), endpoints('old'), listener('l', 'r'), routes('r', 'old')),
  );
  const s = client.delta();
  s.send({ node: testNode(key), type_url: typeUrls.listener, resource_names_subscribe: ['l'] });
  s.send({ type_url: typeUrls.routeConfiguration, resource_names_subscribe: ['r'] });
  s.send({ type_url: typeUrls.cluster, resource_names_subscribe: ['*'] });
  s.send({ type_url: typeUrls.clusterLoadAssignment, resource_names_subscribe: ['old', 'new'] });
  const initial = new Set<string>();
  while (initial.size < 4) {
    const res = await s.inbox.next('initial responses');
    initial.add(res.type_url);
    ack(s, res);
  }
  await new DeltaBarrier().pass(s, 'initial state acknowledged');

  srv.cache.setSnapshot(
    key,
    snapshot(cluster('new'), endpoints('new'), listener('l', 'r2'), routes('r', 'new')),
  );
  const order: string[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await s.inbox.next(`ordered response ${i}`);
    const { names, removed } = got(res);
    order.push(`${res.type_url.split('.').pop()}[${[...names, ...removed.map((n) => `-${n}`)].join(',')}]`);
  }
  assert.deepEqual(order, [
    'Cluster[new]',
    'ClusterLoadAssignment[new]',
    'Listener[l]',
    'RouteConfiguration[r]',
    'Cluster[-old]',
    'ClusterLoadAssignment[-old]',
  ]);
});
