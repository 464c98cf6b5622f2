// Node resolution: unknown nodes wait for their snapshot, rejected nodes get a clear gRPC error, bad requests fail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import type { NodeResolution } from '../../src/xds/server/node-resolution.ts';
import { AdsTestClient, testNode } from './ads-test-client.ts';
import { cluster, snapshot, startServer } from './fixtures.ts';
import { waitFor } from '../support/wait-for.ts';
import type { RunningServer } from './fixtures.ts';

let srv: RunningServer;
let client: AdsTestClient;
const events: string[] = [];

before(async () => {
  srv = await startServer({
    // Like App Mesh: well-formed ids wait for their node; anything else is rejected. Async on purpose.
    resolveNode: async (node): Promise<NodeResolution> => {
      await Promise.resolve();
      const m = /^mesh\/([^/]+)\/virtualNode\/([^/]+)$/.exec(node.id);
      if (m === null) return { ok: false, code: grpc.status.NOT_FOUND, message: `unknown node "${node.id}"` };
      return { ok: true, key: `${m[1]}/${m[2]}` };
    },
    callbacks: {
      onConnect: (c) => events.push(`connect ${c.key}`),
      onDisconnect: (c) => events.push(`disconnect ${c.key}`),
    },
  });
  client = new AdsTestClient(srv.port);
});
after(async () => {
  client.close();
  await srv.close();
});

test('a node without a snapshot is kept open and silent, then served when its snapshot appears', async () => {
  const s = client.sotw();
  s.send({ node: testNode('mesh/m1/virtualNode/late'), type_url: typeUrls.cluster });
  await waitFor('the waiting client to be listed', () =>
    srv.server.clients().some((c) => c.key === 'm1/late' && c.waiting && c.types.length === 1),
  );
  assert.equal(s.inbox.pending, 0);
  assert.ok(events.includes('connect m1/late'));
  srv.cache.setSnapshot('m1/late', snapshot(cluster('x')));
  const res = await s.inbox.next('CDS once the node exists');
  assert.equal(res.resources.length, 1);
  assert.equal(srv.server.clients().find((c) => c.key === 'm1/late')?.waiting, false);
  s.call.cancel();
  await waitFor('the disconnect callback', () => events.includes('disconnect m1/late'));
  assert.equal(
    srv.server.clients().filter((c) => c.key === 'm1/late').length,
    0,
    'closed streams leave the status list',
  );
});

test('a rejected node fails the stream with the resolver status and message', async () => {
  const s = client.delta();
  s.send({ node: testNode('arn:nothing'), type_url: typeUrls.cluster });
  const status = await s.inbox.closed();
  assert.equal(status.code, grpc.status.NOT_FOUND);
  assert.equal(status.details, 'unknown node "arn:nothing"');
});

test('a first request without node, or any request without type_url, is INVALID_ARGUMENT', async () => {
  const noNode = client.sotw();
  noNode.send({ type_url: typeUrls.cluster });
  const s1 = await noNode.inbox.closed();
  assert.equal(s1.code, grpc.status.INVALID_ARGUMENT);
  assert.match(s1.details, /node/);

  const noType = client.sotw();
  noType.send({ node: testNode('mesh/m/virtualNode/x') });
  const s2 = await noType.inbox.closed();
  assert.equal(s2.code, grpc.status.INVALID_ARGUMENT);
  assert.match(s2.details, /type_url/);
});
