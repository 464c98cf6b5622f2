// The spec shape of every resource kind, and the spec types the rest of Switchyard reads.

import type { Shape } from '../shape.ts';
import type { KindName } from '../resource-kinds.ts';
import { gatewayRouteSpecShape, type GatewayRouteSpec } from './gateway-route.ts';
import { meshSpecShape, type MeshSpec } from './mesh.ts';
import { routeSpecShape, type RouteSpec } from './route.ts';
import { virtualGatewaySpecShape, type VirtualGatewaySpec } from './virtual-gateway.ts';
import { virtualNodeSpecShape, type VirtualNodeSpec } from './virtual-node.ts';
import { virtualRouterSpecShape, type VirtualRouterSpec } from './virtual-router.ts';
import { virtualServiceSpecShape, type VirtualServiceSpec } from './virtual-service.ts';
import { trafficPermissionSpecShape, type TrafficPermissionSpec } from './traffic-permission.ts';

/** The spec type of each kind: what a spec is once it passed `specShapes[kind]`. */
export interface SpecByKind {
  readonly mesh: MeshSpec;
  readonly virtualService: VirtualServiceSpec;
  readonly virtualNode: VirtualNodeSpec;
  readonly virtualRouter: VirtualRouterSpec;
  readonly route: RouteSpec;
  readonly virtualGateway: VirtualGatewaySpec;
  readonly gatewayRoute: GatewayRouteSpec;
  readonly trafficPermission: TrafficPermissionSpec;
}

export type SpecOf<K extends KindName> = SpecByKind[K];

/** Validate a request's spec with `validate(specShapes[kind], body.spec, 'spec')`. */
export const specShapes: { readonly [K in KindName]: Shape<SpecOf<K>> } = {
  mesh: meshSpecShape,
  virtualService: virtualServiceSpecShape,
  virtualNode: virtualNodeSpecShape,
  virtualRouter: virtualRouterSpecShape,
  route: routeSpecShape,
  virtualGateway: virtualGatewaySpecShape,
  gatewayRoute: gatewayRouteSpecShape,
  trafficPermission: trafficPermissionSpecShape,
};

export type {
  Duration,
  GatewayPortMapping,
  GatewayProtocol,
  IpPreference,
  PortMapping,
  Protocol,
} from './common.ts';
export type {
  GatewayRouteHostnameMatch,
  HeaderMatchMethod,
  HttpMethod,
  HttpPathMatch,
  HttpQueryParameter,
  HttpRouteHeader,
  MatchRange,
} from './match.ts';
export type {
  ClientPolicy,
  ClientPolicyTls,
  ListenerTls,
  SubjectAlternativeNames,
  TlsMode,
  TlsValidationContext,
} from './tls.ts';
export type {
  GrpcTimeout,
  HttpTimeout,
  ListenerTimeout,
  Logging,
  LoggingFormat,
  OutlierDetection,
  TcpTimeout,
  VirtualGatewayConnectionPool,
  VirtualNodeConnectionPool,
} from './listener-parts.ts';
export type { EgressFilter, MeshSpec } from './mesh.ts';
export type { VirtualServiceProvider, VirtualServiceSpec } from './virtual-service.ts';
export type {
  Backend,
  BackendDefaults,
  HealthCheckPolicy,
  Listener,
  ServiceDiscovery,
  VirtualNodeSpec,
} from './virtual-node.ts';
export type { VirtualRouterListener, VirtualRouterSpec } from './virtual-router.ts';
export type {
  GrpcRetryPolicy,
  GrpcRoute,
  GrpcRouteMatch,
  HttpRetryPolicy,
  HttpRoute,
  HttpRouteMatch,
  RouteAction,
  RouteSpec,
  RouteType,
  TcpRoute,
  WeightedTarget,
} from './route.ts';
export type {
  VirtualGatewayHealthCheckPolicy,
  VirtualGatewayListener,
  VirtualGatewaySpec,
} from './virtual-gateway.ts';
export type {
  GatewayRouteSpec,
  GatewayRouteTarget,
  GatewayRouteType,
  GrpcGatewayRoute,
  GrpcGatewayRouteMatch,
  HttpGatewayRoute,
  HttpGatewayRouteMatch,
  HttpGatewayRouteRewrite,
} from './gateway-route.ts';
export type { TrafficAllow, TrafficPermissionSpec, TrafficSource } from './traffic-permission.ts';
export { gatewayRouteTypes } from './gateway-route.ts';
export { routeTypes } from './route.ts';
export { protocols, gatewayProtocols } from './common.ts';
