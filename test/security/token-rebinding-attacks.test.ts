// A proxy token outliving its node: once the node is deleted and a node of the same name is created again
// (perhaps by another team, for another workload), the old token must not speak for the new node on xDS or on
// the registry, and a stream it held open does not live on into the new node; a token for the new node works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { AdsTestClient, testNode, type StreamInbox } from '../xds/ads-test-client.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import {
  issueToken,
  operatorKey,
  proxyCall,
  startAuthenticatedControlPlane,
  type AuthenticatedControlPlane,
} from '../auth/tokens-fixture.ts';

const mesh = 'reborn';
const nodeId = `mesh/${mesh}/virtualNode/pay`;
const byNode = (id: string) => `/switchyard/v1/registry/meshes/${mesh}/virtualNodes/pay/instances/${id}`;

let plane: AuthenticatedControlPlane;
let api: MeshApiClient;
let ads: AdsTestClient;

before(async () => {
  plane = await startAuthenticatedControlPlane();
  api = new MeshApiClient(plane.cp.endpoint, operatorKey);
  await api.createMesh(mesh);
  ads = new AdsTestClient(plane.cp.running.xdsAddress.port);
});

after(async () => {
  ads?.close();
  api?.close();
  await plane?.close();
});

async function xdsAttempt(token: string): Promise<{ code: grpc.status | 'served'; received: number }> {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const stream = ads.delta(metadata);
  let received = 0;
  stream.call.on('data', () => received++);
  stream.send({ node: testNode(nodeId), type_url: typeUrls.cluster });
  try {
    await stream.inbox.next('clusters', 5_000);
    stream.call.cancel();
    return { code: 'served', received };
  } catch {
    const status = await (stream.inbox as StreamInbox<unknown>).closed(5_000);
    return { code: status.code, received };
  }
}

test('a token of a deleted node does not speak for a new node of the same name', async () => {
  await api.createNode(mesh, 'pay', servingNode('pay', 8080));
  const old = (await issueToken(plane.operator, nodeId)).token;
  assert.equal((await xdsAttempt(old)).code, 'served', 'the token works for its node');
  // A stream held open across the delete must not go on to serve the new node (its config, its identity).
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${old}`);
  const held = ads.delta(metadata);
  held.send({ node: testNode(nodeId), type_url: typeUrls.cluster });
  await held.inbox.next('clusters on the held stream');

  await api.deleteNode(mesh, 'pay');
  const heldEnd = await (held.inbox as StreamInbox<unknown>).closed(5_000);
  assert.equal(heldEnd.code, grpc.status.UNAVAILABLE, `held stream: ${heldEnd.details}`);
  await api.createNode(mesh, 'pay', servingNode('pay', 8080));

  const replayed = await xdsAttempt(old);
  assert.equal(replayed.code, grpc.status.UNAUTHENTICATED, `old token on xDS: ${String(replayed.code)}`);
  assert.equal(replayed.received, 0);
  const planted = await proxyCall(plane.cp.endpoint, 'PUT', byNode('old-1'), old, {
    address: '127.0.0.1',
    port: 8080,
  });
  assert.equal(planted.status, 403, `old token on the registry: ${JSON.stringify(planted.json)}`);

  const fresh = (await issueToken(plane.operator, nodeId)).token;
  assert.equal((await xdsAttempt(fresh)).code, 'served', 'a token for the new node works');
  const own = await proxyCall(plane.cp.endpoint, 'PUT', byNode('new-1'), fresh, {
    address: '127.0.0.1',
    port: 8080,
  });
  assert.equal(own.status, 201, JSON.stringify(own.json));
});
