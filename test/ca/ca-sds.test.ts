// The built-in CA over ADS: a raw client for node X gets X's identity and the trust bundle as SDS Secrets, never
// Y's key; certificates renew at two thirds of their life (manual clock); rotation serves old and new roots; the
// root survives a restart.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { pino } from 'pino';
import type { CaClock } from '../../src/ca/ca-clock.ts';
import { parseControlPlaneConfig } from '../../src/controlplane/control-plane-config.ts';
import { startControlPlane, type RunningControlPlane } from '../../src/controlplane/control-plane.ts';
import { ManualClock } from '../../src/proxy/clock.ts';
import { unpackAny } from '../../src/xds/protos/any.ts';
import type { DeltaDiscoveryResponse__Output } from '../../src/xds/protos/message-types.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { call } from '../support/in-process-control-plane.ts';
import { AdsTestClient, testNode, type DeltaStream } from '../xds/ads-test-client.ts';

const spiffe = (name: string) => `spiffe://example.org/mesh/m/virtualNode/${name}`;
const bundle = 'spiffe://example.org';
const certTtlMs = 30_000;

interface Harness {
  readonly endpoint: string;
  readonly running: RunningControlPlane;
  readonly manual: ManualClock;
  readonly dataDir: string;
  readonly client: AdsTestClient;
  /** Log lines at warn level and above. */
  readonly warnings: Record<string, unknown>[];
}

async function start(t: TestContext, dataDir?: string): Promise<Harness> {
  const dir = dataDir ?? (await makeTempDir('ca-sds'));
  const manual = new ManualClock();
  const startMs = Date.now();
  const caClock: CaClock = {
    now: () => startMs + manual.now(),
    setTimer: (fn, ms) => manual.setTimer(fn, ms),
  };
  const config = parseControlPlaneConfig({
    apiAddr: '127.0.0.1:0',
    xdsAddr: '127.0.0.1:0',
    dataDir: dir,
    region: 'us-east-1',
    accountId: '111122223333',
    trustDomain: 'example.org',
    certTtl: '30s',
  });
  const warnings: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const running = await startControlPlane(config, logger, { caClock });
  const client = new AdsTestClient(running.xdsAddress.port);
  t.after(async () => {
    client.close();
    await running.close();
    if (!dataDir) await removeDir(dir);
  });
  return {
    endpoint: `http://127.0.0.1:${running.apiAddress.port}`,
    running,
    manual,
    dataDir: dir,
    client,
    warnings,
  };
}

