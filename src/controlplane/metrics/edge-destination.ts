// Names a pair's destination in App Mesh terms from the Envoy names the translation emitted (naming.ts,
// outbound-listener.ts, gateway-routes.ts) and the mesh's current resources.
import { gatewayTarget } from '../../xds/translate/gateway-match.ts';
import type { MeshState } from '../../xds/translate/mesh-state.ts';
import type { SeriesLabels } from './metrics-window.ts';

export interface EdgeDestination {
  readonly virtualServiceName?: string;
  readonly virtualRouterName?: string;
  readonly routeName?: string;
  readonly virtualNodeName?: string;
}

const protocols = '(?:http|http2|grpc|tcp)';

/** The target virtual node of `cds_egress_<mesh>_<node>_<protocol>_<port>`; undefined for passthrough. */
export function targetNodeOf(meshName: string, cluster: string): string | undefined {
  const prefix = `cds_egress_${meshName}_`;
  if (!cluster.startsWith(prefix)) return undefined;
  const m = new RegExp(`^(.+)_${protocols}_\\d+$`).exec(cluster.slice(prefix.length));
  return m?.[1];
}

/** A sidecar's egress virtual host is `<service>_<port>`. */
function serviceOfVirtualHost(state: MeshState | undefined, virtualHost: string): string | undefined {
  const m = /^(.+)_\d+$/.exec(virtualHost);
  if (!m) return undefined;
  return state === undefined || state.virtualServices.has(m[1]!) ? m[1] : undefined;
}

/** A gateway's route is `<gatewayRoute>/<service route>`: the gateway route names the service. */
function serviceOfGatewayRoute(
  state: MeshState | undefined,
  gatewayName: string,
  route: string,
): { service: string; serviceRoute: string } | undefined {
  const slash = route.indexOf('/');
  if (slash < 0 || state === undefined) return undefined;
  const gatewayRouteName = route.slice(0, slash);
  const record = state.gatewayRoutes.get(gatewayName)?.find((r) => r.name === gatewayRouteName);
  if (record === undefined) return undefined;
  return { service: gatewayTarget(record.spec).service, serviceRoute: route.slice(slash + 1) };
}

export function destinationOf(state: MeshState | undefined, labels: SeriesLabels): EdgeDestination {
  const node = targetNodeOf(labels.meshName, labels.cluster);
  let service: string | undefined;
  let serviceRoute: string | undefined;
  if (labels.sourceKind === 'virtualGateway') {
    const found = serviceOfGatewayRoute(state, labels.sourceName, labels.route);
    service = found?.service;
    serviceRoute = found?.serviceRoute;
  } else {
    service = serviceOfVirtualHost(state, labels.virtualHost);
    serviceRoute = labels.route;
  }
  const provider = service === undefined ? undefined : state?.virtualServices.get(service)?.spec.provider;
  const router = provider?.virtualRouter?.virtualRouterName ?? undefined;
  // Only a router's routes are App Mesh routes; a node provider's route is the translation's own.
  const routeName =
    router !== undefined && serviceRoute && state?.routes.get(router)?.some((r) => r.name === serviceRoute)
      ? serviceRoute
      : undefined;
  return {
    ...(service !== undefined ? { virtualServiceName: service } : {}),
    ...(router !== undefined ? { virtualRouterName: router } : {}),
    ...(routeName !== undefined ? { routeName } : {}),
    ...(node !== undefined ? { virtualNodeName: node } : {}),
  };
}
