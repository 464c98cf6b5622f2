import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { Listener__Output } from '../../xds/protos/index.ts';
import { ConfigError } from './config-error.ts';
import { decodeListener } from './decode-listener.ts';

type Obj = Record<string, unknown>;

const hcm = (statPrefix = 'in', extra: Obj = {}): Obj => ({
  name: 'envoy.filters.network.http_connection_manager',
  typed_config: packAny(extensionTypeUrls.httpConnectionManager, {
    stat_prefix: statPrefix,
    rds: { route_config_name: 'rc', config_source: { ads: {} } },
    http_filters: [
      { name: 'envoy.filters.http.router', typed_config: packAny(extensionTypeUrls.router, {}) },
    ],
    ...extra,
  }),
});

const tlsSocket = (context: Obj): Obj => ({
  name: 'envoy.transport_sockets.tls',
  typed_config: packAny(extensionTypeUrls.downstreamTlsContext, context),
});

const fileCert = { certificate_chain: { filename: '/c.pem' }, private_key: { filename: '/k.pem' } };
const sds = (name: string): Obj => ({ name, sds_config: { ads: {}, resource_api_version: 'V3' } });

function listener(chains: Obj[]): Listener__Output {
  return unpackAny(
    packAny(typeUrls.listener, {
      name: 'l',
      address: { socket_address: { address: '127.0.0.1', port_value: 15000 } },
      listener_filters: [{ name: 'envoy.filters.listener.tls_inspector' }],
      filter_chains: chains,
    }),
  ) as Listener__Output;
}

const tlsChain = (context: Obj, filters = [hcm()]): Obj => ({
  filter_chain_match: { transport_protocol: 'tls' },
  filters,
  transport_socket: tlsSocket(context),
});
const rawChain = (filters = [hcm()]): Obj => ({
  filter_chain_match: { transport_protocol: 'raw_buffer' },
  filters,
});

function violations(l: Listener__Output): string {
  try {
    decodeListener(l);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

test('STRICT with file certificate and mTLS: trust file, SAN rules, ALPN', () => {
  const l = decodeListener(
    listener([
      tlsChain({
        require_client_certificate: { value: true },
        common_tls_context: {
          tls_certificates: [fileCert],
          alpn_protocols: ['h2', 'http/1.1'],
          validation_context: {
            trusted_ca: { filename: '/ca.pem' },
            match_typed_subject_alt_names: [
              { san_type: 'URI', matcher: { exact: 'spiffe://td/a' } },
              { san_type: 'DNS', matcher: { prefix: 'svc.' } },
            ],
          },
        },
      }),
    ]),
  );
  assert.deepEqual(l.tls, {
    mode: 'STRICT',
    certificate: { kind: 'file', certificateChainPath: '/c.pem', privateKeyPath: '/k.pem' },
    validation: {
      trust: { kind: 'file', certificateChainPath: '/ca.pem' },
      subjectAltNames: [
        { kind: 'exact', value: 'spiffe://td/a' },
        { kind: 'prefix', value: 'svc.' },
      ],
    },
    alpn: ['h2', 'http/1.1'],
  });
  assert.equal(l.filter.kind, 'http');
});

test('PERMISSIVE with SDS certificate and a combined validation context (SDS trust + SAN rules)', () => {
  const context = {
    require_client_certificate: { value: true },
    common_tls_context: {
      tls_certificate_sds_secret_configs: [sds('spiffe://td/mesh/m/virtualNode/a')],
      combined_validation_context: {
        default_validation_context: {
          match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { prefix: 'spiffe://td/mesh/m/' } }],
        },
        validation_context_sds_secret_config: sds('spiffe://td'),
      },
    },
  };
  const l = decodeListener(listener([tlsChain(context), rawChain()]));
  assert.equal(l.tls?.mode, 'PERMISSIVE');
  assert.deepEqual(l.tls?.certificate, { kind: 'sds', secretName: 'spiffe://td/mesh/m/virtualNode/a' });
  assert.deepEqual(l.tls?.validation, {
    trust: { kind: 'sds', secretName: 'spiffe://td' },
    subjectAltNames: [{ kind: 'prefix', value: 'spiffe://td/mesh/m/' }],
  });
  assert.ok(Object.isFrozen(l.tls));
});

