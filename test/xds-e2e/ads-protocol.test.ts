// The ADS protocol against the control plane with a raw client: delta subscriptions and removals driven by
// API writes, NACKs, stale nonces, reconnects with initial_resource_versions, unknown nodes, the status API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { unpackAny } from '../../src/xds/protos/any.ts';
import type {
  DeltaDiscoveryResponse__Output,
  DiscoveryResponse__Output,
} from '../../src/xds/protos/message-types.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { AdsTestClient } from '../xds/ads-test-client.ts';
import {
  buildMesh,
  grpcNode,
  grpcRouteConfig as rds,
  serviceName,
  updateMainRoute,
} from './support/ads-mesh.ts';
import { clientNode, MeshApiClient, type XdsClientReport } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'p';
let cp: TestControlPlane;
let api: MeshApiClient;
let ads: AdsTestClient;

before(async () => {
  cp = await startTestControlPlane();
  api = new MeshApiClient(cp.endpoint);
  await buildMesh(api, mesh, { lister: ['a'], client: ['a', 'b', 'c'] });
  ads = new AdsTestClient(cp.running.xdsAddress.port);
});

after(async () => {
  ads?.close();
  api?.close();
  await cp?.close();
});

/** Names in a delta response, or in a SotW response (whose resources are bare Anys). */
function names(res: DeltaDiscoveryResponse__Output | DiscoveryResponse__Output): string[] {
  return res.resources
    .map((r) => {
      if ('name' in r) return r.name;
      const m = unpackAny(r) as { name?: string; cluster_name?: string };
      return m.cluster_name ?? m.name ?? '';
    })
    .sort();
}

test('delta: subscriptions, unsubscriptions and removals follow API writes', async () => {
  const d = ads.delta();
  d.send({
    node: grpcNode(mesh, 'lister'),
    type_url: typeUrls.listener,
    resource_names_subscribe: ['a.p.local'],
  });
  const first = await d.inbox.next('the listener of a');
  assert.deepEqual(names(first), ['a.p.local']);
  d.send({ type_url: typeUrls.listener, response_nonce: first.nonce });

  // c is not a backend of the lister: the server says so at once instead of leaving it to time out.
  d.send({ type_url: typeUrls.listener, resource_names_subscribe: ['c.p.local'] });
  const absent = await d.inbox.next('c reported absent');
  assert.deepEqual(absent.removed_resources, ['c.p.local']);
  assert.equal(absent.resources.length, 0);
  d.send({ type_url: typeUrls.listener, response_nonce: absent.nonce });

  await api.updateNode(mesh, 'lister', clientNode(serviceName('a'), serviceName('c')));
  const added = await d.inbox.next('c once it became a backend');
  assert.deepEqual(names(added), ['c.p.local']);
  d.send({ type_url: typeUrls.listener, response_nonce: added.nonce });

  await api.updateNode(mesh, 'lister', clientNode(serviceName('a')));
  const removed = await d.inbox.next('c removed with the backend');
  assert.deepEqual(removed.removed_resources, ['c.p.local']);
  assert.equal(removed.resources.length, 0);
  d.send({ type_url: typeUrls.listener, response_nonce: removed.nonce });

  // Routes: after unsubscribing a, a change to a's route is not sent; the next change to b is the next message.
  d.send({ type_url: typeUrls.routeConfiguration, resource_names_subscribe: [rds('a'), rds('b')] });
  const routes = await d.inbox.next('the route configurations');
  // b is not a backend of the lister either.
  assert.deepEqual(names(routes), [rds('a')]);
  assert.deepEqual(routes.removed_resources, [rds('b')]);
  d.send({ type_url: typeUrls.routeConfiguration, response_nonce: routes.nonce });
  d.send({ type_url: typeUrls.routeConfiguration, resource_names_unsubscribe: [rds('a')] });
  await api.updateNode(mesh, 'lister', clientNode(serviceName('a'), serviceName('b')));
  // The subscribed listeners (a, c) did not change, so the first message is b's route configuration.
  const routeOfB = await d.inbox.next("b's route configuration once b is a backend");
  assert.equal(routeOfB.type_url, typeUrls.routeConfiguration);
  assert.deepEqual(names(routeOfB), [rds('b')]);
  d.send({ type_url: typeUrls.routeConfiguration, response_nonce: routeOfB.nonce });
  await updateMainRoute(api, mesh, 'a', 1000);
  await updateMainRoute(api, mesh, 'b', 1000);
  const next = await d.inbox.next("b's new route");
  assert.deepEqual(names(next), [rds('b')], 'nothing about the unsubscribed a came first');
  d.call.cancel();
});

