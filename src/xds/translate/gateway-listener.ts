// One listener of a virtual gateway: its port, an HTTP connection manager whose route configuration holds the
// gateway routes for that listener in evaluation order, and a final 404 for requests no gateway route takes.
import type { GatewayRouteType, VirtualGatewayListener } from '../../model/specs/index.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import type { AccessLog, Route } from './envoy-types.ts';
import type { GatewayRouteInput } from './gateway-routes.ts';
import { composeGatewayRoute } from './gateway-routes.ts';
import { httpConnectionManagerFilter, sidecarHttpConnectionManager } from './http-connection-manager.ts';
import { listenerTlsPlan, tlsFilterChains, tlsInspectorFilter } from './listener-tls.ts';
import { sdsSecretNames } from './tls-context.ts';
import type { MeshSecurity } from './mesh-security.ts';
import type { MeshState } from './mesh-state.ts';
import { ingressListenerName, ingressRouteConfigName, ingressStatPrefix } from './naming.ts';
import type { ResolvedTarget } from './service-plan.ts';
import { toStruct } from './struct-value.ts';

export interface GatewayListenerContext {
  readonly state: MeshState;
  readonly gatewayName: string;
  readonly listenHost: string;
  readonly listenerCount: number;
  readonly accessLog: AccessLog[];
  readonly security: MeshSecurity;
  /** Filled in: the virtual service each reached cluster was reached through (its TLS server name). */
  readonly serviceOfCluster: Map<string, string>;
}

/** Where a gateway listener's App Mesh settings that Envoy has no field for travel (listener metadata). */
export const gatewayListenerMetadataKey = 'switchyard.virtual_gateway_listener';

const routeTypeOf: Readonly<Record<VirtualGatewayListener['portMapping']['protocol'], GatewayRouteType>> = {
  http: 'httpRoute',
  http2: 'http2Route',
  grpc: 'grpcRoute',
};

function routeTypeOfSpec(route: GatewayRouteInput): GatewayRouteType {
  if (route.spec.httpRoute) return 'httpRoute';
  if (route.spec.http2Route) return 'http2Route';
  return 'grpcRoute';
}

function portOfMatch(route: GatewayRouteInput): number | undefined {
  const spec = route.spec;
  return (spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute)?.match.port ?? undefined;
}

/**
 * The gateway routes a listener serves: those of its protocol that name its port, or, on a gateway with one
 * listener, those naming no port (App Mesh requires the port when there are several).
 */
export function routesForListener(
  ordered: readonly GatewayRouteInput[],
  listener: VirtualGatewayListener,
  listenerCount: number,
): GatewayRouteInput[] {
  const { port, protocol } = listener.portMapping;
  return ordered.filter((route) => {
    if (routeTypeOfSpec(route) !== routeTypeOf[protocol]) return false;
    const matchPort = portOfMatch(route);
    return matchPort != null ? matchPort === port : listenerCount === 1;
  });
}

/**
 * Adds the listener and its route configuration; returns the targets its routes reach. The listener's `tls`
 * becomes TLS filter chains (listener-tls.ts); the mesh-wide mTLS switch leaves gateway listeners alone, as
 * their clients are outside the mesh. The health check has no place in an Envoy listener and is carried in its
 * metadata for the gateway proxy.
 */
export function addGatewayListener(
  context: GatewayListenerContext,
  listener: VirtualGatewayListener,
  ordered: readonly GatewayRouteInput[],
  out: ResourceCollector,
  index: number,
): ResolvedTarget[] {
  const { port, protocol } = listener.portMapping;
  const routes: Route[] = [];
  const targets: ResolvedTarget[] = [];
  for (const route of routesForListener(ordered, listener, context.listenerCount)) {
    const composed = composeGatewayRoute(context.state, route, out);
    routes.push(...composed.routes);
    targets.push(...composed.targets);
    for (const target of composed.targets) {
      if (!context.serviceOfCluster.has(target.clusterName)) {
        context.serviceOfCluster.set(target.clusterName, composed.service);
      }
    }
  }
  // Answered here rather than by Envoy's implicit 404 so the proxy counts it as a route like any other.
  routes.push({ name: 'no_gateway_route', match: { prefix: '/' }, direct_response: { status: 404 } });
  const routeConfigName = ingressRouteConfigName(protocol, port);
  out.addRouteConfiguration({
    name: routeConfigName,
    virtual_hosts: [{ name: `${context.gatewayName}_${protocol}_${port}`, domains: ['*'], routes }],
  });
  const hcm = sidecarHttpConnectionManager(
    ingressStatPrefix(protocol, port, context.listenerCount),
    routeConfigName,
    context.accessLog,
  );
  // Host names are matched without the port the client may have put in the authority.
  hcm.strip_any_host_port = true;
  const tls = listenerTlsPlan(
    listener.tls,
    protocol,
    {
      security: context.security,
      kind: 'virtualGateway',
      meshName: context.state.mesh.meshName,
      name: context.gatewayName,
    },
    false,
  );
  for (const name of sdsSecretNames(tls?.context.common_tls_context)) {
    out.referSecret(name, `spec.listeners[${index}].tls`);
  }
  const healthCheck = listener.healthCheck ?? undefined;
  out.addListener({
    name: ingressListenerName(context.listenHost, port),
    address: { socket_address: { address: context.listenHost, port_value: port } },
    traffic_direction: 'INBOUND',
    ...(tls ? { listener_filters: [tlsInspectorFilter()] } : {}),
    filter_chains: tlsFilterChains(
      { name: `ingress_${protocol}_${port}`, filters: [httpConnectionManagerFilter(hcm)] },
      tls,
    ),
    ...(healthCheck
      ? { metadata: { filter_metadata: { [gatewayListenerMetadataKey]: toStruct({ healthCheck }) } } }
      : {}),
  });
  return targets;
}
