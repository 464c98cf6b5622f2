// Hostile xDS clients with authentication on: tokens in the wrong place, several of them, oversized, spliced
// from two real tokens or with their key id swapped, a node id in another spelling naming someone else, and a
// second request trying to switch an authenticated stream to another node. Each is refused before any resource
// (or, for the switch, keeps being served as the node it proved).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { unauthenticatedMessage } from '../../src/controlplane/xds/xds-proxy-auth.ts';
import { AdsTestClient, testNode, type StreamInbox } from '../xds/ads-test-client.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { TestProxyAuthority } from '../support/proxy-authority-fixture.ts';
import { waitFor } from '../support/wait-for.ts';

const front = { meshName: 'atk', kind: 'virtualNode', name: 'front' } as const;
const back = { meshName: 'atk', kind: 'virtualNode', name: 'back' } as const;
const frontId = 'mesh/atk/virtualNode/front';

let cp: TestControlPlane;
let api: MeshApiClient;
let client: AdsTestClient;
const authority = new TestProxyAuthority();

before(async () => {
  cp = await startTestControlPlane(['connectedProxiesPerVirtualNode=1'], { proxyAuth: authority });
  api = new MeshApiClient(cp.endpoint);
  await api.createMesh('atk');
  await api.createNode('atk', 'front', servingNode('front', 8080));
  await api.createNode('atk', 'back', servingNode('back', 8080));
  client = new AdsTestClient(cp.running.xdsAddress.port);
});
after(async () => {
  client.close();
  api.close();
  await cp.close();
});

function metadataOf(entries: readonly (readonly [string, string])[]): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of entries) metadata.add(key, value);
  return metadata;
}

async function attempt(
  nodeId: string,
  metadata: grpc.Metadata,
): Promise<{ status: grpc.StatusObject; received: number }> {
  const stream = client.delta(metadata);
  let received = 0;
  stream.call.on('data', () => received++);
  stream.send({ node: testNode(nodeId), type_url: typeUrls.cluster });
  const status = await (stream.inbox as StreamInbox<unknown>).closed(10_000);
  return { status, received };
}

/** Splits `syt1.<payload>.<mac>`. */
function partsOf(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}

test('misplaced, doubled, oversized, spliced and re-keyed tokens are refused before any resource', async () => {
  const frontToken = authority.issue(front).token;
  const backToken = authority.issue(back).token;
  const [, frontPayload, frontMac] = partsOf(frontToken);
  const [, backPayload, backMac] = partsOf(backToken);
  const rekeyed = JSON.parse(Buffer.from(frontPayload, 'base64url').toString()) as Record<string, unknown>;
  rekeyed['kid'] = 'other-key';
  const cases: [string, readonly (readonly [string, string])[]][] = [
    ['token under another key', [['x-authorization', `Bearer ${frontToken}`]]],
    ['token as a bare value', [['authorization', frontToken]]],
    [
      'own and another token',
      [
        ['authorization', `Bearer ${backToken}`],
        ['authorization', `Bearer ${frontToken}`],
      ],
    ],
    ['oversized', [['authorization', `Bearer ${frontToken}${'A'.repeat(6000)}`]]],
    ["back's payload with front's mac", [['authorization', `Bearer syt1.${backPayload}.${frontMac}`]]],
    ["front's payload with back's mac", [['authorization', `Bearer syt1.${frontPayload}.${backMac}`]]],
    ['payload padded', [['authorization', `Bearer syt1.${frontPayload}==.${frontMac}`]]],
    [
      'key id swapped',
      [
        [
          'authorization',
          `Bearer syt1.${Buffer.from(JSON.stringify(rekeyed)).toString('base64url')}.${frontMac}`,
        ],
      ],
    ],
    ['two tokens in one value', [['authorization', `Bearer ${backToken} ${frontToken}`]]],
  ];
  for (const [what, entries] of cases) {
    const result = await attempt(frontId, metadataOf(entries));
    assert.notEqual(result.status.code, grpc.status.OK, what);
    assert.equal(result.received, 0, `${what}: got a resource`);
    if (result.status.code === grpc.status.UNAUTHENTICATED)
      assert.equal(result.status.details, unauthenticatedMessage, what);
  }
});

