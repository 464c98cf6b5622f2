// Rendering planned routes as Envoy routes: where the traffic goes (one cluster or weighted clusters), the
// timeouts, and the retry policy; in the sidecar form and the subset a proxyless gRPC client accepts.
import type { GrpcRetryPolicy, HttpRetryPolicy, HttpTimeout } from '../../model/specs/index.ts';
import { appMeshMillis, millisToDuration } from './durations.ts';
import type { Route, RouteAction } from './envoy-types.ts';
import { grpcClientRetryPolicy, sidecarRetryPolicy } from './retry-policy.ts';
import { grpcClientHttpMatch, grpcRouteMatch, httpRouteMatch } from './route-match.ts';
import type { PlannedRoute, ResolvedTarget } from './service-plan.ts';

/** App Mesh's per-request default (appmesh-spec §3.4): 15 s. */
export const defaultPerRequestMs = 15_000;

export interface WeightedClusterEntry {
  readonly name: string;
  readonly weight: number;
}

/** Targets merged by cluster (two targets may reach the same listener), in first-mention order. */
export function clusterWeights(targets: readonly ResolvedTarget[]): WeightedClusterEntry[] {
  const weights = new Map<string, number>();
  for (const t of targets) weights.set(t.clusterName, (weights.get(t.clusterName) ?? 0) + t.weight);
  return [...weights].map(([name, weight]) => ({ name, weight }));
}

/** `cluster` for a single destination, else `weighted_clusters` (weights are relative). */
export function clusterSpecifier(targets: readonly ResolvedTarget[]): RouteAction {
  const entries = clusterWeights(targets);
  if (entries.length === 1) return { cluster: entries[0]!.name };
  return {
    weighted_clusters: { clusters: entries.map(({ name, weight }) => ({ name, weight: { value: weight } })) },
  };
}

interface HttpFamilyRoute {
  readonly timeout?: HttpTimeout;
  readonly retryPolicy?: HttpRetryPolicy | GrpcRetryPolicy;
}

function httpFamily(route: PlannedRoute): HttpFamilyRoute {
  const variant = route.spec[route.type];
  return (variant ?? {}) as HttpFamilyRoute;
}

/** Per-request timeout in ms: the route's, else 15 s; 0 means disabled. */
export function perRequestMs(timeout: HttpTimeout | undefined): number {
  return timeout?.perRequest != null ? appMeshMillis(timeout.perRequest) : defaultPerRequestMs;
}

function routeMatch(route: PlannedRoute) {
  const spec = route.spec;
  if (spec.grpcRoute) return grpcRouteMatch(spec.grpcRoute.match);
  return httpRouteMatch((spec.httpRoute ?? spec.http2Route)!.match);
}

/** An http/http2/grpc route for Envoy and our sidecar. */
export function sidecarRoute(route: PlannedRoute): Route {
  const { timeout, retryPolicy } = httpFamily(route);
  const action: RouteAction = {
    ...clusterSpecifier(route.targets),
    timeout: millisToDuration(perRequestMs(timeout)),
    retry_policy: sidecarRetryPolicy(route.type, retryPolicy),
  };
  if (timeout?.idle != null) action.idle_timeout = millisToDuration(appMeshMillis(timeout.idle));
  return { name: route.name, match: routeMatch(route), route: action };
}

/**
 * The same route for a proxyless gRPC client, or undefined when no gRPC call could match it. grpc-js ignores
 * `timeout` and enforces `max_stream_duration` (xds.md §3.5), so both carry the per-request timeout.
 */
export function grpcClientRoute(route: PlannedRoute): Route | undefined {
  const spec = route.spec;
  const match = spec.grpcRoute
    ? grpcRouteMatch(spec.grpcRoute.match)
    : spec.httpRoute || spec.http2Route
      ? grpcClientHttpMatch((spec.httpRoute ?? spec.http2Route)!.match)
      : undefined;
  if (!match) return undefined;
  const { timeout, retryPolicy } = httpFamily(route);
  const limit = millisToDuration(perRequestMs(timeout));
  const action: RouteAction = {
    ...clusterSpecifier(route.targets),
    timeout: limit,
    max_stream_duration: { max_stream_duration: limit },
  };
  const retry = grpcClientRetryPolicy(retryPolicy);
  if (retry) action.retry_policy = retry;
  return { name: route.name, match, route: action };
}
