import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { packAny, typeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { Secret__Output } from '../../xds/protos/index.ts';
import { createTestPki } from '../../../test/support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../../../test/support/test-pki.ts';
import { ConfigError } from './config-error.ts';
import { decodeSecret } from './decode-secret.ts';

const secret = (obj: object): Secret__Output => unpackAny(packAny(typeUrls.secret, obj)) as Secret__Output;

let pki: TestPki;
let leaf: IssuedCertificate;
let other: IssuedCertificate;
before(async () => {
  pki = await createTestPki();
  leaf = await pki.issue('leaf', { uris: ['spiffe://switchyard.local/mesh/m/virtualNode/a'] });
  other = await pki.issue('other', { dnsNames: ['other.local'] });
});
after(() => pki.cleanup());

test('a tls_certificate secret with inline strings or bytes decodes to its PEM', () => {
  const s = decodeSecret(
    secret({
      name: 'id',
      tls_certificate: {
        certificate_chain: { inline_string: leaf.certPem },
        private_key: { inline_bytes: Buffer.from(leaf.keyPem) },
      },
    }),
  );
  assert.deepEqual(s, { kind: 'certificate', certificateChain: leaf.certPem, privateKey: leaf.keyPem });
  assert.ok(Object.isFrozen(s));
});

test('a validation_context secret decodes to its trust bundle; filename sources name files', () => {
  assert.deepEqual(
    decodeSecret(
      secret({ name: 'td', validation_context: { trusted_ca: { inline_string: pki.ca.certPem } } }),
    ),
    { kind: 'validation', trustedCa: pki.ca.certPem },
  );
  assert.deepEqual(
    decodeSecret(secret({ name: 'td', validation_context: { trusted_ca: { filename: '/etc/ca.pem' } } })),
    { kind: 'validation-file', trustedCaPath: '/etc/ca.pem' },
  );
  assert.deepEqual(
    decodeSecret(
      secret({
        name: 'f',
        tls_certificate: { certificate_chain: { filename: '/c.pem' }, private_key: { filename: '/k.pem' } },
      }),
    ),
    { kind: 'certificate-file', certificateChainPath: '/c.pem', privateKeyPath: '/k.pem' },
  );
});

test('bad secrets are refused with field paths, and no message quotes the private key', () => {
  const cases: [object, RegExp][] = [
    [
      { name: 'x', generic_secret: { secret: { inline_string: 'a' } } },
      /type: generic_secret is not supported/,
    ],
    [{ name: 'x' }, /type: an empty secret is not supported/],
    [
      { name: '', validation_context: { trusted_ca: { inline_string: pki.ca.certPem } } },
      /name: must not be empty/,
    ],
    [
      {
        name: 'x',
        tls_certificate: {
          certificate_chain: { inline_string: leaf.certPem },
          private_key: { inline_string: other.keyPem },
        },
      },
      /tls_certificate.private_key: does not match the certificate/,
    ],
    [
      {
        name: 'x',
        tls_certificate: {
          certificate_chain: { inline_string: 'junk' },
          private_key: { inline_string: leaf.keyPem.slice(0, 80) },
        },
      },
      /certificate_chain: is not a PEM certificate; tls_certificate.private_key: is not a PEM private key/,
    ],
    [
      {
        name: 'x',
        tls_certificate: {
          certificate_chain: { filename: '/c' },
          private_key: { inline_string: leaf.keyPem },
        },
      },
      /must both be inline or both be files/,
    ],
    [
      { name: 'x', tls_certificate: { certificate_chain: { inline_string: leaf.certPem } } },
      /private_key: is required/,
    ],
    [
      {
        name: 'x',
        tls_certificate: {
          certificate_chain: { environment_variable: 'C' },
          private_key: { inline_string: leaf.keyPem },
        },
      },
      /environment_variable data sources are not supported/,
    ],
    [
      {
        name: 'x',
        validation_context: {
          trusted_ca: { inline_string: pki.ca.certPem },
          match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: 'a' } }],
        },
      },
      /is not supported in a secret/,
    ],
    [
      { name: 'x', validation_context: { trusted_ca: { inline_string: 'nope' } } },
      /trusted_ca: is not a PEM certificate/,
    ],
  ];
  for (const [obj, pattern] of cases) {
    assert.throws(
      () => decodeSecret(secret(obj)),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, pattern);
        assert.doesNotMatch(e.message, /PRIVATE KEY|BEGIN/);
        return true;
      },
    );
  }
});
