// State-of-the-world ADS against the real server: fetch, ACK/NACK, stale nonces, named subscriptions, removals, order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { unpackAny } from '../../src/xds/protos/any.ts';
import type { DiscoveryResponse__Output } from '../../src/xds/protos/message-types.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import type { NackInfo } from '../../src/xds/server/type-tracker.ts';
import { AdsTestClient, testNode } from './ads-test-client.ts';
import type { SotwStream } from './ads-test-client.ts';
import { SotwBarrier } from './barriers.ts';
import { cluster, endpoints, listener, routes, snapshot, startServer } from './fixtures.ts';
import type { RunningServer } from './fixtures.ts';

let srv: RunningServer;
let client: AdsTestClient;
const nacks: NackInfo[] = [];
const acks: string[] = [];

before(async () => {
  srv = await startServer({
    callbacks: {
      onNack: (_c, e) => nacks.push(e),
      onAck: (c, e) => acks.push(`${c.nodeId} ${e.typeUrl} ${e.version}`),
    },
  });
  client = new AdsTestClient(srv.port);
});
after(async () => {
  client.close();
  await srv.close();
});

function names(res: DiscoveryResponse__Output): string[] {
  return res.resources.map((any) => {
    const m = unpackAny(any) as { name?: string; cluster_name?: string };
    return m.cluster_name ?? m.name ?? '';
  });
}

function reply(s: SotwStream, res: DiscoveryResponse__Output, resourceNames: string[], error?: string): void {
  s.send({
    type_url: res.type_url,
    version_info: res.version_info,
    response_nonce: res.nonce,
    resource_names: resourceNames,
    ...(error === undefined ? {} : { error_detail: { code: 3, message: error } }),
  });
}

test('initial wildcard CDS fetch, then ACK recorded in status without a resend', async () => {
  srv.cache.setSnapshot('sotw-1', snapshot(cluster('a'), cluster('b')));
  const s = client.sotw();
  s.send({ node: testNode('sotw-1'), type_url: typeUrls.cluster });
  const res = await s.inbox.next('CDS');
  assert.equal(res.type_url, typeUrls.cluster);
  assert.deepEqual(names(res).sort(), ['a', 'b']);
  assert.ok(res.version_info !== '' && res.nonce !== '');
  reply(s, res, []);
  await new SotwBarrier().pass(s, 'after ACK');
  const status = srv.server.clients().find((c) => c.nodeId === 'sotw-1');
  assert.equal(status?.userAgentName, 'switchyard-test-client');
  assert.equal(status?.userAgentVersion, '0.0.1');
  assert.equal(status?.protocol, 'sotw');
  const cds = status?.types.find((t) => t.typeUrl === typeUrls.cluster);
  assert.equal(cds?.wildcard, true);
  assert.equal(cds?.lastSentVersion, res.version_info);
  assert.equal(cds?.lastAckedVersion, res.version_info);
  assert.ok(acks.includes(`sotw-1 ${typeUrls.cluster} ${res.version_info}`));
});

test('a NACKed version is never re-sent; a change is', async () => {
  srv.cache.setSnapshot('sotw-nack', snapshot(cluster('a'), cluster('bad')));
  const s = client.sotw();
  const barrier = new SotwBarrier();
  s.send({ node: testNode('sotw-nack'), type_url: typeUrls.cluster });
  const first = await s.inbox.next('CDS');
  // Like grpc-js-xds with per-resource validation: the NACK carries the new version and error_detail.
  reply(s, first, [], 'cluster bad: unsupported');
  await barrier.pass(s, 'after NACK');
  const cds = srv.server
    .clients()
    .find((c) => c.nodeId === 'sotw-nack')
    ?.types.find((t) => t.typeUrl === typeUrls.cluster);
  assert.equal(cds?.lastNack?.message, 'cluster bad: unsupported');
  assert.equal(cds?.lastNack?.version, first.version_info);
  assert.equal(cds?.lastAckedVersion, undefined);
  assert.ok(nacks.some((n) => n.message === 'cluster bad: unsupported'));

  // Re-setting identical content must not re-send either.
  srv.cache.setSnapshot('sotw-nack', snapshot(cluster('a'), cluster('bad')));
  await barrier.pass(s, 'after identical snapshot');

  // A NACK storm stays quiet: each one is recorded, none answered.
  for (let i = 0; i < 200; i++) reply(s, first, [], `storm ${i}`);
  await barrier.pass(s, 'after NACK storm');

  srv.cache.setSnapshot('sotw-nack', snapshot(cluster('a'), cluster('bad', 1)));
  const fixed = await s.inbox.next('CDS after a change');
  assert.notEqual(fixed.version_info, first.version_info);
  assert.deepEqual(names(fixed).sort(), ['a', 'bad']);
  reply(s, fixed, []);
  await barrier.pass(s, 'after ACK of the fix');
  const after = srv.server
    .clients()
    .find((c) => c.nodeId === 'sotw-nack')
    ?.types.find((t) => t.typeUrl === typeUrls.cluster);
  assert.equal(after?.lastAckedVersion, fixed.version_info);
  assert.equal(after?.lastNack, undefined);
});

test('a request answering an older nonce is ignored, subscription change included', async () => {
  srv.cache.setSnapshot('sotw-stale', snapshot(endpoints('a'), endpoints('b')));
  const s = client.sotw();
  const barrier = new SotwBarrier();
  s.send({ node: testNode('sotw-stale'), type_url: typeUrls.clusterLoadAssignment, resource_names: ['a'] });
  const r1 = await s.inbox.next('EDS a');
  srv.cache.setSnapshot('sotw-stale', snapshot(endpoints('a', 9000), endpoints('b')));
  const r2 = await s.inbox.next('EDS a changed');
  assert.notEqual(r1.nonce, r2.nonce);
  reply(s, r1, ['a', 'b']);
  await barrier.pass(s, 'after a stale request');
  reply(s, r2, ['a', 'b']);
  const r3 = await s.inbox.next('EDS b after the current nonce');
  assert.deepEqual(names(r3), ['b']);
});