test('a listener without TLS has none; XFCC defaults to SANITIZE and reads set_current_client_cert_details', () => {
  const plain = decodeListener(listener([{ filters: [hcm()] }]));
  assert.equal(plain.tls, undefined);
  assert.equal(plain.filter.kind === 'http' && plain.filter.forwardClientCert.mode, 'SANITIZE');
  const set = decodeListener(
    listener([
      {
        filters: [
          hcm('in', {
            forward_client_cert_details: 'SANITIZE_SET',
            set_current_client_cert_details: { uri: true, subject: { value: true } },
          }),
        ],
      },
    ]),
  );
  assert.deepEqual(set.filter.kind === 'http' && set.filter.forwardClientCert, {
    mode: 'SANITIZE_SET',
    subject: true,
    uri: true,
    dns: false,
    cert: false,
    chain: false,
  });
});

test('TLS it cannot enforce is refused with every reason and its path', () => {
  const message = violations(
    listener([
      {
        filter_chain_match: { transport_protocol: 'tls', server_names: ['a.example'] },
        filters: [hcm()],
        transport_socket: tlsSocket({
          require_client_certificate: { value: false },
          common_tls_context: {
            tls_certificates: [
              { certificate_chain: { inline_string: 'PEM' }, private_key: { filename: '/k' } },
            ],
            tls_params: { tls_minimum_protocol_version: 'TLSv1_0', cipher_suites: ['RC4'] },
            validation_context: {
              trusted_ca: { filename: '/ca.pem' },
              verify_certificate_hash: ['ab'],
              match_typed_subject_alt_names: [
                { san_type: 'IP_ADDRESS', matcher: { exact: '1.2.3.4' } },
                { san_type: 'URI', matcher: { safe_regex: { regex: '.*' } } },
              ],
            },
          },
        }),
      },
      rawChain([hcm('other')]),
    ]),
  );
  for (const expected of [
    'filter_chains[0].filter_chain_match.server_names: is not supported',
    'certificate_chain: inline_string is not supported',
    'tls_minimum_protocol_version: TLSv1_0 is not supported',
    'cipher_suites: is not supported',
    'verify_certificate_hash: is not supported',
    'match_typed_subject_alt_names[0].san_type: IP_ADDRESS is not supported',
    'match_typed_subject_alt_names[1].matcher: safe_regex is not supported',
    'require_client_certificate: must be true when a validation context is set',
    "filter_chains[1].filters: must be the same as the TLS chain's (PERMISSIVE)",
  ])
    assert.ok(message.includes(expected), `${expected}\n in ${message}`);
});

test('two TLS chains, a plaintext-looking TLS chain, or client certificates without trust are refused', () => {
  const ok = { common_tls_context: { tls_certificates: [fileCert] } };
  assert.match(violations(listener([tlsChain(ok), tlsChain(ok)])), /only one filter chain may terminate TLS/);
  assert.match(
    violations(
      listener([
        {
          filter_chain_match: { transport_protocol: 'raw_buffer' },
          filters: [hcm()],
          transport_socket: tlsSocket(ok),
        },
      ]),
    ),
    /must be "tls" on the TLS chain/,
  );
  assert.match(
    violations(listener([tlsChain({ ...ok, require_client_certificate: { value: true } })])),
    /needs a validation context/,
  );
  assert.match(
    violations(
      listener([
        tlsChain({
          common_tls_context: {
            tls_certificate_sds_secret_configs: [{ name: 'x', sds_config: { path: '/x' } }],
          },
        }),
      ]),
    ),
    /sds_config: must be \{ads: \{\}\}/,
  );
});

test('a listener refuses what a cluster refuses: both decode CommonTlsContext with one decoder', () => {
  const message = violations(
    listener([
      tlsChain({
        require_client_certificate: { value: true },
        common_tls_context: {
          tls_certificates: [fileCert],
          key_log: { path: '/tmp/keys' },
          validation_context: { trusted_ca: { filename: '/ca.pem' }, max_verify_depth: { value: 3 } },
        },
      }),
    ]),
  );
  for (const expected of [
    'common_tls_context.key_log: is not supported',
    'common_tls_context.validation_context.max_verify_depth: is not supported',
  ])
    assert.ok(message.includes(expected), `${expected}\n in ${message}`);
});
