// A gateway route rendered straight onto the provider of its target service: one Envoy route per route of
// the service's plan (the same plan the sidecar's outbound side renders), each matching what the gateway route
// matches and what the service route matches on the rewritten request, with the service route's clusters,
// weights, retries and timeouts plus the gateway route's rewrites.
import type { GatewayRouteSpec } from '../../model/specs/index.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import type { Route, RouteAction, RouteMatch } from './envoy-types.ts';
import { gatewayMatch, gatewayRewrite, gatewayTarget, type GatewayMatch } from './gateway-match.ts';
import type { MeshState } from './mesh-state.ts';
import { joinPaths, pathConditionOf, regexRewrite, throughRewrite } from './path-condition.ts';
import { sidecarRoute } from './route-action.ts';
import { httpFamilyPort, planService, type ResolvedTarget } from './service-plan.ts';

export interface GatewayRouteInput {
  readonly name: string;
  readonly spec: GatewayRouteSpec;
}

export interface ComposedGatewayRoute {
  /** In evaluation order; never empty. */
  readonly routes: Route[];
  /** Every target the routes send traffic to (their clusters must exist). */
  readonly targets: ResolvedTarget[];
  /** The virtual service the route targets. */
  readonly service: string;
}

function withMatchers(path: RouteMatch, gateway: GatewayMatch, service?: RouteMatch): RouteMatch {
  const headers = [...gateway.headers, ...(path.headers ?? []), ...(service?.headers ?? [])];
  const query = [...gateway.queryParameters, ...(service?.query_parameters ?? [])];
  const match: RouteMatch = { ...path };
  if (headers.length > 0) match.headers = headers;
  else delete match.headers;
  if (query.length > 0) match.query_parameters = query;
  return match;
}

/**
 * Renders `route`. Once it matches, App Mesh has committed the request to the target service, so a request
 * none of the service's routes take gets 404 here (as the service would answer) instead of falling through to
 * later gateway routes; a target service without a usable port gets 503, as for a missing cluster.
 */
export function composeGatewayRoute(
  state: MeshState,
  route: GatewayRouteInput,
  deps: ResourceCollector,
): ComposedGatewayRoute {
  const gateway = gatewayMatch(route.spec);
  const rewrite = gatewayRewrite(route.spec);
  const target = gatewayTarget(route.spec);
  const ownMatch = withMatchers(joinPaths(gateway.path, { kind: 'any' })!, gateway);
  const plan = planService(state, target.service, deps);
  const port = plan && httpFamilyPort(plan, target.port);
  if (!port) {
    return {
      routes: [{ name: route.name, match: ownMatch, direct_response: { status: 503 } }],
      targets: [],
      service: target.service,
    };
  }
  const routes: Route[] = [];
  const targets: ResolvedTarget[] = [];
  let coversAll = false;
  for (const planned of port.routes) {
    const rendered = sidecarRoute(planned);
    const serviceMatch = rendered.match!;
    const condition = throughRewrite(pathConditionOf(serviceMatch), rewrite.path);
    if (!condition) continue;
    const path = joinPaths(gateway.path, condition);
    if (!path) continue;
    const action: RouteAction = { ...rendered.route };
    if (rewrite.host != null) action.host_rewrite_literal = rewrite.host;
    const regex = regexRewrite(rewrite.path);
    if (regex) action.regex_rewrite = regex;
    routes.push({
      name: `${route.name}/${planned.name}`,
      match: withMatchers(path, gateway, serviceMatch),
      route: action,
    });
    targets.push(...planned.targets);
    // A service route with no condition of its own takes every request left; routes after it are dead.
    if (condition.kind === 'any' && !serviceMatch.headers?.length && !serviceMatch.query_parameters?.length) {
      coversAll = true;
      break;
    }
  }
  if (!coversAll) {
    routes.push({ name: `${route.name}/no_route`, match: ownMatch, direct_response: { status: 404 } });
  }
  return { routes, targets, service: target.service };
}
