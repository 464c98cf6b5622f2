// Resolves a virtual service into what every output form renders: its ports, each with its routes in
// App Mesh order and their weighted targets resolved to (virtual node, listener) pairs.
import { resourceKey } from '../../model/resource-key.ts';
import type { Listener, Protocol, RouteSpec, RouteType, WeightedTarget } from '../../model/specs/index.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import type { MeshState } from './mesh-state.ts';
import { egressClusterName } from './naming.ts';
import { compareRoutes } from './route-order.ts';

/** A weighted target resolved to the listener it reaches and that listener's egress cluster. */
export interface ResolvedTarget {
  readonly node: string;
  readonly listener: Listener;
  readonly clusterName: string;
  /** > 0: targets of weight 0 are dropped while planning. */
  readonly weight: number;
}

/** One App Mesh route (or the implicit route of a virtual-node provider) ready to render. */
export interface PlannedRoute {
  readonly name: string;
  readonly priority?: number;
  /** The route spec holding exactly one of httpRoute/http2Route/grpcRoute/tcpRoute. */
  readonly spec: RouteSpec;
  readonly type: RouteType;
  /** Never empty: a route none of whose targets resolves is left out of the plan. */
  readonly targets: readonly ResolvedTarget[];
}

export interface ServicePort {
  readonly port: number;
  readonly protocol: Protocol;
  /** In evaluation order (route-order.ts). */
  readonly routes: readonly PlannedRoute[];
}

export interface ServicePlan {
  readonly name: string;
  /** In the order the provider lists its listeners. */
  readonly ports: readonly ServicePort[];
}

const routeTypeOf: Readonly<Record<Protocol, RouteType>> = {
  http: 'httpRoute',
  http2: 'http2Route',
  grpc: 'grpcRoute',
  tcp: 'tcpRoute',
};

/**
 * The port a request without one means: 80 when the service has an HTTP-family port 80 (clients omit the
 * default port), else its first HTTP-family port.
 */
export function defaultHttpPort(ports: readonly ServicePort[]): number | undefined {
  const http = ports.filter((p) => p.protocol !== 'tcp');
  return (http.find((p) => p.port === 80) ?? http[0])?.port;
}

/** The HTTP-family port `port` of a plan, or its default one when no port is named. */
export function httpFamilyPort(plan: ServicePlan, port?: number): ServicePort | undefined {
  const wanted = port ?? defaultHttpPort(plan.ports);
  return plan.ports.find((p) => p.port === wanted && p.protocol !== 'tcp');
}

/** Plans `serviceName`, recording every record read; undefined if the service does not exist. */
export function planService(
  state: MeshState,
  serviceName: string,
  deps: ResourceCollector,
): ServicePlan | undefined {
  const meshName = state.mesh.meshName;
  deps.dependOn(resourceKey('virtualService', meshName, serviceName));
  const service = state.virtualServices.get(serviceName);
  if (!service) return undefined;
  const provider = service.spec.provider;
  if (provider?.virtualNode) {
    const nodeName = provider.virtualNode.virtualNodeName;
    return { name: serviceName, ports: planNodeProvider(state, nodeName, deps) };
  }
  if (provider?.virtualRouter) {
    return { name: serviceName, ports: planRouter(state, provider.virtualRouter.virtualRouterName, deps) };
  }
  return { name: serviceName, ports: [] };
}

/** A node provider: one catch-all route per node listener, to that listener (App Mesh generated the same). */
function planNodeProvider(state: MeshState, nodeName: string, deps: ResourceCollector): ServicePort[] {
  const meshName = state.mesh.meshName;
  deps.dependOn(resourceKey('virtualNode', meshName, nodeName));
  const node = state.virtualNodes.get(nodeName);
  if (!node) return [];
  return (node.spec.listeners ?? []).map((listener) => {
    const { port, protocol } = listener.portMapping;
    const target: ResolvedTarget = {
      node: nodeName,
      listener,
      clusterName: egressClusterName(meshName, nodeName, protocol, port),
      weight: 1,
    };
    const type = routeTypeOf[protocol];
    const spec = implicitRouteSpec(type, target);
    return { port, protocol, routes: [{ name: `${nodeName}_${port}`, spec, type, targets: [target] }] };
  });
}

function implicitRouteSpec(type: RouteType, target: ResolvedTarget): RouteSpec {
  const action = { weightedTargets: [{ virtualNode: target.node, weight: 1 }] };
  switch (type) {
    case 'httpRoute':
      return { httpRoute: { match: { prefix: '/' }, action } };
    case 'http2Route':
      return { http2Route: { match: { prefix: '/' }, action } };
    case 'grpcRoute':
      return { grpcRoute: { match: {}, action } };
    case 'tcpRoute':
      return { tcpRoute: { action } };
  }
}

function planRouter(state: MeshState, routerName: string, deps: ResourceCollector): ServicePort[] {
  const meshName = state.mesh.meshName;
  deps.dependOn(resourceKey('virtualRouter', meshName, routerName));
  const router = state.virtualRouters.get(routerName);
  if (!router) return [];
  const listeners = router.spec.listeners ?? [];
  const routes = state.routes.get(routerName) ?? [];
  for (const route of routes) deps.dependOn(route);
  return listeners.map(({ portMapping: { port, protocol } }) => {
    const planned: PlannedRoute[] = [];
    for (const record of routes) {
      const spec = record.spec;
      const type = routeTypeFor(spec);
      // A route of another protocol would produce a broken proxy config (roadmap #82), so it is left out.
      if (type !== routeTypeOf[protocol]) continue;
      const matchPort = spec[type]?.match?.port;
      if (matchPort != null ? matchPort !== port : listeners.length > 1) continue;
      const targets = resolveTargets(state, spec[type]?.action.weightedTargets ?? [], deps);
      if (targets.length === 0) continue;
      planned.push({ name: record.name, priority: spec.priority ?? undefined, spec, type, targets });
    }
    return { port, protocol, routes: planned.sort(compareRoutes) };
  });
}

export function routeTypeFor(spec: RouteSpec): RouteType {
  if (spec.httpRoute) return 'httpRoute';
  if (spec.http2Route) return 'http2Route';
  if (spec.grpcRoute) return 'grpcRoute';
  return 'tcpRoute';
}

/**
 * Weight-0 targets are dropped (they take no traffic and gRPC rejects a zero weight); a target whose node or
 * listener is missing is dropped too, so traffic goes to the targets that can serve it.
 */
export function resolveTargets(
  state: MeshState,
  targets: readonly WeightedTarget[],
  deps: ResourceCollector,
): ResolvedTarget[] {
  const meshName = state.mesh.meshName;
  const resolved: ResolvedTarget[] = [];
  for (const target of targets) {
    deps.dependOn(resourceKey('virtualNode', meshName, target.virtualNode));
    if (target.weight <= 0) continue;
    const node = state.virtualNodes.get(target.virtualNode);
    const listeners = node?.spec.listeners ?? [];
    const listener =
      target.port != null ? listeners.find((l) => l.portMapping.port === target.port) : listeners[0];
    if (!listener) continue;
    const { port, protocol } = listener.portMapping;
    resolved.push({
      node: target.virtualNode,
      listener,
      clusterName: egressClusterName(meshName, target.virtualNode, protocol, port),
      weight: target.weight,
    });
  }
  return resolved;
}
