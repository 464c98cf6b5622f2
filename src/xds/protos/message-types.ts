// The Envoy message types Switchyard produces and consumes, re-exported from the generated code under short names.
export type { Listener, Listener__Output } from './generated/envoy/config/listener/v3/Listener.ts';
export type {
  RouteConfiguration,
  RouteConfiguration__Output,
} from './generated/envoy/config/route/v3/RouteConfiguration.ts';
export type { Cluster, Cluster__Output } from './generated/envoy/config/cluster/v3/Cluster.ts';
export type {
  ClusterLoadAssignment,
  ClusterLoadAssignment__Output,
} from './generated/envoy/config/endpoint/v3/ClusterLoadAssignment.ts';
export type { Secret, Secret__Output } from './generated/envoy/extensions/transport_sockets/tls/v3/Secret.ts';
export type {
  HttpConnectionManager,
  HttpConnectionManager__Output,
} from './generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager.ts';
export type { Router, Router__Output } from './generated/envoy/extensions/filters/http/router/v3/Router.ts';
export type {
  RBAC as RbacFilter,
  RBAC__Output as RbacFilter__Output,
} from './generated/envoy/extensions/filters/http/rbac/v3/RBAC.ts';
export type {
  ClusterConfig as AggregateClusterConfig,
  ClusterConfig__Output as AggregateClusterConfig__Output,
} from './generated/envoy/extensions/clusters/aggregate/v3/ClusterConfig.ts';
export type {
  UpstreamTlsContext,
  UpstreamTlsContext__Output,
} from './generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.ts';
export type {
  DownstreamTlsContext,
  DownstreamTlsContext__Output,
} from './generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.ts';
export type {
  TcpProxy,
  TcpProxy__Output,
} from './generated/envoy/extensions/filters/network/tcp_proxy/v3/TcpProxy.ts';
export type {
  FileAccessLog,
  FileAccessLog__Output,
} from './generated/envoy/extensions/access_loggers/file/v3/FileAccessLog.ts';
export type {
  StdoutAccessLog,
  StdoutAccessLog__Output,
} from './generated/envoy/extensions/access_loggers/stream/v3/StdoutAccessLog.ts';
export type {
  StderrAccessLog,
  StderrAccessLog__Output,
} from './generated/envoy/extensions/access_loggers/stream/v3/StderrAccessLog.ts';
export type {
  HttpProtocolOptions,
  HttpProtocolOptions__Output,
} from './generated/envoy/extensions/upstreams/http/v3/HttpProtocolOptions.ts';
export type {
  PreviousHostsPredicate,
  PreviousHostsPredicate__Output,
} from './generated/envoy/extensions/retry/host/previous_hosts/v3/PreviousHostsPredicate.ts';
export type {
  TlsInspector,
  TlsInspector__Output,
} from './generated/envoy/extensions/filters/listener/tls_inspector/v3/TlsInspector.ts';
export type {
  DiscoveryRequest,
  DiscoveryRequest__Output,
} from './generated/envoy/service/discovery/v3/DiscoveryRequest.ts';
export type {
  DiscoveryResponse,
  DiscoveryResponse__Output,
} from './generated/envoy/service/discovery/v3/DiscoveryResponse.ts';
export type {
  DeltaDiscoveryRequest,
  DeltaDiscoveryRequest__Output,
} from './generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.ts';
export type {
  DeltaDiscoveryResponse,
  DeltaDiscoveryResponse__Output,
} from './generated/envoy/service/discovery/v3/DeltaDiscoveryResponse.ts';
export type {
  Resource as DiscoveryResource,
  Resource__Output as DiscoveryResource__Output,
} from './generated/envoy/service/discovery/v3/Resource.ts';
export type { Node, Node__Output } from './generated/envoy/config/core/v3/Node.ts';
export type { Any, Any__Output } from './generated/google/protobuf/Any.ts';
export type {
  OpenTelemetryConfig,
  OpenTelemetryConfig__Output,
} from './generated/envoy/config/trace/v3/OpenTelemetryConfig.ts';