async function buildMesh(endpoint: string): Promise<void> {
  const put = async (path: string, body: unknown) => {
    const answer = await call(endpoint, 'PUT', path, body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  };
  await put('/v20190125/meshes', { meshName: 'm', spec: {} });
  const node = (name: string, extra: Record<string, unknown> = {}) =>
    put('/v20190125/meshes/m/virtualNodes', {
      virtualNodeName: name,
      spec: {
        listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
        serviceDiscovery: { dns: { hostname: `${name}.m.local` } },
        ...extra,
      },
    });
  await node('x', {
    // An acm trust naming a CA ARN nobody has: the proxy waits for it; nothing else is sent in its place.
    backendDefaults: {
      clientPolicy: {
        tls: {
          validation: {
            trust: {
              acm: {
                certificateAuthorityArns: [
                  'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/nope',
                ],
              },
            },
          },
        },
      },
    },
  });
  await node('y', { backends: [{ virtualService: { virtualServiceName: 'x-svc.m.local' } }] });
  await put('/v20190125/meshes/m/virtualServices', {
    virtualServiceName: 'x-svc.m.local',
    spec: { provider: { virtualNode: { virtualNodeName: 'x' } } },
  });
}

interface SecretView {
  readonly name: string;
  readonly tls_certificate?: {
    certificate_chain?: { inline_string?: string };
    private_key?: { inline_string?: string };
  } | null;
  readonly validation_context?: { trusted_ca?: { inline_string?: string } } | null;
}

function secretsOf(response: DeltaDiscoveryResponse__Output): Map<string, SecretView> {
  assert.equal(response.type_url, typeUrls.secret);
  return new Map(
    response.resources.map((r) => {
      const secret = unpackAny(r.resource!, typeUrls.secret) as SecretView;
      return [secret.name, secret];
    }),
  );
}

function subscribe(client: AdsTestClient, node: string, names: string[]): DeltaStream {
  const stream = client.delta();
  stream.send({
    node: testNode(`mesh/m/virtualNode/${node}`),
    type_url: typeUrls.secret,
    resource_names_subscribe: names,
  });
  return stream;
}

async function nextSecrets(stream: DeltaStream, what: string): Promise<DeltaDiscoveryResponse__Output> {
  const response = await stream.inbox.next(what);
  stream.send({ type_url: response.type_url, response_nonce: response.nonce });
  return response;
}

function leafOf(secret: SecretView | undefined): { leaf: X509Certificate; keyPem: string } {
  const chain = secret?.tls_certificate?.certificate_chain?.inline_string;
  const keyPem = secret?.tls_certificate?.private_key?.inline_string;
  assert.ok(chain && keyPem, 'a certificate chain and key');
  return { leaf: new X509Certificate(chain), keyPem };
}

test('node X gets its own identity and the bundle, not Y’s; it renews at 2/3 of the life; rotation serves both roots', async (t) => {
  const h = await start(t);
  await buildMesh(h.endpoint);
  const x = subscribe(h.client, 'x', [spiffe('x'), bundle, spiffe('y')]);
  const first = await nextSecrets(x, 'x’s secrets');
  const secrets = secretsOf(first);
  assert.deepEqual([...secrets.keys()].sort(), [bundle, spiffe('x')]);
  assert.deepEqual(first.removed_resources, [spiffe('y')], 'Y’s name is answered as absent');
  const rootPem = secrets.get(bundle)?.validation_context?.trusted_ca?.inline_string ?? '';
  const root = new X509Certificate(rootPem);
  const { leaf, keyPem } = leafOf(secrets.get(spiffe('x')));
  assert.equal(leaf.checkIssued(root), true);
  assert.equal(leaf.verify(root.publicKey), true);
  assert.equal(leaf.checkPrivateKey(createPrivateKey(keyPem)), true);
  assert.equal(leaf.subject, 'CN=x');
  assert.equal(leaf.subjectAltName, `URI:${spiffe('x')}, DNS:x-svc.m.local, DNS:x.m.local`);

  // The CA ARN nobody has is named once, with its spec field; no key material is ever logged.
  const unknown = h.warnings.filter((line) => String(line['name']).endsWith('certificate-authority/nope'));
  assert.equal(unknown.length, 1);
  assert.equal(
    unknown[0]?.['field'],
    'spec.backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns[0]',
  );

  // Y's own stream gets Y's identity, with a different key.
  const y = subscribe(h.client, 'y', [spiffe('y')]);
  const ySecrets = secretsOf(await nextSecrets(y, 'y’s identity'));
  const yLeaf = leafOf(ySecrets.get(spiffe('y')));
  assert.equal(yLeaf.leaf.subjectAltName, `URI:${spiffe('y')}, DNS:y.m.local`);
  assert.notEqual(yLeaf.keyPem, keyPem);

  // proxy-status shows no secret material.
  const status = JSON.stringify((await call(h.endpoint, 'GET', '/switchyard/v1/xds/clients')).json);
  assert.doesNotMatch(status, /PRIVATE KEY|BEGIN CERTIFICATE/);

  // Two thirds of the life: a new certificate (and key) is pushed.
  h.manual.advance((certTtlMs * 2) / 3);
  const renewed = secretsOf(await nextSecrets(x, 'the renewed identity'));
  const next = leafOf(renewed.get(spiffe('x')));
  assert.notEqual(next.leaf.serialNumber, leaf.serialNumber);
  assert.notEqual(next.keyPem, keyPem);
  assert.ok(Date.parse(next.leaf.validTo) > Date.parse(leaf.validTo));

  // Rotation: the bundle holds both roots at once, then (after the trust lead) X is re-issued by the new root.
  const rotated = await call(h.endpoint, 'POST', '/switchyard/v1/ca/rotate');
  assert.equal(rotated.status, 200);
  const both = secretsOf(await nextSecrets(x, 'the bundle with both roots'));
  const bundlePem = both.get(bundle)?.validation_context?.trusted_ca?.inline_string ?? '';
  assert.equal(bundlePem.match(/BEGIN CERTIFICATE/g)?.length, 2);
  assert.equal(both.has(spiffe('x')), false, 'the identity is unchanged until the new root signs');
  h.manual.advance(10_000);
  const reissued = secretsOf(await nextSecrets(x, 'the identity from the new root'));
  const newRoot = new X509Certificate(bundlePem.slice(bundlePem.lastIndexOf('-----BEGIN')));
  assert.equal(leafOf(reissued.get(spiffe('x'))).leaf.checkIssued(newRoot), true);
  const shown = (await call(h.endpoint, 'GET', '/switchyard/v1/ca')).json as {
    authorities: { state: string }[];
  };
  assert.deepEqual(
    shown.authorities.map((a) => a.state),
    ['previous', 'active'],
  );
});

test('a proxyless gRPC client gets no secrets', async (t) => {
  const h = await start(t);
  await buildMesh(h.endpoint);
  const grpc = h.client.delta();
  grpc.send({
    node: { ...testNode('mesh/m/virtualNode/y'), user_agent_name: 'gRPC Node Pure JS' },
    type_url: typeUrls.secret,
    resource_names_subscribe: [spiffe('y'), bundle],
  });
  const answer = await grpc.inbox.next('an answer');
  assert.deepEqual(answer.resources, []);
  assert.deepEqual([...answer.removed_resources].sort(), [bundle, spiffe('y')]);
});

test('the root survives a restart: same ARN, same bundle', async (t) => {
  const dataDir = await makeTempDir('ca-restart');
  t.after(() => removeDir(dataDir));
  const before = await start(t, dataDir);
  const shown = (await call(before.endpoint, 'GET', '/switchyard/v1/ca')).json;
  await before.running.close();
  const after = await start(t, dataDir);
  const again = (await call(after.endpoint, 'GET', '/switchyard/v1/ca')).json;
  assert.deepEqual(again, shown);
  const pem = await fetch(`${after.endpoint}/switchyard/v1/ca/bundle.pem`);
  assert.equal(pem.headers.get('content-type'), 'application/x-pem-file');
  assert.equal(await pem.text(), shown['trustBundlePem']);
});

test('acm ARNs in a spec name this CA: the certificate ARN is the node’s identity, the CA ARN its root', async (t) => {
  const h = await start(t);
  await buildMesh(h.endpoint);
  const names = (await call(h.endpoint, 'GET', '/switchyard/v1/ca/identities/m/virtualNode/z')).json as {
    spiffeId: string;
    certificateArn: string;
    certificateAuthorityArn: string;
  };
  assert.equal(names.spiffeId, spiffe('z'));
  assert.match(names.certificateArn, /^arn:aws:acm:us-east-1:111122223333:certificate\/[0-9a-f-]{36}$/);
  const created = await call(h.endpoint, 'PUT', '/v20190125/meshes/m/virtualNodes', {
    virtualNodeName: 'z',
    spec: {
      listeners: [
        {
          portMapping: { port: 8080, protocol: 'http' },
          tls: { mode: 'STRICT', certificate: { acm: { certificateArn: names.certificateArn } } },
        },
      ],
      serviceDiscovery: { dns: { hostname: 'z.m.local' } },
      backendDefaults: {
        clientPolicy: {
          tls: {
            validation: { trust: { acm: { certificateAuthorityArns: [names.certificateAuthorityArn] } } },
          },
        },
      },
    },
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const z = subscribe(h.client, 'z', [names.certificateArn, names.certificateAuthorityArn]);
  const secrets = secretsOf(await nextSecrets(z, 'the ARN secrets'));
  assert.deepEqual([...secrets.keys()].sort(), [names.certificateArn, names.certificateAuthorityArn].sort());
  const root = new X509Certificate(
    secrets.get(names.certificateAuthorityArn)?.validation_context?.trusted_ca?.inline_string ?? '',
  );
  const { leaf } = leafOf(secrets.get(names.certificateArn));
  assert.equal(leaf.checkIssued(root), true);
  assert.match(leaf.subjectAltName ?? '', new RegExp(`URI:${spiffe('z')}`));
  // Another node's certificate ARN is not served to z.
  const other = (await call(h.endpoint, 'GET', '/switchyard/v1/ca/identities/m/virtualNode/x')).json;
  z.send({ type_url: typeUrls.secret, resource_names_subscribe: [other['certificateArn'] as string] });
  const refused = await z.inbox.next('the answer for x’s ARN');
  assert.deepEqual(refused.resources, []);
  assert.deepEqual(refused.removed_resources, [other['certificateArn']]);
});
