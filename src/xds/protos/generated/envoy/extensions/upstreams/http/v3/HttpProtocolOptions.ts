// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/extensions/upstreams/http/v3/http_protocol_options.proto

import type { HttpProtocolOptions as _envoy_config_core_v3_HttpProtocolOptions, HttpProtocolOptions__Output as _envoy_config_core_v3_HttpProtocolOptions__Output } from '../../../../../envoy/config/core/v3/HttpProtocolOptions.ts';
import type { UpstreamHttpProtocolOptions as _envoy_config_core_v3_UpstreamHttpProtocolOptions, UpstreamHttpProtocolOptions__Output as _envoy_config_core_v3_UpstreamHttpProtocolOptions__Output } from '../../../../../envoy/config/core/v3/UpstreamHttpProtocolOptions.ts';
import type { HttpFilter as _envoy_extensions_filters_network_http_connection_manager_v3_HttpFilter, HttpFilter__Output as _envoy_extensions_filters_network_http_connection_manager_v3_HttpFilter__Output } from '../../../../../envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.ts';
import type { TypedExtensionConfig as _envoy_config_core_v3_TypedExtensionConfig, TypedExtensionConfig__Output as _envoy_config_core_v3_TypedExtensionConfig__Output } from '../../../../../envoy/config/core/v3/TypedExtensionConfig.ts';
import type { Http1ProtocolOptions as _envoy_config_core_v3_Http1ProtocolOptions, Http1ProtocolOptions__Output as _envoy_config_core_v3_Http1ProtocolOptions__Output } from '../../../../../envoy/config/core/v3/Http1ProtocolOptions.ts';
import type { Http2ProtocolOptions as _envoy_config_core_v3_Http2ProtocolOptions, Http2ProtocolOptions__Output as _envoy_config_core_v3_Http2ProtocolOptions__Output } from '../../../../../envoy/config/core/v3/Http2ProtocolOptions.ts';
import type { Http3ProtocolOptions as _envoy_config_core_v3_Http3ProtocolOptions, Http3ProtocolOptions__Output as _envoy_config_core_v3_Http3ProtocolOptions__Output } from '../../../../../envoy/config/core/v3/Http3ProtocolOptions.ts';
import type { AlternateProtocolsCacheOptions as _envoy_config_core_v3_AlternateProtocolsCacheOptions, AlternateProtocolsCacheOptions__Output as _envoy_config_core_v3_AlternateProtocolsCacheOptions__Output } from '../../../../../envoy/config/core/v3/AlternateProtocolsCacheOptions.ts';

/**
 * If this is used, the cluster can use either HTTP/1 or HTTP/2, and will use whichever
 * protocol is negotiated by ALPN with the upstream.
 * Clusters configured with ``AutoHttpConfig`` will use the highest available
 * protocol; HTTP/2 if supported, otherwise HTTP/1.
 * If the upstream does not support ALPN, ``AutoHttpConfig`` will fail over to HTTP/1.
 * This can only be used with transport sockets which support ALPN. Using a
 * transport socket which does not support ALPN will result in configuration
 * failure. The transport layer may be configured with custom ALPN, but the default ALPN
 * for the cluster (or if custom ALPN fails) will be "h2,http/1.1".
 */
export interface _envoy_extensions_upstreams_http_v3_HttpProtocolOptions_AutoHttpConfig {
  'http_protocol_options'?: (_envoy_config_core_v3_Http1ProtocolOptions | null);
  'http2_protocol_options'?: (_envoy_config_core_v3_Http2ProtocolOptions | null);
  /**
   * Unlike HTTP/1 and HTTP/2, HTTP/3 will not be configured unless it is
   * present, and (soon) only if there is an indication of server side
   * support.
   * See :ref:`here <arch_overview_http3_upstream>` for more information on
   * when HTTP/3 will be used, and when Envoy will fail over to TCP.
   * 
   * .. warning::
   * QUIC upstream support is currently not ready for internet use.
   * Please see :ref:`here <arch_overview_http3>` for details.
   */
  'http3_protocol_options'?: (_envoy_config_core_v3_Http3ProtocolOptions | null);
  /**
   * The presence of alternate protocols cache options causes the use of the
   * alternate protocols cache, which is responsible for parsing and caching
   * HTTP Alt-Svc headers. This enables the use of HTTP/3 for origins that
   * advertise supporting it.
   * 
   * .. note::
   * This is required when HTTP/3 is enabled.
   */
  'alternate_protocols_cache_options'?: (_envoy_config_core_v3_AlternateProtocolsCacheOptions | null);
}

