import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { Cluster__Output, Listener__Output } from '../../xds/protos/index.ts';
import { downstreamTlsSocket, upstreamTlsSocket } from '../../../test/support/sds-secrets.ts';
import { secretNamesOf } from './resource-kinds.ts';

const tcpFilter = {
  name: 'envoy.filters.network.tcp_proxy',
  typed_config: packAny(extensionTypeUrls.tcpProxy, { stat_prefix: 's', cluster: 'c' }),
};

test('a PERMISSIVE listener names the secrets of its TLS chain; a plaintext one names none', () => {
  const listener = unpackAny(
    packAny(typeUrls.listener, {
      name: 'l',
      filter_chains: [
        {
          filter_chain_match: { transport_protocol: 'tls' },
          filters: [tcpFilter],
          transport_socket: downstreamTlsSocket({ certificate: 'id', trust: 'td' }),
        },
        { filter_chain_match: { transport_protocol: 'raw_buffer' }, filters: [tcpFilter] },
      ],
    }),
  ) as Listener__Output;
  assert.deepEqual(secretNamesOf(listener), ['id', 'td']);
  const plain = unpackAny(
    packAny(typeUrls.listener, { name: 'p', filter_chains: [{ filters: [tcpFilter] }] }),
  ) as Listener__Output;
  assert.deepEqual(secretNamesOf(plain), []);
});

test('a cluster names its client certificate and its combined validation context trust bundle', () => {
  const combined = {
    name: 'envoy.transport_sockets.tls',
    typed_config: packAny(extensionTypeUrls.upstreamTlsContext, {
      common_tls_context: {
        tls_certificate_sds_secret_configs: [{ name: 'id', sds_config: { ads: {} } }],
        combined_validation_context: {
          default_validation_context: {
            match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { prefix: 'spiffe://td/' } }],
          },
          validation_context_sds_secret_config: { name: 'spiffe://td', sds_config: { ads: {} } },
        },
      },
    }),
  };
  const c = unpackAny(
    packAny(typeUrls.cluster, { name: 'c', transport_socket: combined }),
  ) as Cluster__Output;
  assert.deepEqual(secretNamesOf(c), ['id', 'spiffe://td']);
  const trustOnly = unpackAny(
    packAny(typeUrls.cluster, { name: 'c', transport_socket: upstreamTlsSocket({ trust: 'spiffe://td' }) }),
  ) as Cluster__Output;
  assert.deepEqual(secretNamesOf(trustOnly), ['spiffe://td']);
});
