// A virtual gateway listener with App Mesh's TLS, configured through the API and served by a real gateway proxy:
// curl with the CA gets through over HTTP/1.1 and HTTP/2, a client that does not trust the CA is refused,
// plaintext gets no answer (STRICT), and a certificate replaced on disk is served without a restart.
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startGatewayHarness, type GatewayHarness } from '../gateway/support/gateway-harness.ts';
import { freePorts } from '../support/free-ports.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { createTestPki, haveOpenssl, type IssuedCertificate, type TestPki } from '../support/test-pki.ts';
import { curl, haveCommand } from '../support/tls-clients.ts';
import { plaintextAnswer, presentedCertificate } from '../support/tls-probe.ts';
import { waitFor } from '../support/wait-for.ts';

const skip =
  (await haveOpenssl()) && (await haveCommand('curl')) ? false : 'openssl or curl is not installed';
const mesh = 'tlsgw';
const service = 'shop.tlsgw.local';

let h: GatewayHarness;
let pki: TestPki;
let first: IssuedCertificate;
let port: number;
let certPath: string;
let keyPath: string;

before(async () => {
  if (skip) return;
  pki = await createTestPki();
  first = await pki.issue('gateway-first', { dnsNames: ['shop.example.com'] });
  // The listener reads these paths; the last test replaces their content.
  certPath = join(pki.dir, 'gateway.crt');
  keyPath = join(pki.dir, 'gateway.key');
  await copyFile(first.certPath, certPath);
  await copyFile(first.keyPath, keyPath);
  h = await startGatewayHarness();
  [port] = (await freePorts(1)) as [number];
  const app = await h.startApp('shop');
  const api = h.mesh.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'shop', servingNode('shop', app.port));
  await api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'shop' } } });
  await api.createGateway(mesh, 'edge', {
    listeners: [
      {
        portMapping: { port, protocol: 'http' },
        tls: { mode: 'STRICT', certificate: { file: { certificateChain: certPath, privateKey: keyPath } } },
      },
    ],
  });
  await h.requests.send(mesh, [
    {
      kind: 'gatewayRoute',
      virtualGatewayName: 'edge',
      body: {
        gatewayRouteName: 'all',
        spec: {
          httpRoute: {
            match: { prefix: '/' },
            action: { target: { virtualService: { virtualServiceName: service } } },
          },
        },
      },
    },
  ]);
  await h.sidecarFor(mesh, 'shop', app);
  await h.gateway(mesh, 'edge');
});

after(async () => {
  await h?.close();
  await pki?.cleanup();
});

const url = (path: string): string => `https://shop.example.com:${port}${path}`;
const resolve = (): string[] => ['--resolve', `shop.example.com:${port}:127.0.0.1`];

test('curl trusting the CA gets through over HTTP/1.1 and HTTP/2', { skip }, async () => {
  await waitFor('the app answering through the TLS gateway', async () => {
    const r = await curl([
      ...resolve(),
      '--cacert',
      pki.ca.certPath,
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      url('/ready'),
    ]);
    return r.stdout === '200';
  });
  for (const version of ['--http1.1', '--http2']) {
    const r = await curl([
      ...resolve(),
      version,
      '--cacert',
      pki.ca.certPath,
      '-w',
      ' %{http_version}',
      url('/hello'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"app":"shop"/);
    assert.match(r.stdout, version === '--http2' ? / 2$/ : / 1\.1$/);
  }
});

test('a client that does not trust the CA is refused; plaintext gets no answer', { skip }, async () => {
  const stranger = await createTestPki('Some Other CA');
  try {
    const r = await curl([...resolve(), '--cacert', stranger.ca.certPath, url('/')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /certificate/i);
  } finally {
    await stranger.cleanup();
  }
  assert.equal(await plaintextAnswer(port), 'closed');
});

test('a certificate replaced on disk is served without a restart', { skip }, async () => {
  const second = await pki.issue('gateway-second', { dnsNames: ['shop.example.com'] });
  const before = (await presentedCertificate(port)).serialNumber;
  await copyFile(second.keyPath, keyPath);
  await copyFile(second.certPath, certPath);
  await waitFor(
    'the new certificate',
    async () => (await presentedCertificate(port)).serialNumber !== before,
  );
  const r = await curl([...resolve(), '--cacert', pki.ca.certPath, url('/after')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /"path":"\/after"/);
});