test("another spelling of the node id naming another node is refused with that node's token", async () => {
  const backToken = authority.issue(back).token;
  for (const nodeId of [
    'mesh/atk@123456789012/virtualNode/front',
    'arn:aws:appmesh:us-east-1:123456789012:mesh/atk/virtualNode/front',
    'mesh/atk/virtualNode/front/',
    'mesh/atk/virtualNode/Front',
    'mesh/atk/virtualNode/back/../front',
  ]) {
    const result = await attempt(nodeId, metadataOf([['authorization', `Bearer ${backToken}`]]));
    assert.notEqual(result.status.code, grpc.status.OK, nodeId);
    assert.equal(result.received, 0, `${nodeId}: got a resource`);
  }
});

test('an authenticated stream cannot switch to another node with a later request', async () => {
  const stream = client.sotw(metadataOf([['authorization', `Bearer ${authority.issue(back).token}`]]));
  stream.send({
    node: testNode('mesh/atk/virtualNode/back'),
    type_url: typeUrls.cluster,
    resource_names: [],
  });
  const first = await stream.inbox.next('clusters for back');
  stream.send({
    node: testNode(frontId),
    type_url: typeUrls.listener,
    resource_names: [],
    response_nonce: '',
  });
  await stream.inbox.next('listeners');
  const clients = await waitFor('the stream is listed', async () => {
    const body = (await (await fetch(`${cp.endpoint}/switchyard/v1/xds/clients`)).json()) as {
      clients: { nodeId: string }[];
    };
    return body.clients.length > 0 ? body.clients : undefined;
  });
  assert.deepEqual(
    clients.map((c) => c.nodeId),
    ['mesh/atk/virtualNode/back'],
    'the stream stays the node it proved',
  );
  assert.ok(first.resources.length > 0);
  // front's one proxy slot is still free: its real proxy gets in.
  const real = client.delta(metadataOf([['authorization', `Bearer ${authority.issue(front).token}`]]));
  real.send({ node: testNode(frontId), type_url: typeUrls.cluster });
  await real.inbox.next("front's clusters");
  real.call.cancel();
  stream.call.cancel();
});

test('one token cannot hold streams without end by never sending a first request', async () => {
  const token = authority.issue(front).token;
  const silent = Array.from({ length: 40 }, () =>
    client.delta(metadataOf([['authorization', `Bearer ${token}`]])),
  );
  const ends = await Promise.all(
    silent.map((stream) =>
      (stream.inbox as StreamInbox<unknown>).closed(2_000).then(
        (status) => status.code,
        () => 'open' as const,
      ),
    ),
  );
  const open = ends.filter((end) => end === 'open').length;
  assert.equal(open, 8, `streams held open without a request: ${open} (${ends.join(', ')})`);
  assert.ok(ends.every((end) => end === 'open' || end === grpc.status.RESOURCE_EXHAUSTED));
  for (const stream of silent) stream.call.cancel();
  // Once they are gone, the node's proxy gets in.
  await waitFor('a real proxy of the node is served', async () => {
    const real = client.delta(metadataOf([['authorization', `Bearer ${token}`]]));
    real.send({ node: testNode(frontId), type_url: typeUrls.cluster });
    try {
      await real.inbox.next("front's clusters", 2_000);
      return true;
    } catch {
      return false;
    } finally {
      real.call.cancel();
    }
  });
});

test('a token that expires while its stream is open ends that stream', async () => {
  const { token } = authority.issue(back, { ttlMs: 1_500 });
  const stream = client.delta(metadataOf([['authorization', `Bearer ${token}`]]));
  stream.send({ node: testNode('mesh/atk/virtualNode/back'), type_url: typeUrls.cluster });
  await stream.inbox.next("back's clusters");
  const end = await (stream.inbox as StreamInbox<unknown>).closed(15_000);
  assert.equal(end.code, grpc.status.UNAUTHENTICATED, end.details);
});