test('named EDS subscriptions: only changed and newly named resources; unsubscribed ones are not sent', async () => {
  srv.cache.setSnapshot('sotw-named', snapshot(endpoints('a'), endpoints('b'), endpoints('c')));
  const s = client.sotw();
  const barrier = new SotwBarrier();
  s.send({
    node: testNode('sotw-named'),
    type_url: typeUrls.clusterLoadAssignment,
    resource_names: ['a', 'missing'],
  });
  const r1 = await s.inbox.next('EDS a');
  assert.deepEqual(names(r1), ['a']);
  reply(s, r1, ['a', 'missing', 'b']);
  const r2 = await s.inbox.next('EDS b');
  assert.deepEqual(names(r2), ['b'], 'per-resource type: only the newly named resource');
  reply(s, r2, ['a', 'missing', 'b']);
  srv.cache.setSnapshot('sotw-named', snapshot(endpoints('a', 1), endpoints('b'), endpoints('c', 1)));
  const r3 = await s.inbox.next('EDS a changed');
  assert.deepEqual(names(r3), ['a'], 'c is not subscribed, b did not change');
  reply(s, r3, ['b', 'missing']);
  await barrier.pass(s, 'after unsubscribing a');
  srv.cache.setSnapshot('sotw-named', snapshot(endpoints('a', 2), endpoints('b'), endpoints('missing')));
  const r4 = await s.inbox.next('EDS missing, now present');
  assert.deepEqual(names(r4), ['missing'], 'a is unsubscribed; a requested name that appears is sent');
  reply(s, r4, ['b', 'missing', 'a']);
  const r5 = await s.inbox.next('EDS a re-subscribed');
  assert.deepEqual(names(r5), ['a'], 're-subscribing sends the resource again');
});

test('full-state LDS: a removed listener is absent from the next full set; RDS removal sends nothing', async () => {
  srv.cache.setSnapshot(
    'sotw-rm',
    snapshot(listener('l1', 'r1'), listener('l2', 'r2'), routes('r1', 'c'), routes('r2', 'c')),
  );
  const s = client.sotw();
  const barrier = new SotwBarrier();
  s.send({ node: testNode('sotw-rm'), type_url: typeUrls.listener, resource_names: ['l1', 'l2'] });
  const l = await s.inbox.next('LDS');
  assert.deepEqual(names(l).sort(), ['l1', 'l2']);
  reply(s, l, ['l1', 'l2']);
  s.send({ type_url: typeUrls.routeConfiguration, resource_names: ['r1', 'r2'] });
  const r = await s.inbox.next('RDS');
  assert.deepEqual(names(r).sort(), ['r1', 'r2']);
  reply(s, r, ['r1', 'r2']);
  srv.cache.setSnapshot('sotw-rm', snapshot(listener('l1', 'r1'), routes('r1', 'c')));
  const l2 = await s.inbox.next('LDS without l2');
  assert.equal(l2.type_url, typeUrls.listener);
  assert.deepEqual(names(l2), ['l1']);
  reply(s, l2, ['l1', 'l2']);
  await barrier.pass(s, 'RDS removal is implicit');
  s.send({
    type_url: typeUrls.listener,
    version_info: l2.version_info,
    response_nonce: l2.nonce,
    resource_names: ['l1'],
  });
  await barrier.pass(s, 'unsubscribing needs no full-state answer');
});

test('types changing together go out CDS, EDS, LDS, RDS; a removed cluster goes only after the routes', async () => {
  const key = 'sotw-order';
  srv.cache.setSnapshot(
    key,
    snapshot(cluster('old'), endpoints('old'), listener('l', 'r'), routes('r', 'old')),
  );
  const s = client.sotw();
  const sub: Record<string, string[]> = {
    [typeUrls.listener]: ['l'],
    [typeUrls.routeConfiguration]: ['r'],
    [typeUrls.cluster]: [],
    [typeUrls.clusterLoadAssignment]: ['old', 'new'],
  };
  s.send({ node: testNode(key), type_url: typeUrls.listener, resource_names: ['l'] });
  for (const t of [typeUrls.routeConfiguration, typeUrls.cluster, typeUrls.clusterLoadAssignment]) {
    s.send({ type_url: t, resource_names: sub[t] });
  }
  const got = new Map<string, DiscoveryResponse__Output>();
  while (got.size < 4) {
    const res = await s.inbox.next('initial responses');
    got.set(res.type_url, res);
  }
  for (const res of got.values()) reply(s, res, sub[res.type_url]!);
  await new SotwBarrier().pass(s, 'initial state acknowledged');

  // Move the route from cluster "old" to cluster "new" and change the listener: every type changes at once.
  srv.cache.setSnapshot(
    key,
    snapshot(cluster('new'), endpoints('new'), listener('l', 'r2'), routes('r', 'new')),
  );
  const order: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await s.inbox.next(`ordered response ${i}`);
    order.push(`${res.type_url.split('.').pop()}[${names(res).sort().join(',')}]`);
  }
  assert.deepEqual(order, [
    'Cluster[new,old]',
    'ClusterLoadAssignment[new]',
    'Listener[l]',
    'RouteConfiguration[r]',
    'Cluster[new]',
  ]);
});