test('SotW: a NACK is shown on the status endpoint and the rejected version is never resent', async () => {
  const s = ads.sotw();
  s.send({
    node: grpcNode(mesh, 'client'),
    type_url: typeUrls.routeConfiguration,
    resource_names: [rds('a')],
  });
  const offered = await s.inbox.next('route a');
  assert.deepEqual(names(offered), [rds('a')]);
  s.send({
    type_url: typeUrls.routeConfiguration,
    resource_names: [rds('a')],
    response_nonce: offered.nonce,
    error_detail: { code: grpc.status.INVALID_ARGUMENT, message: 'e2e: route a rejected on purpose' },
  });
  const nacked = await waitFor('the NACK on the status endpoint', async () => {
    const clients = await api.xdsClients();
    const rdsStatus = clients
      .find((c) => c.nodeId === `mesh/${mesh}/virtualNode/client` && c.protocol === 'sotw')
      ?.types.find((t) => t.typeUrl === typeUrls.routeConfiguration);
    return rdsStatus?.lastNack ? rdsStatus : undefined;
  });
  assert.equal(nacked.lastNack!.message, 'e2e: route a rejected on purpose');
  assert.equal(nacked.lastNack!.version, offered.version_info);

  await updateMainRoute(api, mesh, 'a', 2000);
  const fixed = await s.inbox.next('the next version of route a');
  assert.notEqual(
    fixed.version_info,
    offered.version_info,
    'the first message after the NACK is new content',
  );
  s.send({
    type_url: typeUrls.routeConfiguration,
    resource_names: [rds('a')],
    response_nonce: fixed.nonce,
    version_info: fixed.version_info,
  });
  const acked = await waitFor('the ACK on the status endpoint', async () => {
    const clients = await api.xdsClients();
    const rdsStatus = clients
      .find((c) => c.nodeId === `mesh/${mesh}/virtualNode/client` && c.protocol === 'sotw')
      ?.types.find((t) => t.typeUrl === typeUrls.routeConfiguration);
    return rdsStatus?.lastAckedVersion === fixed.version_info ? rdsStatus : undefined;
  });
  assert.equal(acked.lastNack, undefined, 'an ACK clears the NACK');
  s.call.cancel();
});

test('SotW: a request answering a superseded nonce is ignored', async () => {
  const s = ads.sotw();
  s.send({
    node: grpcNode(mesh, 'client'),
    type_url: typeUrls.routeConfiguration,
    resource_names: [rds('a')],
  });
  const r1 = await s.inbox.next('route a');
  await updateMainRoute(api, mesh, 'a', 3000);
  const r2 = await s.inbox.next('route a after a write');
  // Stale: answers r1 although r2 was sent; had it been honoured, b would be sent next.
  s.send({
    type_url: typeUrls.routeConfiguration,
    resource_names: [rds('a'), rds('b')],
    response_nonce: r1.nonce,
    version_info: r1.version_info,
  });
  s.send({
    type_url: typeUrls.routeConfiguration,
    resource_names: [rds('a'), rds('c')],
    response_nonce: r2.nonce,
    version_info: r2.version_info,
  });
  const r3 = await s.inbox.next('the answer to the current request');
  assert.ok(names(r3).includes(rds('c')), `expected c in ${names(r3).join()}`);
  assert.ok(!names(r3).includes(rds('b')), 'the stale request subscribed nothing');
  s.call.cancel();
});

test('delta: a reconnect with initial_resource_versions receives only what changed', async () => {
  const node = grpcNode(mesh, 'client');
  const first = ads.delta();
  first.send({ node, type_url: typeUrls.routeConfiguration, resource_names_subscribe: [rds('a'), rds('b')] });
  const initial = await first.inbox.next('routes a and b');
  assert.deepEqual(names(initial), [rds('a'), rds('b')]);
  const versions = Object.fromEntries(initial.resources.map((r) => [r.name, r.version]));
  first.call.cancel();

  await updateMainRoute(api, mesh, 'b', 4000);
  const second = ads.delta();
  second.send({
    node,
    type_url: typeUrls.routeConfiguration,
    resource_names_subscribe: [rds('a'), rds('b')],
    initial_resource_versions: versions,
  });
  const changed = await second.inbox.next('the changed route only');
  assert.deepEqual(names(changed), [rds('b')]);
  assert.notEqual(changed.resources[0]!.version, versions[rds('b')]);
  second.call.cancel();

  // Up to date: nothing is owed, so the first message answers a later subscription to c alone.
  const current = { ...versions, [rds('b')]: changed.resources[0]!.version };
  const third = ads.delta();
  third.send({
    node,
    type_url: typeUrls.routeConfiguration,
    resource_names_subscribe: [rds('a'), rds('b')],
    initial_resource_versions: current,
  });
  third.send({ type_url: typeUrls.routeConfiguration, resource_names_subscribe: [rds('c')] });
  const onlyC = await third.inbox.next('route c');
  assert.deepEqual(names(onlyC), [rds('c')]);
  third.call.cancel();
});

