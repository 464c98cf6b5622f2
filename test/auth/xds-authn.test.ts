// Proxy authentication on the xDS port: what a stream must present, what a refused caller learns, and that a
// flood of unauthenticated streams neither counts against a node's quota nor keeps its real proxy out.

import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { unauthenticatedMessage } from '../../src/controlplane/xds/xds-proxy-auth.ts';
import { AdsTestClient, testNode, type StreamInbox } from '../xds/ads-test-client.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { TestProxyAuthority } from '../support/proxy-authority-fixture.ts';
import { startSidecar } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const front = { meshName: 'authn', kind: 'virtualNode', name: 'front' } as const;
const back = { meshName: 'authn', kind: 'virtualNode', name: 'back' } as const;
const frontId = 'mesh/authn/virtualNode/front';

let cp: TestControlPlane;
let api: MeshApiClient;
let client: AdsTestClient;
let dir: string;
const authority = new TestProxyAuthority();

before(async () => {
  // One proxy per node: a refused stream that counted against the quota would lock the real proxy out.
  cp = await startTestControlPlane(['connectedProxiesPerVirtualNode=1'], { proxyAuth: authority });
  api = new MeshApiClient(cp.endpoint);
  await api.createMesh('authn');
  await api.createNode('authn', 'front', servingNode('front', 8080));
  await api.createNode('authn', 'back', servingNode('back', 8080));
  client = new AdsTestClient(cp.running.xdsAddress.port);
  dir = await makeTempDir('xds-authn');
});
after(async () => {
  client.close();
  api.close();
  await cp.close();
  await removeDir(dir);
});