/**
 * If this is used, the cluster can use either HTTP/1 or HTTP/2, and will use whichever
 * protocol is negotiated by ALPN with the upstream.
 * Clusters configured with ``AutoHttpConfig`` will use the highest available
 * protocol; HTTP/2 if supported, otherwise HTTP/1.
 * If the upstream does not support ALPN, ``AutoHttpConfig`` will fail over to HTTP/1.
 * This can only be used with transport sockets which support ALPN. Using a
 * transport socket which does not support ALPN will result in configuration
 * failure. The transport layer may be configured with custom ALPN, but the default ALPN
 * for the cluster (or if custom ALPN fails) will be "h2,http/1.1".
 */
export interface _envoy_extensions_upstreams_http_v3_HttpProtocolOptions_AutoHttpConfig__Output {
  'http_protocol_options': (_envoy_config_core_v3_Http1ProtocolOptions__Output | null);
  'http2_protocol_options': (_envoy_config_core_v3_Http2ProtocolOptions__Output | null);
  /**
   * Unlike HTTP/1 and HTTP/2, HTTP/3 will not be configured unless it is
   * present, and (soon) only if there is an indication of server side
   * support.
   * See :ref:`here <arch_overview_http3_upstream>` for more information on
   * when HTTP/3 will be used, and when Envoy will fail over to TCP.
   * 
   * .. warning::
   * QUIC upstream support is currently not ready for internet use.
   * Please see :ref:`here <arch_overview_http3>` for details.
   */
  'http3_protocol_options': (_envoy_config_core_v3_Http3ProtocolOptions__Output | null);
  /**
   * The presence of alternate protocols cache options causes the use of the
   * alternate protocols cache, which is responsible for parsing and caching
   * HTTP Alt-Svc headers. This enables the use of HTTP/3 for origins that
   * advertise supporting it.
   * 
   * .. note::
   * This is required when HTTP/3 is enabled.
   */
  'alternate_protocols_cache_options': (_envoy_config_core_v3_AlternateProtocolsCacheOptions__Output | null);
}

/**
 * If this is used, the cluster will only operate on one of the possible upstream protocols.
 * Note that HTTP/2 or above should generally be used for upstream gRPC clusters.
 */
export interface _envoy_extensions_upstreams_http_v3_HttpProtocolOptions_ExplicitHttpConfig {
  'http_protocol_options'?: (_envoy_config_core_v3_Http1ProtocolOptions | null);
  'http2_protocol_options'?: (_envoy_config_core_v3_Http2ProtocolOptions | null);
  /**
   * .. warning::
   * QUIC upstream support is currently not ready for internet use.
   * Please see :ref:`here <arch_overview_http3>` for details.
   */
  'http3_protocol_options'?: (_envoy_config_core_v3_Http3ProtocolOptions | null);
  'protocol_config'?: "http_protocol_options"|"http2_protocol_options"|"http3_protocol_options";
}

/**
 * If this is used, the cluster will only operate on one of the possible upstream protocols.
 * Note that HTTP/2 or above should generally be used for upstream gRPC clusters.
 */
export interface _envoy_extensions_upstreams_http_v3_HttpProtocolOptions_ExplicitHttpConfig__Output {
  'http_protocol_options'?: (_envoy_config_core_v3_Http1ProtocolOptions__Output | null);
  'http2_protocol_options'?: (_envoy_config_core_v3_Http2ProtocolOptions__Output | null);
  /**
   * .. warning::
   * QUIC upstream support is currently not ready for internet use.
   * Please see :ref:`here <arch_overview_http3>` for details.
   */
  'http3_protocol_options'?: (_envoy_config_core_v3_Http3ProtocolOptions__Output | null);
  'protocol_config'?: "http_protocol_options"|"http2_protocol_options"|"http3_protocol_options";
}

/**
 * If this is used, the cluster can use either of the configured protocols, and
 * will use whichever protocol was used by the downstream connection.
 * 
 * If HTTP/3 is configured for downstream and not configured for upstream,
 * HTTP/3 requests will fail over to HTTP/2.
 */
export interface _envoy_extensions_upstreams_http_v3_HttpProtocolOptions_UseDownstreamHttpConfig {
  'http_protocol_options'?: (_envoy_config_core_v3_Http1ProtocolOptions | null);
  'http2_protocol_options'?: (_envoy_config_core_v3_Http2ProtocolOptions | null);
  /**
   * .. warning::
   * QUIC upstream support is currently not ready for internet use.
   * Please see :ref:`here <arch_overview_http3>` for details.
   */
  'http3_protocol_options'?: (_envoy_config_core_v3_Http3ProtocolOptions | null);
}

