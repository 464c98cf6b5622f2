// /config_dump shows SDS secrets as Envoy does (SecretsConfigDump, dynamic_active_secrets) with every private key
// "[redacted]", and redacts inline keys anywhere else in the dump (a listener's or cluster's TLS context) too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import { protoJson } from '../../src/proxy/admin/proto-json.ts';
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../src/xds/protos/index.ts';
import { certificateSecret, validationSecret } from '../support/sds-secrets.ts';
import { createTestPki } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { httpRequest } from '../support/http-client.ts';
import { cluster, snapshot } from './envoy-fixtures.ts';

let pki: TestPki;
let leaf: IssuedCertificate;
before(async () => {
  pki = await createTestPki();
  leaf = await pki.issue('leaf', { uris: ['spiffe://switchyard.local/mesh/m/virtualNode/n'] });
});
after(() => pki.cleanup());

test('config_dump lists secrets with their chains and trust bundles, and no private key', async (t) => {
  const proxy = new MeshProxy({ admin: { host: '127.0.0.1', port: 0 } });
  t.after(() => proxy.close(0));
  await proxy.start();
  await proxy.applyConfig({
    ...snapshot({}),
    secrets: [certificateSecret('id', leaf), validationSecret('td', pki.ca.certPem)],
  });
  const body = (await httpRequest(proxy.adminPort!, '/config_dump', { host: '127.0.0.1' })).body;
  assert.doesNotMatch(body, /PRIVATE KEY/);
  assert.ok(!body.includes(leaf.keyPem.split('\n')[1]!), 'no line of the key');
  const dump = JSON.parse(body) as { configs: Record<string, unknown>[] };
  const secrets = dump.configs.find(
    (c) => c['@type'] === 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
  );
  assert.deepEqual(secrets, {
    '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
    dynamic_active_secrets: [
      {
        name: 'id',
        secret: {
          '@type': typeUrls.secret,
          name: 'id',
          tls_certificate: {
            certificate_chain: { inline_string: leaf.certPem },
            private_key: { inline_string: '[redacted]' },
          },
        },
      },
      {
        name: 'td',
        secret: {
          '@type': typeUrls.secret,
          name: 'td',
          validation_context: { trusted_ca: { inline_string: pki.ca.certPem } },
        },
      },
    ],
  });
});

test('an inline key inside a cluster transport socket is redacted too (bytes as well as strings)', () => {
  const withKey = cluster('c', {
    transport_socket: {
      name: 'envoy.transport_sockets.tls',
      typed_config: packAny(extensionTypeUrls.upstreamTlsContext, {
        common_tls_context: {
          tls_certificates: [
            {
              certificate_chain: { inline_string: leaf.certPem },
              private_key: { inline_bytes: Buffer.from(leaf.keyPem) },
            },
          ],
        },
      }),
    },
  });
  const json = JSON.stringify(protoJson(typeUrls.cluster, withKey));
  assert.ok(json.includes('"private_key":{"inline_bytes":"[redacted]"}'), json);
  assert.ok(!json.includes(Buffer.from(leaf.keyPem).toString('base64').slice(0, 40)));
  const secret = unpackAny(
    packAny(typeUrls.secret, {
      name: 's',
      tls_certificate: {
        certificate_chain: { filename: '/c.pem' },
        private_key: { filename: '/k.pem' },
        password: { inline_string: 'hunter2' },
      },
    }),
  );
  const text = JSON.stringify(protoJson(typeUrls.secret, secret as object));
  assert.ok(!text.includes('hunter2'));
  assert.ok(text.includes('"certificate_chain":{"filename":"/c.pem"}'));
});
