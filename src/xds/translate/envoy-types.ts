// The Envoy message shapes translation builds, named for readability (type-only views of the generated protos).
export type {
  Cluster,
  ClusterLoadAssignment,
  FileAccessLog,
  HttpConnectionManager,
  Listener,
  RouteConfiguration,
  Secret,
  TcpProxy,
} from '../protos/index.ts';
export type { Route } from '../protos/generated/envoy/config/route/v3/Route.ts';
export type { RouteMatch } from '../protos/generated/envoy/config/route/v3/RouteMatch.ts';
export type { RouteAction } from '../protos/generated/envoy/config/route/v3/RouteAction.ts';
export type { RetryPolicy } from '../protos/generated/envoy/config/route/v3/RetryPolicy.ts';
export type { HeaderMatcher } from '../protos/generated/envoy/config/route/v3/HeaderMatcher.ts';
export type { QueryParameterMatcher } from '../protos/generated/envoy/config/route/v3/QueryParameterMatcher.ts';
export type { VirtualHost } from '../protos/generated/envoy/config/route/v3/VirtualHost.ts';
export type { WeightedCluster } from '../protos/generated/envoy/config/route/v3/WeightedCluster.ts';
export type { HealthCheck } from '../protos/generated/envoy/config/core/v3/HealthCheck.ts';
export type { Duration } from '../protos/generated/google/protobuf/Duration.ts';
export type { AccessLog } from '../protos/generated/envoy/config/accesslog/v3/AccessLog.ts';
export type { FilterChain } from '../protos/generated/envoy/config/listener/v3/FilterChain.ts';
export type { Filter } from '../protos/generated/envoy/config/listener/v3/Filter.ts';
export type { CircuitBreakers } from '../protos/generated/envoy/config/cluster/v3/CircuitBreakers.ts';
export type { OutlierDetection } from '../protos/generated/envoy/config/cluster/v3/OutlierDetection.ts';
export type { LocalityLbEndpoints } from '../protos/generated/envoy/config/endpoint/v3/LocalityLbEndpoints.ts';
export type { LbEndpoint } from '../protos/generated/envoy/config/endpoint/v3/LbEndpoint.ts';
export type { SubstitutionFormatString } from '../protos/generated/envoy/config/core/v3/SubstitutionFormatString.ts';
export type { Struct } from '../protos/generated/google/protobuf/Struct.ts';