test('an unknown node gets NOT_FOUND with a clear message, and is served once it is created', async () => {
  const noMesh = ads.sotw();
  noMesh.send({ node: grpcNode('nowhere', 'x'), type_url: typeUrls.listener, resource_names: ['a.p.local'] });
  const meshStatus = await noMesh.inbox.closed();
  assert.equal(meshStatus.code, grpc.status.NOT_FOUND);
  assert.match(meshStatus.details, /^mesh nowhere does not exist; create it through the App Mesh API/);

  const early = ads.sotw();
  early.send({ node: grpcNode(mesh, 'late'), type_url: typeUrls.listener, resource_names: ['a.p.local'] });
  const nodeStatus = await early.inbox.closed();
  assert.equal(nodeStatus.code, grpc.status.NOT_FOUND);
  assert.match(nodeStatus.details, /^VirtualNode late does not exist in mesh p; create it/);

  await api.createNode(mesh, 'late', clientNode(serviceName('a')));
  const retry = ads.sotw();
  retry.send({ node: grpcNode(mesh, 'late'), type_url: typeUrls.listener, resource_names: ['a.p.local'] });
  const served = await retry.inbox.next('the listener once the node exists');
  assert.deepEqual(names(served), ['a.p.local']);
  retry.call.cancel();
});

test('the status endpoint lists each client with its node, agent, per-type versions and age', async () => {
  const s = ads.sotw();
  s.send({ node: grpcNode(mesh, 'client'), type_url: typeUrls.listener, resource_names: ['b.p.local'] });
  const res = await s.inbox.next('the listener of b');
  s.send({
    type_url: typeUrls.listener,
    resource_names: ['b.p.local'],
    response_nonce: res.nonce,
    version_info: res.version_info,
  });
  const listed = await waitFor('the ACK on the status endpoint', async () => {
    const clients: XdsClientReport[] = await api.xdsClients();
    return clients.find(
      (c) =>
        c.protocol === 'sotw' &&
        c.types.some((t) => t.typeUrl === typeUrls.listener && t.lastAckedVersion === res.version_info),
    );
  });
  assert.equal(listed.nodeId, `mesh/${mesh}/virtualNode/client`);
  assert.equal(listed.userAgentName, 'gRPC Node Pure JS');
  assert.equal(listed.userAgentVersion, '1.14.1');
  assert.ok(listed.connectionAgeMs >= 0 && listed.connectionAgeMs < 60_000);
  assert.ok(!Number.isNaN(Date.parse(listed.connectedAt)));
  const lds = listed.types.find((t) => t.typeUrl === typeUrls.listener)!;
  assert.deepEqual(lds.subscribed, ['b.p.local']);
  assert.equal(lds.lastSentVersion, res.version_info);
  assert.equal(lds.lastAckedVersion, res.version_info);
  s.call.cancel();
  await waitFor('the closed stream to leave the list', async () =>
    (await api.xdsClients()).some((c) => c.streamId === listed.streamId) ? undefined : true,
  );
});

test('egress ALLOW_ALL on the mesh gives a gRPC client every service, and DROP_ALL takes them back', async () => {
  const d = ads.delta();
  d.send({
    node: grpcNode(mesh, 'lister'),
    type_url: typeUrls.listener,
    resource_names_subscribe: ['c.p.local'],
  });
  const absent = await d.inbox.next('c, not a backend of the lister');
  assert.deepEqual(absent.removed_resources, ['c.p.local']);
  d.send({ type_url: typeUrls.listener, response_nonce: absent.nonce });

  await api.updateMesh(mesh, { egressFilter: { type: 'ALLOW_ALL' } });
  const allowed = await d.inbox.next('c once the mesh allows all egress');
  assert.deepEqual(names(allowed), ['c.p.local']);
  d.send({ type_url: typeUrls.listener, response_nonce: allowed.nonce });

  await api.updateMesh(mesh, { egressFilter: { type: 'DROP_ALL' } });
  const dropped = await d.inbox.next('c removed again');
  assert.deepEqual(dropped.removed_resources, ['c.p.local']);
  d.call.cancel();
});
