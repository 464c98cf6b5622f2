// Listeners that terminate TLS, written the way the translation emits them (tls_inspector, a filter chain matching
// transport_protocol "tls" with a DownstreamTlsContext, and for PERMISSIVE a raw_buffer twin), round-tripped.
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../src/xds/protos/index.ts';
import type { Listener__Output } from '../../src/xds/protos/index.ts';

type Obj = Record<string, unknown>;

export interface TlsListenerOptions {
  readonly mode: 'STRICT' | 'PERMISSIVE';
  /** The network filter (an HttpConnectionManager or TcpProxy), as `{ name, typed_config }`. */
  readonly filter: Obj;
  readonly certPath: string;
  readonly keyPath: string;
  /** Set: clients must present a certificate this CA signed. */
  readonly trustCaPath?: string;
  readonly sans?: readonly { readonly kind: 'exact' | 'prefix'; readonly value: string }[];
  readonly alpn?: readonly string[];
  /** More Listener fields (listener_filters_timeout, ...). */
  readonly listener?: Obj;
}

export function downstreamTlsContext(o: TlsListenerOptions): Obj {
  const common: Obj = {
    tls_certificates: [{ certificate_chain: { filename: o.certPath }, private_key: { filename: o.keyPath } }],
    alpn_protocols: o.alpn ?? [],
  };
  if (o.trustCaPath !== undefined)
    common.validation_context = {
      trusted_ca: { filename: o.trustCaPath },
      match_typed_subject_alt_names: (o.sans ?? []).map((m) => ({
        san_type: m.value.includes('://') ? 'URI' : 'DNS',
        matcher: { [m.kind]: m.value },
      })),
    };
  return {
    common_tls_context: common,
    ...(o.trustCaPath === undefined ? {} : { require_client_certificate: { value: true } }),
  };
}

export function tlsListener(name: string, o: TlsListenerOptions): Listener__Output {
  const chains: Obj[] = [
    {
      filter_chain_match: { transport_protocol: 'tls' },
      filters: [o.filter],
      transport_socket: {
        name: 'envoy.transport_sockets.tls',
        typed_config: packAny(extensionTypeUrls.downstreamTlsContext, downstreamTlsContext(o)),
      },
    },
  ];
  if (o.mode === 'PERMISSIVE')
    chains.push({ filter_chain_match: { transport_protocol: 'raw_buffer' }, filters: [o.filter] });
  return unpackAny(
    packAny(typeUrls.listener, {
      ...o.listener,
      name,
      address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
      listener_filters: [{ name: 'envoy.filters.listener.tls_inspector' }],
      filter_chains: chains,
    }),
  ) as Listener__Output;
}

/** An HttpConnectionManager network filter routing by RDS `routeConfigName`. */
export function hcmFilter(statPrefix: string, routeConfigName: string, hcm: Obj = {}): Obj {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: packAny(extensionTypeUrls.httpConnectionManager, {
      codec_type: 'AUTO',
      ...hcm,
      stat_prefix: statPrefix,
      rds: { route_config_name: routeConfigName, config_source: { ads: {} } },
      http_filters: [
        { name: 'envoy.filters.http.router', typed_config: packAny(extensionTypeUrls.router, {}) },
      ],
    }),
  };
}

/** A TcpProxy network filter to `cluster`. */
export function tcpProxyFilter(statPrefix: string, cluster: string): Obj {
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: packAny(extensionTypeUrls.tcpProxy, { stat_prefix: statPrefix, cluster }),
  };
}
