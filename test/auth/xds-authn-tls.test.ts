// TLS on the xDS port (--xds-tls): the server certificate comes from the built-in CA, and a client certificate
// from that CA authenticates a proxy as the node its SPIFFE ID names, in place of a token.

import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { unauthenticatedMessage } from '../../src/controlplane/xds/xds-proxy-auth.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { runCli } from '../cli/cli-harness.ts';
import { AdsTestClient, testNode } from '../xds/ads-test-client.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { TestProxyAuthority } from '../support/proxy-authority-fixture.ts';
import { startSidecar } from '../support/sidecar-launcher.ts';
import { createTestPki, haveOpenssl, type TestPki } from '../support/test-pki.ts';

const frontId = 'mesh/tls/virtualNode/front';
const front = { meshName: 'tls', kind: 'virtualNode', name: 'front' } as const;

let cp: TestControlPlane;
let api: MeshApiClient;
let dir: string;
let caPem: Buffer;
let pki: TestPki | undefined;
const clients: AdsTestClient[] = [];
const authority = new TestProxyAuthority();

before(async () => {
  cp = await startTestControlPlane([], { proxyAuth: authority, xdsTls: true });
  api = new MeshApiClient(cp.endpoint);
  await api.createMesh('tls');
  await api.createNode('tls', 'front', servingNode('front', 8080));
  await api.createNode('tls', 'back', servingNode('back', 8080));
  dir = await makeTempDir('xds-tls');
  caPem = Buffer.from(await (await fetch(`${cp.endpoint}/switchyard/v1/ca/bundle.pem`)).text());
  if (await haveOpenssl()) pki = await createTestPki('Not The Mesh CA');
});
after(async () => {
  for (const c of clients) c.close();
  api.close();
  await cp.close();
  await removeDir(dir);
  await pki?.cleanup();
});

async function issued(node: string): Promise<{ cert: Buffer; key: Buffer }> {
  const answer = await call(cp.endpoint, 'POST', '/switchyard/v1/ca/certificates', { node });
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  return {
    cert: Buffer.from(answer.json.certificateChainPem as string),
    key: Buffer.from(answer.json.privateKeyPem as string),
  };
}

function tlsClient(identity?: { cert: Buffer; key: Buffer }): AdsTestClient {
  const client = new AdsTestClient(
    cp.running.xdsAddress.port,
    grpc.credentials.createSsl(caPem, identity?.key ?? null, identity?.cert ?? null),
  );
  clients.push(client);
  return client;
}

async function attempt(client: AdsTestClient, nodeId: string, metadata?: grpc.Metadata) {
  const stream = client.delta(metadata);
  stream.send({ node: testNode(nodeId), type_url: typeUrls.cluster });
  const first = await Promise.race([
    stream.inbox.next('CDS', 10_000).then((response) => ({ response })),
    stream.inbox.closed(10_000).then((status) => ({ status })),
  ]);
  stream.call.cancel();
  return first;
}

test('a CA-issued client certificate authenticates its node; another node, none, or a foreign CA does not', async () => {
  const served = await attempt(tlsClient(await issued(frontId)), frontId);
  assert.ok('response' in served && served.response.resources.length > 0, JSON.stringify(served));

  for (const [what, client] of [
    ["another node's certificate", tlsClient(await issued('mesh/tls/virtualNode/back'))],
    ['no certificate and no token', tlsClient()],
  ] as const) {
    const refused = await attempt(client, frontId);
    assert.ok('status' in refused, `${what}: refused, not served`);
    assert.equal(refused.status.code, grpc.status.UNAUTHENTICATED, what);
    assert.equal(refused.status.details, unauthenticatedMessage, what);
  }
  if (pki !== undefined) {
    // Right SPIFFE ID, made by openssl under another CA: it does not chain to the mesh CA, so it proves nothing.
    const forged = await pki.issue('front', {
      uris: ['spiffe://switchyard.local/mesh/tls/virtualNode/front'],
    });
    const refused = await attempt(
      tlsClient({ cert: Buffer.from(forged.certPem), key: Buffer.from(forged.keyPem) }),
      frontId,
    );
    assert.ok(
      'status' in refused && refused.status.code === grpc.status.UNAUTHENTICATED,
      JSON.stringify(refused),
    );
  }
});

test('over TLS a token still works, and a plaintext client cannot talk to the TLS port', async () => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${authority.issue(front).token}`);
  const served = await attempt(tlsClient(), frontId, metadata);
  assert.ok('response' in served, JSON.stringify(served));
  const plain = new AdsTestClient(cp.running.xdsAddress.port);
  clients.push(plain);
  const refused = await attempt(plain, frontId, metadata);
  assert.ok('status' in refused && refused.status.code === grpc.status.UNAVAILABLE, JSON.stringify(refused));
});

test('switchyard ca issue writes a key (0600) a real sidecar presents with --xds-ca/--xds-cert/--xds-key', async () => {
  const out = path.join(dir, 'front-identity');
  const result = await runCli(cp.endpoint, ['ca', 'issue', '--node', frontId, '--out-dir', out]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /spiffe:\/\/switchyard\.local\/mesh\/tls\/virtualNode\/front until /);
  assert.equal((await stat(path.join(out, 'key.pem'))).mode & 0o777, 0o600);
  const sidecar = await startSidecar({
    node: frontId,
    xdsPort: cp.running.xdsAddress.port,
    apiEndpoint: cp.endpoint,
    args: [
      '--xds-ca',
      path.join(out, 'ca.pem'),
      '--xds-cert',
      path.join(out, 'cert.pem'),
      '--xds-key',
      path.join(out, 'key.pem'),
    ],
  });
  await sidecar.stop();
  const bad = await runCli(cp.endpoint, ['ca', 'issue', '--node', 'mesh/tls/route/x', '--out-dir', out]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /node must be mesh\/<mesh>\/virtualNode\/<name>/);
});

test('a real sidecar reaches the TLS port with --xds-ca and a token file', async () => {
  const tokenFile = path.join(dir, 'front.token');
  await writeFile(tokenFile, authority.issue(front).token, { mode: 0o600 });
  await writeFile(path.join(dir, 'ca.pem'), caPem);
  const sidecar = await startSidecar({
    node: frontId,
    xdsPort: cp.running.xdsAddress.port,
    apiEndpoint: cp.endpoint,
    args: ['--xds-ca', path.join(dir, 'ca.pem'), '--token-file', tokenFile],
  });
  await sidecar.stop();
});
