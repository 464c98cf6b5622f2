// Listener (decoded protobuf object) → ListenerConfig: address, and an HTTP connection manager or a TCP proxy.
import type { FilterChain__Output } from '../../xds/protos/generated/envoy/config/listener/v3/FilterChain.ts';
import type { AccessLog__Output } from '../../xds/protos/generated/envoy/config/accesslog/v3/AccessLog.ts';
import { extensionTypeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { HttpConnectionManager__Output, Listener__Output } from '../../xds/protos/index.ts';
import { ConfigError, Violations } from './config-error.ts';
import { decodeAccessLogs } from './decode-access-log.ts';
import { decodeDownstreamTls, tlsTransportSocketName } from './decode-downstream-tls.ts';
import { decodeRbacFilter, rbacFilterName, rbacHcmContext, rbacTypeUrl } from './decode-rbac.ts';
import { decodeRouteConfiguration } from './decode-route-configuration.ts';
import { deepFreeze, durationMs, uint32Value } from './duration.ts';
import type {
  ForwardClientCertConfig,
  HttpConnectionManagerConfig,
  ListenerConfig,
  RouteSource,
  TcpProxyConfig,
} from './listener-types.ts';
import type { RbacFilterConfig } from './rbac-types.ts';
import type { RouteTableConfig } from './route-types.ts';
import type { DownstreamTlsConfig } from './tls-types.ts';

const defaultStreamIdleTimeoutMs = 300_000;
const defaultConnectionIdleTimeoutMs = 3_600_000;
const defaultDrainTimeoutMs = 5_000;
/** Envoy disables the header timeout by default; a slowloris client is why we do not (node:http's default). */
const defaultRequestHeadersTimeoutMs = 60_000;
/** Envoy's default is 2^31-1; its edge hardening guide (and nghttp2 servers) use 100. */
const defaultMaxConcurrentStreams = 100;
/** Envoy's listener_filters_timeout default. */
const defaultListenerFiltersTimeoutMs = 15_000;
/** Envoy has no per-listener limit unless runtime sets one; ours bounds a flood well below common fd limits. */
export const defaultMaxConnectionsPerListener = 10_000;

interface TcpProxyOutput {
  stat_prefix: string;
  cluster?: string;
  weighted_clusters?: { clusters: { name: string; weight: number }[] } | null;
  cluster_specifier?: string;
  idle_timeout: { seconds: string; nanos: number } | null;
  access_log: AccessLog__Output[];
}

function decodeHcm(
  h: HttpConnectionManager__Output,
  path: string,
  v: Violations,
): HttpConnectionManagerConfig {
  if (h.stat_prefix === '') v.add(`${path}.stat_prefix`, 'must not be empty');
  let routes: RouteSource | undefined;
  if (h.route_specifier === 'rds') {
    const name = h.rds?.route_config_name ?? '';
    if (name === '') v.add(`${path}.rds.route_config_name`, 'must not be empty');
    routes = { kind: 'rds', name };
  } else if (h.route_specifier === 'route_config' && h.route_config) {
    let table: RouteTableConfig | undefined;
    try {
      table = decodeRouteConfiguration(h.route_config);
    } catch (cause) {
      if (!(cause instanceof ConfigError)) throw cause;
      for (const violation of cause.violations)
        v.add(
          `${path}.route_config.${violation.split(': ')[0]}`,
          violation.slice(violation.indexOf(': ') + 2),
        );
    }
    if (table) routes = { kind: 'inline', table };
  } else {
    v.add(path, `unsupported route specifier ${h.route_specifier ?? '(none)'}`);
  }
  const rbac: RbacFilterConfig[] = [];
  let routerSeen = false;
  h.http_filters.forEach((f, i) => {
    if (f.typed_config?.type_url === extensionTypeUrls.router || f.name === 'envoy.filters.http.router')
      routerSeen = true;
    else if (f.typed_config?.type_url === rbacTypeUrl || f.name === rbacFilterName) {
      const at = `${path}.http_filters[${i}]`;
      if (routerSeen) v.add(at, 'must come before the router (the terminal filter)');
      const decoded = decodeRbacFilter(f, rbacHcmContext(h), at, v);
      if (decoded !== undefined) rbac.push(decoded);
    }
    // Refusing other filters beats silently skipping what they would enforce.
    else v.add(`${path}.http_filters`, `unsupported HTTP filter "${f.name}"`);
  });
  const escapedSlashes = h.path_with_escaped_slashes_action ?? 'IMPLEMENTATION_SPECIFIC_DEFAULT';
  // Envoy's default keeps %2F and %5C as they are; the rejecting, unescaping and redirecting actions are not built.
  if (escapedSlashes !== 'IMPLEMENTATION_SPECIFIC_DEFAULT' && escapedSlashes !== 'KEEP_UNCHANGED')
    v.add(`${path}.path_with_escaped_slashes_action`, `unsupported action ${escapedSlashes}`);
  const maxHeadersCount = h.common_http_protocol_options?.max_headers_count?.value ?? 100;
  if (maxHeadersCount < 1)
    v.add(`${path}.common_http_protocol_options.max_headers_count`, 'must be at least 1');
  return {
    kind: 'http',
    statPrefix: h.stat_prefix,
    codec: h.codec_type === 'HTTP1' || h.codec_type === 'HTTP2' ? h.codec_type : 'AUTO',
    routes: routes ?? { kind: 'rds', name: '' },
    streamIdleTimeoutMs: durationMs(h.stream_idle_timeout) ?? defaultStreamIdleTimeoutMs,
    requestTimeoutMs: durationMs(h.request_timeout) ?? 0,
    idleTimeoutMs: durationMs(h.common_http_protocol_options?.idle_timeout) ?? defaultConnectionIdleTimeoutMs,
    requestHeadersTimeoutMs: durationMs(h.request_headers_timeout) ?? defaultRequestHeadersTimeoutMs,
    maxConcurrentStreams: decodeMaxConcurrentStreams(h, path, v),
    drainTimeoutMs: durationMs(h.drain_timeout) ?? defaultDrainTimeoutMs,
    stripAnyHostPort: h.strip_any_host_port === true,
    stripMatchingHostPort: h.strip_matching_host_port === true,
    normalizePath: h.normalize_path?.value === true,
    mergeSlashes: h.merge_slashes === true,
    maxHeadersCount,
    forwardClientCert: decodeForwardClientCert(h),
    accessLogs: decodeAccessLogs(h.access_log, `${path}.access_log`, v),
    ...(rbac.length === 0 ? {} : { rbac }),
  };
}

function decodeForwardClientCert(h: HttpConnectionManager__Output): ForwardClientCertConfig {
  const d = h.set_current_client_cert_details;
  return {
    // Envoy's default: x-forwarded-client-cert never reaches the upstream unless the config says so.
    mode: h.forward_client_cert_details ?? 'SANITIZE',
    subject: d?.subject?.value === true,
    uri: d?.uri === true,
    dns: d?.dns === true,
    cert: d?.cert === true,
    chain: d?.chain === true,
  };
}

function decodeMaxConcurrentStreams(h: HttpConnectionManager__Output, path: string, v: Violations): number {
  const n = uint32Value(h.http2_protocol_options?.max_concurrent_streams);
  if (n === undefined) return defaultMaxConcurrentStreams;
  if (n < 1 || n > 2_147_483_647)
    v.add(`${path}.http2_protocol_options.max_concurrent_streams`, 'must be between 1 and 2147483647');
  return n;
}

interface StructNumber {
  readonly numberValue?: number;
  readonly number_value?: number;
}

/** `metadata.filter_metadata.switchyard.max_connections`: Envoy takes this limit from runtime, which xDS lacks. */
function decodeMaxConnections(l: Listener__Output, v: Violations): number {
  const meta = l.metadata?.filter_metadata?.['switchyard'] as
    { fields?: Record<string, StructNumber> } | undefined;
  const value = meta?.fields?.['max_connections'];
  if (value === undefined) return defaultMaxConnectionsPerListener;
  const n = value.numberValue ?? value.number_value;
  if (n === undefined || !Number.isInteger(n) || n < 1) {
    v.add('metadata.filter_metadata.switchyard.max_connections', 'must be a positive integer');
    return defaultMaxConnectionsPerListener;
  }
  return n;
}

function decodeTcpProxy(t: TcpProxyOutput, path: string, v: Violations): TcpProxyConfig {
  if (t.stat_prefix === '') v.add(`${path}.stat_prefix`, 'must not be empty');
  let clusters: { name: string; weight: number }[] = [];
  if (t.cluster_specifier === 'cluster') clusters = [{ name: t.cluster ?? '', weight: 1 }];
  else if (t.cluster_specifier === 'weighted_clusters')
    clusters = (t.weighted_clusters?.clusters ?? []).map((c) => ({ name: c.name, weight: c.weight }));
  if (clusters.length === 0 || clusters.some((c) => c.name === ''))
    v.add(path, 'needs a cluster or weighted_clusters with named clusters');
  const totalWeight = clusters.reduce((s, c) => s + c.weight, 0);
  if (clusters.length > 0 && totalWeight === 0)
    v.add(`${path}.weighted_clusters`, 'weights must not all be 0');
  return {
    kind: 'tcp',
    statPrefix: t.stat_prefix,
    clusters,
    totalWeight,
    idleTimeoutMs: durationMs(t.idle_timeout) ?? 3_600_000,
    accessLogs: decodeAccessLogs(t.access_log, `${path}.access_log`, v),
  };
}

function pickFilterChain(l: Listener__Output): FilterChain__Output | null {
  // Sidecar listeners carry one chain; with several, the match-all one (or the default) serves.
  const matchAll = l.filter_chains.find((c) => c.filter_chain_match === null);
  return matchAll ?? l.default_filter_chain ?? l.filter_chains[0] ?? null;
}

/** The filter_chain_match fields set besides transport_protocol (none of which a TLS listener here can honour). */
function otherMatchFields(c: FilterChain__Output): string[] {
  const m = c.filter_chain_match;
  if (m === null) return [];
  const set: [boolean, string][] = [
    [m.prefix_ranges.length > 0, 'prefix_ranges'],
    [m.address_suffix !== '', 'address_suffix'],
    [m.suffix_len !== null, 'suffix_len'],
    [m.source_prefix_ranges.length > 0, 'source_prefix_ranges'],
    [m.source_ports.length > 0, 'source_ports'],
    [m.destination_port !== null, 'destination_port'],
    [m.application_protocols.length > 0, 'application_protocols'],
    [m.server_names.length > 0, 'server_names'],
    [m.source_type !== 'ANY', 'source_type'],
    [m.direct_source_prefix_ranges.length > 0, 'direct_source_prefix_ranges'],
  ];
  return set.filter(([isSet]) => isSet).map(([, field]) => field);
}

interface ChosenChain {
  readonly chain: FilterChain__Output | null;
  readonly tls: DownstreamTlsConfig | undefined;
}

/**
 * The chain that serves, and the TLS it terminates. With a TLS chain, App Mesh's shapes are the only ones taken:
 * STRICT (the TLS chain alone) or PERMISSIVE (plus one plaintext chain with the same filters, told apart by
 * transport_protocol). Any other split (SNI, ALPN or address matches, different filters per chain) would need
 * chain selection this proxy does not do, so it is refused rather than served with the wrong chain.
 */
function chooseChain(l: Listener__Output, v: Violations): ChosenChain {
  const all = l.filter_chains.map((chain, i) => ({ chain, path: `filter_chains[${i}]` }));
  if (l.default_filter_chain) all.push({ chain: l.default_filter_chain, path: 'default_filter_chain' });
  const secure = all.filter((c) => c.chain.transport_socket !== null);
  if (secure.length === 0) return { chain: pickFilterChain(l), tls: undefined };
  if (secure.length > 1) v.add('filter_chains', 'only one filter chain may terminate TLS');
  const plain = all.filter((c) => c.chain.transport_socket === null);
  if (plain.length > 1)
    v.add('filter_chains', 'beside a TLS chain, at most one plaintext chain is supported');
  const tlsChain = secure[0]!;
  const tlsProtocol = tlsChain.chain.filter_chain_match?.transport_protocol ?? '';
  if (tlsProtocol !== '' && tlsProtocol !== 'tls')
    v.add(`${tlsChain.path}.filter_chain_match.transport_protocol`, 'must be "tls" on the TLS chain');
  for (const { chain, path } of all)
    for (const field of otherMatchFields(chain))
      v.add(`${path}.filter_chain_match.${field}`, 'is not supported on a listener that terminates TLS');
  const plainChain = plain[0];
  if (plainChain !== undefined) {
    const plainProtocol = plainChain.chain.filter_chain_match?.transport_protocol ?? '';
    if (plainProtocol !== '' && plainProtocol !== 'raw_buffer')
      v.add(`${plainChain.path}.filter_chain_match.transport_protocol`, 'must be "raw_buffer" or unset');
    if (plainProtocol === '' && tlsProtocol === '')
      v.add(
        'filter_chains',
        'the TLS and the plaintext chain need transport_protocol matches to be told apart',
      );
    // One connection manager serves both; different filters per chain would be a policy we could not keep.
    if (JSON.stringify(plainChain.chain.filters) !== JSON.stringify(tlsChain.chain.filters))
      v.add(`${plainChain.path}.filters`, "must be the same as the TLS chain's (PERMISSIVE)");
  }
  const socket = tlsChain.chain.transport_socket!;
  const at = `${tlsChain.path}.transport_socket`;
  if (
    socket.name !== tlsTransportSocketName &&
    socket.typed_config?.type_url !== extensionTypeUrls.downstreamTlsContext
  )
    v.add(at, `unsupported transport socket "${socket.name}"`);
  const tls = decodeDownstreamTls(socket, plainChain === undefined ? 'STRICT' : 'PERMISSIVE', at, v);
  return { chain: tlsChain.chain, tls };
}

/** Throws ConfigError listing every violation; the result is deeply frozen. */
export function decodeListener(l: Listener__Output): ListenerConfig {
  const v = new Violations();
  if (l.name === '') v.add('name', 'must not be empty');
  const sock = l.address?.socket_address;
  if (l.address?.address !== 'socket_address' || !sock) v.add('address', 'a socket_address is required');
  else if (sock.protocol !== 'TCP') v.add('address.socket_address.protocol', 'only TCP is supported');
  if (sock && sock.port_specifier !== 'port_value') v.add('address.socket_address', 'port_value is required');
  const { chain, tls } = chooseChain(l, v);
  let filter: HttpConnectionManagerConfig | TcpProxyConfig | undefined;
  if (chain === null || chain.filters.length === 0) {
    v.add('filter_chains', 'at least one filter chain with a network filter is required');
  } else {
    const last = chain.filters[chain.filters.length - 1];
    const at = `filter_chains.filters[${chain.filters.length - 1}].typed_config`;
    const any = last?.typed_config;
    if (!any) v.add(at, 'is required');
    else {
      try {
        if (any.type_url === extensionTypeUrls.httpConnectionManager)
          filter = decodeHcm(unpackAny(any, extensionTypeUrls.httpConnectionManager), at, v);
        else if (any.type_url === extensionTypeUrls.tcpProxy)
          filter = decodeTcpProxy(unpackAny(any) as TcpProxyOutput, at, v);
        else v.add(at, `unsupported network filter ${any.type_url}`);
      } catch (cause) {
        if (cause instanceof ConfigError) throw cause;
        v.add(at, (cause as Error).message);
      }
    }
  }
  const accessLogs = decodeAccessLogs(l.access_log, 'access_log', v);
  const listenerFiltersTimeoutMs = durationMs(l.listener_filters_timeout) ?? defaultListenerFiltersTimeoutMs;
  const maxConnections = decodeMaxConnections(l, v);
  v.throwIfAny(`Listener "${l.name}"`);
  return deepFreeze({
    name: l.name,
    host: sock?.address ?? '',
    port: sock?.port_value ?? 0,
    filter: filter as HttpConnectionManagerConfig | TcpProxyConfig,
    accessLogs,
    listenerFiltersTimeoutMs,
    maxConnections,
    ...(tls === undefined ? {} : { tls }),
  });
}
