import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { Cluster__Output } from '../../xds/protos/index.ts';
import { ConfigError } from './config-error.ts';
import { decodeCluster } from './decode-cluster.ts';

const ads = { ads: {}, resource_api_version: 'V3' };

function tlsCluster(context: object, socket: object = {}): Cluster__Output {
  return unpackAny(
    packAny(typeUrls.cluster, {
      name: 'c',
      type: 'EDS',
      transport_socket: {
        name: 'envoy.transport_sockets.tls',
        typed_config: packAny(extensionTypeUrls.upstreamTlsContext, context),
        ...socket,
      },
    }),
  ) as Cluster__Output;
}

function violations(c: Cluster__Output): readonly string[] {
  try {
    decodeCluster(c);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.violations;
  }
  assert.fail('expected a ConfigError');
}

test('files: client certificate, trusted CA, typed SAN rules, SNI and ALPN', () => {
  const c = decodeCluster(
    tlsCluster({
      sni: 'backend.svc.local',
      common_tls_context: {
        alpn_protocols: ['h2', 'http/1.1'],
        tls_certificates: [
          { certificate_chain: { filename: '/c.pem' }, private_key: { filename: '/k.pem' } },
        ],
        validation_context: {
          trusted_ca: { filename: '/ca.pem' },
          match_typed_subject_alt_names: [
            { san_type: 'URI', matcher: { prefix: 'spiffe://td/mesh/m/' } },
            { san_type: 'DNS', matcher: { exact: 'backend.svc.local' } },
          ],
        },
      },
    }),
  );
  assert.deepEqual(c.tls, {
    sni: 'backend.svc.local',
    certificate: { kind: 'file', certificateChainPath: '/c.pem', privateKeyPath: '/k.pem' },
    validation: {
      trust: { kind: 'file', certificateChainPath: '/ca.pem' },
      subjectAltNames: [
        { kind: 'prefix', value: 'spiffe://td/mesh/m/' },
        { kind: 'exact', value: 'backend.svc.local' },
      ],
    },
    alpn: ['h2', 'http/1.1'],
  });
  assert.ok(Object.isFrozen(c.tls));
});

test('SDS: certificate and trust bundle by name over ADS, SAN rules from a combined validation context', () => {
  const c = decodeCluster(
    tlsCluster({
      common_tls_context: {
        tls_certificate_sds_secret_configs: [{ name: 'spiffe://td/mesh/m/virtualNode/web', sds_config: ads }],
        combined_validation_context: {
          default_validation_context: {
            match_typed_subject_alt_names: [
              { san_type: 'URI', matcher: { exact: 'spiffe://td/mesh/m/virtualNode/b' } },
            ],
          },
          validation_context_sds_secret_config: { name: 'spiffe://td', sds_config: ads },
        },
      },
    }),
  );
  assert.deepEqual(c.tls?.certificate, { kind: 'sds', secretName: 'spiffe://td/mesh/m/virtualNode/web' });
  assert.deepEqual(c.tls?.validation, {
    trust: { kind: 'sds', secretName: 'spiffe://td' },
    subjectAltNames: [{ kind: 'exact', value: 'spiffe://td/mesh/m/virtualNode/b' }],
  });
  assert.equal(c.tls?.sni, undefined);
  const plainSds = decodeCluster(
    tlsCluster({
      common_tls_context: {
        validation_context_sds_secret_config: { name: 'arn:aws:acm-pca:x', sds_config: ads },
      },
    }),
  );
  assert.deepEqual(plainSds.tls?.validation, {
    trust: { kind: 'sds', secretName: 'arn:aws:acm-pca:x' },
    subjectAltNames: [],
  });
});

test('no transport socket or raw_buffer is plaintext; no validation context accepts any server (as Envoy)', () => {
  const plain = decodeCluster(
    unpackAny(packAny(typeUrls.cluster, { name: 'c', type: 'EDS' })) as Cluster__Output,
  );
  assert.equal(plain.tls, undefined);
  const raw = decodeCluster(
    unpackAny(
      packAny(typeUrls.cluster, {
        name: 'c',
        type: 'EDS',
        transport_socket: { name: 'envoy.transport_sockets.raw_buffer' },
      }),
    ) as Cluster__Output,
  );
  assert.equal(raw.tls, undefined);
  const unverified = decodeCluster(tlsCluster({ sni: 'x' }));
  assert.deepEqual(unverified.tls, { sni: 'x', certificate: undefined, validation: undefined, alpn: [] });
});

test('TLS settings the proxy cannot enforce are NACKed with their paths, all at once', () => {
  const v = violations(
    tlsCluster({
      common_tls_context: {
        tls_params: {
          tls_minimum_protocol_version: 'TLSv1_3',
          cipher_suites: ['ECDHE-RSA-AES128-GCM-SHA256'],
        },
        tls_certificates: [
          { certificate_chain: { inline_string: 'PEM' }, private_key: { filename: '/k.pem' } },
        ],
        validation_context: {
          trusted_ca: { filename: '/ca.pem' },
          verify_certificate_hash: ['ab'],
          allow_expired_certificate: true,
          match_typed_subject_alt_names: [
            { san_type: 'EMAIL', matcher: { exact: 'a@b' } },
            { san_type: 'DNS', matcher: { suffix: '.local' } },
          ],
        },
      },
    }),
  );
  const p = 'transport_socket.typed_config.common_tls_context';
  for (const expected of [
    `${p}.tls_params.tls_minimum_protocol_version: TLSv1_3 is not supported`,
    `${p}.tls_params.cipher_suites: is not supported`,
    `${p}.tls_certificates[0].certificate_chain: inline_string is not supported`,
    `${p}.validation_context.verify_certificate_hash: is not supported`,
    `${p}.validation_context.allow_expired_certificate: is not supported`,
    `${p}.validation_context.match_typed_subject_alt_names[0].san_type: EMAIL is not supported`,
    `${p}.validation_context.match_typed_subject_alt_names[1].matcher: suffix is not supported`,
  ])
    assert.ok(
      v.some((line) => line.startsWith(expected)),
      `missing "${expected}" in ${JSON.stringify(v, null, 1)}`,
    );
});

test('a SAN rule without a CA, an SDS secret not on ADS, other transport sockets and socket matches are NACKed', () => {
  assert.match(
    violations(
      tlsCluster({ common_tls_context: { validation_context: { match_typed_subject_alt_names: [] } } }),
    ).join(),
    /validation_context.trusted_ca: is required/,
  );
  assert.match(
    violations(
      tlsCluster({
        common_tls_context: {
          validation_context_sds_secret_config: { name: 'x', sds_config: { path: '/x' } },
        },
      }),
    ).join(),
    /validation_context_sds_secret_config.sds_config: must be \{ads: \{\}\}/,
  );
  assert.match(
    violations(tlsCluster({}, { name: 'envoy.transport_sockets.alts' })).join(),
    /unsupported transport socket/,
  );
  assert.match(
    violations(
      unpackAny(
        packAny(typeUrls.cluster, {
          name: 'c',
          type: 'EDS',
          transport_socket: {
            name: 'envoy.transport_sockets.tls',
            typed_config: packAny(extensionTypeUrls.tcpProxy, { stat_prefix: 'x', cluster: 'y' }),
          },
        }),
      ) as Cluster__Output,
    ).join(),
    /must be an UpstreamTlsContext/,
  );
  assert.match(
    violations(
      unpackAny(
        packAny(typeUrls.cluster, { name: 'c', type: 'EDS', transport_socket_matches: [{ name: 'm' }] }),
      ) as Cluster__Output,
    ).join(),
    /transport_socket_matches: is not supported/,
  );
});
