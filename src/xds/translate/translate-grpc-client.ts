// Proxyless gRPC translation: the resources a grpc-js-xds channel to `xds:///<service>[:<port>]` needs, using
// only what gRPC accepts (xds.md §3, §6.8). A gRPC client has no virtual node, so any service may be named.
import { extensionTypeUrls } from '../protos/index.ts';
import { ResourceCollector, type EnvoyResources } from './envoy-resources.ts';
import type { Route } from './envoy-types.ts';
import { grpcClientHttpConnectionManager } from './http-connection-manager.ts';
import type { EndpointsByNode, MeshState } from './mesh-state.ts';
import { grpcRouteConfigName } from './naming.ts';
import { grpcClientRoute } from './route-action.ts';
import { httpFamilyPort, planService, type PlannedRoute } from './service-plan.ts';
import { addTargetClusters } from './target-clusters.ts';
import { packTyped } from './typed-config.ts';

/** `svc:8080` → service `svc`, port 8080; `svc` → no port. */
export function parseGrpcListenerName(listenerName: string): { service: string; port?: number } {
  const match = /^(.+):(\d{1,5})$/.exec(listenerName);
  return match ? { service: match[1]!, port: Number(match[2]) } : { service: listenerName };
}

/**
 * Translates the Listener a gRPC client asked for. Without a port: the service's first grpc port, else its
 * default HTTP-family port (80 if it has one, else the first). An unknown service or port yields no resources; routes no gRPC call can
 * match (query parameters, a method other than POST) are left out, as are TCP ports.
 */
export function translateGrpcClient(
  state: MeshState,
  listenerName: string,
  endpoints: EndpointsByNode,
): EnvoyResources {
  const out = new ResourceCollector();
  out.dependOn(state.mesh);
  const { service, port: requestedPort } = parseGrpcListenerName(listenerName);
  const plan = planService(state, service, out);
  if (!plan) return out.finish();
  const port = httpFamilyPort(plan, requestedPort ?? plan.ports.find((p) => p.protocol === 'grpc')?.port);
  if (!port) return out.finish();
  const routes: Route[] = [];
  const used: PlannedRoute[] = [];
  for (const planned of port.routes) {
    const route = grpcClientRoute(planned);
    if (!route) continue;
    routes.push(route);
    used.push(planned);
  }
  for (const planned of used) addTargetClusters(planned.targets, endpoints, 'grpcClient', out);
  const routeConfigName = grpcRouteConfigName(service, port.port);
  out.addRouteConfiguration({
    name: routeConfigName,
    virtual_hosts: [
      { name: service, domains: [...new Set([listenerName, `${service}:${port.port}`])], routes },
    ],
  });
  out.addListener({
    name: listenerName,
    api_listener: {
      api_listener: packTyped(
        extensionTypeUrls.httpConnectionManager,
        grpcClientHttpConnectionManager(routeConfigName),
      ),
    },
  });
  return out.finish();
}
