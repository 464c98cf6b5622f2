// Type URLs of the xDS resources and of the extensions embedded in them, with the message type each one carries.
import type * as m from './message-types.ts';

const prefix = 'type.googleapis.com/';

/** Top-level xDS resource types (LDS, RDS, CDS, EDS, SDS). */
export const typeUrls = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  routeConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  clusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

/** Messages that travel inside another resource's Any (filters, cluster types, transport sockets). */
export const extensionTypeUrls = {
  httpConnectionManager:
    'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  aggregateCluster: 'type.googleapis.com/envoy.extensions.clusters.aggregate.v3.ClusterConfig',
  upstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  downstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  tcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  fileAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
  stdoutAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  stderrAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  previousHostsPredicate:
    'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  tlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  rbac: 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC',
  openTelemetryTracer: 'type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig',
} as const;

export type ResourceTypeUrl = (typeof typeUrls)[keyof typeof typeUrls];

/** Input ("permissive") message shape per known type URL, for packing. */
export interface InputMessages {
  'type.googleapis.com/envoy.config.listener.v3.Listener': m.Listener;
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': m.RouteConfiguration;
  'type.googleapis.com/envoy.config.cluster.v3.Cluster': m.Cluster;
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': m.ClusterLoadAssignment;
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': m.Secret;
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager': m.HttpConnectionManager;
  'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router': m.Router;
  'type.googleapis.com/envoy.extensions.clusters.aggregate.v3.ClusterConfig': m.AggregateClusterConfig;
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext': m.UpstreamTlsContext;
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext': m.DownstreamTlsContext;
  'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy': m.TcpProxy;
  'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog': m.FileAccessLog;
  'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog': m.StdoutAccessLog;
  'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog': m.StderrAccessLog;
  'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions': m.HttpProtocolOptions;
  'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate': m.PreviousHostsPredicate;
  'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector': m.TlsInspector;
  'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC': m.RbacFilter;
  'type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig': m.OpenTelemetryConfig;
}

/** Decoded ("restricted") message shape per known type URL, for unpacking. */
export interface OutputMessages {
  'type.googleapis.com/envoy.config.listener.v3.Listener': m.Listener__Output;
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': m.RouteConfiguration__Output;
  'type.googleapis.com/envoy.config.cluster.v3.Cluster': m.Cluster__Output;
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': m.ClusterLoadAssignment__Output;
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': m.Secret__Output;
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager': m.HttpConnectionManager__Output;
  'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router': m.Router__Output;
  'type.googleapis.com/envoy.extensions.clusters.aggregate.v3.ClusterConfig': m.AggregateClusterConfig__Output;
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext': m.UpstreamTlsContext__Output;
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext': m.DownstreamTlsContext__Output;
  'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy': m.TcpProxy__Output;
  'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog': m.FileAccessLog__Output;
  'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog': m.StdoutAccessLog__Output;
  'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog': m.StderrAccessLog__Output;
  'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions': m.HttpProtocolOptions__Output;
  'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate': m.PreviousHostsPredicate__Output;
  'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector': m.TlsInspector__Output;
  'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC': m.RbacFilter__Output;
  'type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig': m.OpenTelemetryConfig__Output;
}

export type KnownTypeUrl = keyof InputMessages;

/** `type.googleapis.com/a.b.C` → `a.b.C`; any host prefix is accepted, as the Any spec allows. */
export function messageNameOf(typeUrl: string): string {
  const slash = typeUrl.lastIndexOf('/');
  if (slash < 0 || slash === typeUrl.length - 1) throw new Error(`malformed type URL "${typeUrl}"`);
  return typeUrl.slice(slash + 1);
}

/** `a.b.C` → `type.googleapis.com/a.b.C`. */
export function typeUrlOf(messageName: string): string {
  return prefix + messageName;
}
