import assert from 'node:assert/strict';
import type { OutgoingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import type { ForwardClientCertConfig, ForwardClientCertMode } from '../config/listener-types.ts';
import type { DownstreamTls } from '../tls/peer-identity.ts';
import { forwardClientCert } from './forward-client-cert.ts';

const mtls: DownstreamTls = {
  version: 'TLSv1.3',
  localUriSans: ['spiffe://td/server'],
  peer: {
    subject: 'CN=client,O=a "quoted" org',
    uriSans: ['spiffe://td/client'],
    dnsSans: ['client.local'],
    sha256Hex: 'ab'.repeat(32),
    pem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
  },
};
const tlsWithoutCert: DownstreamTls = { ...mtls, peer: undefined };
const config = (
  mode: ForwardClientCertMode,
  extra: Partial<ForwardClientCertConfig> = {},
): ForwardClientCertConfig => ({
  mode,
  subject: false,
  uri: false,
  dns: false,
  cert: false,
  chain: false,
  ...extra,
});

function run(
  mode: ForwardClientCertMode,
  tls: DownstreamTls | undefined,
  extra: Partial<ForwardClientCertConfig> = {},
) {
  const headers: OutgoingHttpHeaders = { 'x-forwarded-client-cert': 'By=spiffe://forged;Hash=00' };
  forwardClientCert(headers, tls, config(mode, extra));
  return headers['x-forwarded-client-cert'];
}

test('without a client certificate only ALWAYS_FORWARD_ONLY keeps what the client sent', () => {
  for (const mode of ['SANITIZE', 'FORWARD_ONLY', 'APPEND_FORWARD', 'SANITIZE_SET'] as const) {
    assert.equal(run(mode, undefined), undefined, `${mode}, plaintext`);
    assert.equal(run(mode, tlsWithoutCert), undefined, `${mode}, TLS without a client certificate`);
  }
  assert.equal(run('ALWAYS_FORWARD_ONLY', undefined), 'By=spiffe://forged;Hash=00');
});

test('with mTLS: SANITIZE drops, FORWARD_ONLY keeps, SANITIZE_SET replaces, APPEND_FORWARD appends', () => {
  const hash = `Hash=${'ab'.repeat(32)}`;
  assert.equal(run('SANITIZE', mtls), undefined);
  assert.equal(run('FORWARD_ONLY', mtls), 'By=spiffe://forged;Hash=00');
  assert.equal(
    run('SANITIZE_SET', mtls, { subject: true, uri: true }),
    `By=spiffe://td/server;${hash};Subject="CN=client,O=a \\"quoted\\" org";URI=spiffe://td/client`,
  );
  assert.equal(
    run('APPEND_FORWARD', mtls, { dns: true }),
    `By=spiffe://forged;Hash=00,By=spiffe://td/server;${hash};DNS=client.local`,
  );
  assert.equal(
    run('SANITIZE_SET', mtls, { cert: true }),
    `By=spiffe://td/server;${hash};Cert="${encodeURIComponent(mtls.peer!.pem)}"`,
  );
  const noUri: DownstreamTls = { ...mtls, peer: { ...mtls.peer!, uriSans: [] } };
  assert.equal(run('SANITIZE_SET', noUri, { uri: true }), `By=spiffe://td/server;${hash};URI=`);
});

test('a SAN holding a separator is quoted, so it cannot read as another field or element', () => {
  const tricky: DownstreamTls = {
    ...mtls,
    peer: { ...mtls.peer!, uriSans: ['spiffe://td/x;DNS=pay.local', 'spiffe://td/y,By=z'], dnsSans: ['a"b'] },
  };
  assert.equal(
    run('SANITIZE_SET', tricky, { uri: true, dns: true }),
    `By=spiffe://td/server;Hash=${'ab'.repeat(32)};URI="spiffe://td/x;DNS=pay.local";URI="spiffe://td/y,By=z";DNS="a\\"b"`,
  );
});