/**
 * If this is used, the cluster can use either of the configured protocols, and
 * will use whichever protocol was used by the downstream connection.
 * 
 * If HTTP/3 is configured for downstream and not configured for upstream,
 * HTTP/3 requests will fail over to HTTP/2.
 */
export interface _envoy_extensions_upstreams_http_v3_HttpProtocolOptions_UseDownstreamHttpConfig__Output {
  'http_protocol_options': (_envoy_config_core_v3_Http1ProtocolOptions__Output | null);
  'http2_protocol_options': (_envoy_config_core_v3_Http2ProtocolOptions__Output | null);
  /**
   * .. warning::
   * QUIC upstream support is currently not ready for internet use.
   * Please see :ref:`here <arch_overview_http3>` for details.
   */
  'http3_protocol_options': (_envoy_config_core_v3_Http3ProtocolOptions__Output | null);
}

/**
 * HttpProtocolOptions specifies Http upstream protocol options. This object
 * is used in
 * :ref:`typed_extension_protocol_options<envoy_v3_api_field_config.cluster.v3.Cluster.typed_extension_protocol_options>`,
 * keyed by the name ``envoy.extensions.upstreams.http.v3.HttpProtocolOptions``.
 * 
 * This controls what protocol(s) should be used for upstream and how said protocol(s) are configured.
 * 
 * This replaces the prior pattern of explicit protocol configuration directly
 * in the cluster. So a configuration like this, explicitly configuring the use of HTTP/2 upstream:
 * 
 * .. code::
 * 
 * clusters:
 * - name: some_service
 * connect_timeout: 5s
 * upstream_http_protocol_options:
 * auto_sni: true
 * common_http_protocol_options:
 * idle_timeout: 1s
 * http2_protocol_options:
 * max_concurrent_streams: 100
 * .... [further cluster config]
 * 
 * Would now look like this:
 * 
 * .. code::
 * 
 * clusters:
 * - name: some_service
 * connect_timeout: 5s
 * typed_extension_protocol_options:
 * envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
 * "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
 * upstream_http_protocol_options:
 * auto_sni: true
 * common_http_protocol_options:
 * idle_timeout: 1s
 * explicit_http_config:
 * http2_protocol_options:
 * max_concurrent_streams: 100
 * .... [further cluster config]
 * [#next-free-field: 8]
 */
export interface HttpProtocolOptions {
  /**
   * This contains options common across HTTP/1 and HTTP/2
   */
  'common_http_protocol_options'?: (_envoy_config_core_v3_HttpProtocolOptions | null);
  /**
   * This contains common protocol options which are only applied upstream.
   */
  'upstream_http_protocol_options'?: (_envoy_config_core_v3_UpstreamHttpProtocolOptions | null);
  /**
   * To explicitly configure either HTTP/1 or HTTP/2 (but not both!) use ``explicit_http_config``.
   * If the ``explicit_http_config`` is empty, HTTP/1.1 is used.
   */
  'explicit_http_config'?: (_envoy_extensions_upstreams_http_v3_HttpProtocolOptions_ExplicitHttpConfig | null);
  /**
   * This allows switching on protocol based on what protocol the downstream
   * connection used.
   */
  'use_downstream_protocol_config'?: (_envoy_extensions_upstreams_http_v3_HttpProtocolOptions_UseDownstreamHttpConfig | null);
  /**
   * This allows switching on protocol based on ALPN
   */
  'auto_config'?: (_envoy_extensions_upstreams_http_v3_HttpProtocolOptions_AutoHttpConfig | null);
  /**
   * .. note::
   * Upstream HTTP filters are currently in alpha.
   * 
   * Optional HTTP filters for the upstream HTTP filter chain.
   * 
   * These filters will be applied for all HTTP streams which flow through this
   * cluster. Unlike downstream HTTP filters, they will *not* be applied to terminated CONNECT requests.
   * 
   * If using upstream HTTP filters, please be aware that local errors sent by
   * upstream HTTP filters will not trigger retries, and local errors sent by
   * upstream HTTP filters will count as a final response if hedging is configured.
   * [#extension-category: envoy.filters.http.upstream]
   */
  'http_filters'?: (_envoy_extensions_filters_network_http_connection_manager_v3_HttpFilter)[];
  /**
   * Configuration options for Unified Header Validation (UHV).
   * UHV is an extensible mechanism for checking validity of HTTP responses.
   * 
   * [#comment:TODO(yanavlasov): Make it a link to the default header validator doc when it becomes visible.]
   * Leaving this field unspecified, selects the default header validator ``envoy.http.header_validators.envoy_default``.
   * 
   * [#not-implemented-hide:]
   * [#extension-category: envoy.http.header_validators]
   */
  'header_validation_config'?: (_envoy_config_core_v3_TypedExtensionConfig | null);
  /**
   * This controls the actual protocol to be used upstream.
   */
  'upstream_protocol_options'?: "explicit_http_config"|"use_downstream_protocol_config"|"auto_config";
}