function bearer(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** Opens a stream claiming `nodeId`, asks for clusters, and returns how it ended and what it received. */
async function attempt(
  nodeId: string,
  metadata?: grpc.Metadata,
  protocol: 'sotw' | 'delta' = 'delta',
): Promise<{ status: grpc.StatusObject; received: number }> {
  const stream = protocol === 'sotw' ? client.sotw(metadata) : client.delta(metadata);
  let received = 0;
  stream.call.on('data', () => received++);
  stream.send({ node: testNode(nodeId), type_url: typeUrls.cluster });
  const status = await (stream.inbox as StreamInbox<unknown>).closed(10_000);
  return { status, received };
}

function assertRefused(result: { status: grpc.StatusObject; received: number }, what: string): void {
  assert.equal(result.status.code, grpc.status.UNAUTHENTICATED, `${what}: ${result.status.details}`);
  assert.equal(result.status.details, unauthenticatedMessage, what);
  assert.equal(result.received, 0, `${what}: no DiscoveryResponse before the refusal`);
}

test('a stream without a valid token for the node it claims is refused before any resource', async () => {
  assertRefused(await attempt(frontId), 'no token');
  assertRefused(await attempt(frontId, undefined, 'sotw'), 'no token (SotW)');
  assertRefused(await attempt(frontId, bearer(authority.issue(back).token)), "another node's token");
  assertRefused(await attempt(frontId, bearer(authority.issue(front, { ttlMs: -60_000 }).token)), 'expired');
  assertRefused(await attempt(frontId, bearer(authority.forge(front))), 'signed with an unknown key');
  assertRefused(await attempt(frontId, bearer('syt1.garbage.garbage')), 'malformed');
  const revoked = authority.issue(front);
  authority.revoke(revoked.id);
  assertRefused(await attempt(frontId, bearer(revoked.token)), 'revoked');
  const basic = new grpc.Metadata();
  basic.set('authorization', 'Basic Zm9vOmJhcg==');
  assertRefused(await attempt(frontId, basic), 'not a bearer token');
});

test('unauthenticated callers learn nothing about which meshes and nodes exist', async () => {
  const known = await attempt(frontId);
  const unknownNode = await attempt('mesh/authn/virtualNode/nobody');
  const unknownMesh = await attempt('mesh/nothere/virtualNode/front');
  const badId = await attempt('not-a-node-id');
  for (const [what, result] of Object.entries({ unknownNode, unknownMesh, badId })) {
    assertRefused(result, what);
    assert.deepEqual(result.status.details, known.status.details);
  }
  // An authenticated caller is told, as before.
  const ghost = { meshName: 'authn', kind: 'virtualNode', name: 'ghost' } as const;
  const found = await attempt('mesh/authn/virtualNode/ghost', bearer(authority.issue(ghost).token));
  assert.equal(found.status.code, grpc.status.NOT_FOUND, found.status.details);
});

test('refusals are listed and counted without echoing tokens', async () => {
  const secret = authority.issue(back).token;
  assertRefused(await attempt(frontId, bearer(secret)), "another node's token");
  const response = await fetch(`${cp.endpoint}/switchyard/v1/xds/clients`);
  const text = await response.text();
  assert.ok(!text.includes(secret), 'the token is not echoed');
  const body = JSON.parse(text) as {
    rejected: { nodeId: string; code: string; reason: string }[];
    refused: Record<string, number>;
  };
  const mismatch = body.rejected.find((r) => r.nodeId === frontId);
  assert.equal(mismatch?.code, 'UNAUTHENTICATED');
  assert.match(mismatch.reason, /token is for mesh\/authn\/virtualNode\/back/);
  assert.ok(
    body.rejected.some((r) => r.nodeId.startsWith('(unauthenticated) ') && r.code === 'UNAUTHENTICATED'),
  );
  assert.ok((body.refused['token is for another node'] ?? 0) >= 1, JSON.stringify(body.refused));
  assert.ok(
    (body.refused['no proxy token and no client certificate'] ?? 0) >= 1,
    JSON.stringify(body.refused),
  );
});

test('a valid token is served, and revoking it ends the open stream within seconds', async () => {
  const { token, id } = authority.issue(front);
  const stream = client.delta(bearer(token));
  stream.send({ node: testNode(frontId), type_url: typeUrls.cluster });
  const first = await stream.inbox.next('CDS for an authenticated proxy', 10_000);
  assert.ok(first.resources.length > 0);
  const revokedAt = performance.now();
  authority.revoke(id);
  const status = await stream.inbox.closed(5_000);
  assert.equal(status.code, grpc.status.UNAUTHENTICATED);
  assert.equal(status.details, unauthenticatedMessage);
  assert.ok(performance.now() - revokedAt < 5_000);
  // Its quota slot is free again for the node's next proxy.
  await waitFor('the revoked stream to leave the client list', async () => {
    const body = (await (await fetch(`${cp.endpoint}/switchyard/v1/xds/clients`)).json()) as {
      clients: { nodeId: string }[];
    };
    return !body.clients.some((c) => c.nodeId === frontId);
  });
});

test('a real sidecar with --token-file connects while 1,000 unauthenticated streams claim its node', async () => {
  const hostile: { call: grpc.ClientDuplexStream<unknown, unknown>; inbox: StreamInbox<unknown> }[] = [];
  const flood = new AdsTestClient(cp.running.xdsAddress.port);
  try {
    for (let i = 0; i < 1000; i++) {
      const s = i % 2 === 0 ? flood.delta() : flood.sotw();
      s.send({ node: testNode(frontId), type_url: typeUrls.cluster } as never);
      hostile.push(s as never);
    }
    const tokenFile = path.join(dir, 'front.token');
    await writeFile(tokenFile, `${authority.issue(front).token}\n`, { mode: 0o600 });
    const started = performance.now();
    const sidecar = await startSidecar({
      node: frontId,
      xdsPort: cp.running.xdsAddress.port,
      apiEndpoint: cp.endpoint,
      args: ['--token-file', tokenFile],
    });
    try {
      console.log(
        `sidecar ready after ${Math.round(performance.now() - started)} ms amid 1000 hostile streams`,
      );
      const statuses = await Promise.all(hostile.map((s) => s.inbox.closed(30_000)));
      assert.ok(statuses.every((s) => s.code === grpc.status.UNAUTHENTICATED));
    } finally {
      await sidecar.stop();
    }
  } finally {
    flood.close();
  }
});

test('switchyard proxy refuses a token file others may read', async () => {
  const loose = path.join(dir, 'loose.token');
  await writeFile(loose, authority.issue(front).token);
  await chmod(loose, 0o644);
  const sidecar = await startSidecar({
    node: frontId,
    xdsPort: cp.running.xdsAddress.port,
    args: ['--token-file', loose],
    waitReady: false,
  });
  await waitFor('the sidecar to refuse the file', () => sidecar.ended() !== undefined);
  assert.match(
    sidecar.stderr(),
    /token file .*loose\.token is readable or writable by group or others \(mode 0644\)/,
  );
  assert.ok(!sidecar.stderr().includes('syt1.'), 'the token is not printed');
});

test('a revoked sidecar is cut off, and reconnects once its token file holds a new token', async () => {
  const tokenFile = path.join(dir, 'rotating.token');
  const first = authority.issue(front);
  await writeFile(tokenFile, first.token, { mode: 0o600 });
  const sidecar = await startSidecar({
    node: frontId,
    xdsPort: cp.running.xdsAddress.port,
    apiEndpoint: cp.endpoint,
    args: ['--token-file', tokenFile],
  });
  try {
    const streamIds = async () => {
      const body = (await (await fetch(`${cp.endpoint}/switchyard/v1/xds/clients`)).json()) as {
        clients: { nodeId: string; streamId: number }[];
      };
      return body.clients.filter((c) => c.nodeId === frontId).map((c) => c.streamId);
    };
    const [before] = await streamIds();
    assert.ok(before !== undefined, 'the sidecar is connected');
    const revokedRefusals = async () => {
      const body = (await (await fetch(`${cp.endpoint}/switchyard/v1/xds/clients`)).json()) as {
        refused: Record<string, number>;
      };
      return body.refused['proxy token refused: revoked'] ?? 0;
    };
    const refusedBefore = await revokedRefusals();
    authority.revoke(first.id);
    await waitFor('the revoked stream to end', async () => (await streamIds()).length === 0, {
      timeoutMs: 5_000,
    });
    // Its reconnects present the revoked token and are refused, until the file is rotated.
    await waitFor(
      'a reconnect with the revoked token',
      async () => (await revokedRefusals()) > refusedBefore,
    );
    await writeFile(tokenFile, authority.issue(front).token, { mode: 0o600 });
    await waitFor(
      'the sidecar to reconnect with the new token',
      async () => (await streamIds()).length === 1,
      { timeoutMs: 20_000 },
    );
    assert.ok(!JSON.stringify(sidecar.logs).includes('syt1.'), 'no token in the sidecar logs');
  } finally {
    await sidecar.stop();
  }
});
