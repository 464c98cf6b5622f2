// The order gateway routes are evaluated in (first match wins), by the rule ordinary routes follow
// (route-order.ts): priority ascending with unset last; then exact path, regex path, and prefixes longest first
// (App Mesh documents "longest prefix wins" for gateway routes); then more conditions first; then name.
import type { GatewayRouteSpec } from '../../model/specs/index.ts';
import { compareOrderKeys, type OrderKey } from './route-order.ts';

export interface OrderableGatewayRoute {
  readonly name: string;
  readonly spec: GatewayRouteSpec;
}

/** A match on the hostname alone covers every path, like the prefix '/'. */
function pathRank(spec: GatewayRouteSpec): [number, number] {
  const http = spec.httpRoute ?? spec.http2Route;
  if (http) {
    const match = http.match;
    if (match.path?.exact != null) return [0, -match.path.exact.length];
    if (match.path?.regex != null) return [1, -match.path.regex.length];
    return [2, -(match.prefix ?? '/').length];
  }
  const service = spec.grpcRoute?.match.serviceName;
  // A service name matches as the prefix `/<service>/`.
  return [2, service != null ? -(service.length + 2) : -1];
}

function conditionCount(spec: GatewayRouteSpec): number {
  const http = spec.httpRoute ?? spec.http2Route;
  if (http) {
    const m = http.match;
    return (
      (m.hostname != null ? 1 : 0) +
      (m.headers?.length ?? 0) +
      (m.queryParameters?.length ?? 0) +
      (m.method != null ? 1 : 0)
    );
  }
  const m = spec.grpcRoute?.match;
  return (m?.hostname != null ? 1 : 0) + (m?.metadata?.length ?? 0);
}

export function gatewayRouteOrderKey(route: OrderableGatewayRoute): OrderKey {
  return {
    name: route.name,
    priority: route.spec.priority ?? undefined,
    pathRank: pathRank(route.spec),
    conditions: conditionCount(route.spec),
  };
}

export function compareGatewayRoutes(a: OrderableGatewayRoute, b: OrderableGatewayRoute): number {
  return compareOrderKeys(gatewayRouteOrderKey(a), gatewayRouteOrderKey(b));
}