/**
 * HttpProtocolOptions specifies Http upstream protocol options. This object
 * is used in
 * :ref:`typed_extension_protocol_options<envoy_v3_api_field_config.cluster.v3.Cluster.typed_extension_protocol_options>`,
 * keyed by the name ``envoy.extensions.upstreams.http.v3.HttpProtocolOptions``.
 * 
 * This controls what protocol(s) should be used for upstream and how said protocol(s) are configured.
 * 
 * This replaces the prior pattern of explicit protocol configuration directly
 * in the cluster. So a configuration like this, explicitly configuring the use of HTTP/2 upstream:
 * 
 * .. code::
 * 
 * clusters:
 * - name: some_service
 * connect_timeout: 5s
 * upstream_http_protocol_options:
 * auto_sni: true
 * common_http_protocol_options:
 * idle_timeout: 1s
 * http2_protocol_options:
 * max_concurrent_streams: 100
 * .... [further cluster config]
 * 
 * Would now look like this:
 * 
 * .. code::
 * 
 * clusters:
 * - name: some_service
 * connect_timeout: 5s
 * typed_extension_protocol_options:
 * envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
 * "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
 * upstream_http_protocol_options:
 * auto_sni: true
 * common_http_protocol_options:
 * idle_timeout: 1s
 * explicit_http_config:
 * http2_protocol_options:
 * max_concurrent_streams: 100
 * .... [further cluster config]
 * [#next-free-field: 8]
 */
export interface HttpProtocolOptions__Output {
  /**
   * This contains options common across HTTP/1 and HTTP/2
   */
  'common_http_protocol_options': (_envoy_config_core_v3_HttpProtocolOptions__Output | null);
  /**
   * This contains common protocol options which are only applied upstream.
   */
  'upstream_http_protocol_options': (_envoy_config_core_v3_UpstreamHttpProtocolOptions__Output | null);
  /**
   * To explicitly configure either HTTP/1 or HTTP/2 (but not both!) use ``explicit_http_config``.
   * If the ``explicit_http_config`` is empty, HTTP/1.1 is used.
   */
  'explicit_http_config'?: (_envoy_extensions_upstreams_http_v3_HttpProtocolOptions_ExplicitHttpConfig__Output | null);
  /**
   * This allows switching on protocol based on what protocol the downstream
   * connection used.
   */
  'use_downstream_protocol_config'?: (_envoy_extensions_upstreams_http_v3_HttpProtocolOptions_UseDownstreamHttpConfig__Output | null);
  /**
   * This allows switching on protocol based on ALPN
   */
  'auto_config'?: (_envoy_extensions_upstreams_http_v3_HttpProtocolOptions_AutoHttpConfig__Output | null);
  /**
   * .. note::
   * Upstream HTTP filters are currently in alpha.
   * 
   * Optional HTTP filters for the upstream HTTP filter chain.
   * 
   * These filters will be applied for all HTTP streams which flow through this
   * cluster. Unlike downstream HTTP filters, they will *not* be applied to terminated CONNECT requests.
   * 
   * If using upstream HTTP filters, please be aware that local errors sent by
   * upstream HTTP filters will not trigger retries, and local errors sent by
   * upstream HTTP filters will count as a final response if hedging is configured.
   * [#extension-category: envoy.filters.http.upstream]
   */
  'http_filters': (_envoy_extensions_filters_network_http_connection_manager_v3_HttpFilter__Output)[];
  /**
   * Configuration options for Unified Header Validation (UHV).
   * UHV is an extensible mechanism for checking validity of HTTP responses.
   * 
   * [#comment:TODO(yanavlasov): Make it a link to the default header validator doc when it becomes visible.]
   * Leaving this field unspecified, selects the default header validator ``envoy.http.header_validators.envoy_default``.
   * 
   * [#not-implemented-hide:]
   * [#extension-category: envoy.http.header_validators]
   */
  'header_validation_config': (_envoy_config_core_v3_TypedExtensionConfig__Output | null);
  /**
   * This controls the actual protocol to be used upstream.
   */
  'upstream_protocol_options'?: "explicit_http_config"|"use_downstream_protocol_config"|"auto_config";
}
