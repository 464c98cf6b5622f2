// The order routes are evaluated in (first match wins). App Mesh documents only "priority 0 is highest", so:
//   1. explicit priority ascending; routes without a priority after all that have one;
//   2. then the more specific path first: exact path, then regex path, then prefixes longest first
//      (gRPC: service+method, then service only, then match-all);
//   3. then the route with more conditions first (headers, query parameters, method, scheme / metadata),
//      since it can only narrow the same path;
//   4. then route name, so equal routes always come out in the same order.
import type { RouteSpec } from '../../model/specs/index.ts';

interface Orderable {
  readonly name: string;
  readonly priority?: number;
  readonly spec: RouteSpec;
}

/** Sort key of rule 2: [kind rank, -length]; smaller sorts first. */
function pathRank(spec: RouteSpec): [number, number] {
  const http = spec.httpRoute ?? spec.http2Route;
  if (http) {
    const match = http.match;
    if (match.path?.exact != null) return [0, -match.path.exact.length];
    if (match.path?.regex != null) return [1, -match.path.regex.length];
    return [2, -(match.prefix ?? '/').length];
  }
  if (spec.grpcRoute) {
    const match = spec.grpcRoute.match;
    if (match.methodName != null) return [0, 0];
    if (match.serviceName != null) return [1, -match.serviceName.length];
    return [2, 0];
  }
  return [2, 0];
}

function conditionCount(spec: RouteSpec): number {
  const http = spec.httpRoute ?? spec.http2Route;
  if (http) {
    const m = http.match;
    return (
      (m.headers?.length ?? 0) +
      (m.queryParameters?.length ?? 0) +
      (m.method != null ? 1 : 0) +
      (m.scheme != null ? 1 : 0)
    );
  }
  return spec.grpcRoute?.match.metadata?.length ?? 0;
}

/** What ordering looks at, so routes and gateway routes share one rule. */
export interface OrderKey {
  readonly name: string;
  readonly priority?: number;
  /** Rule 2: [kind rank, -length]; smaller sorts first. */
  readonly pathRank: readonly [number, number];
  /** Rule 3. */
  readonly conditions: number;
}

export function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  const pa = a.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa < pb ? -1 : 1;
  const [ka, la] = a.pathRank;
  const [kb, lb] = b.pathRank;
  if (ka !== kb) return ka - kb;
  if (la !== lb) return la - lb;
  if (a.conditions !== b.conditions) return b.conditions - a.conditions;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function orderKey(route: Orderable): OrderKey {
  return {
    name: route.name,
    priority: route.priority,
    pathRank: pathRank(route.spec),
    conditions: conditionCount(route.spec),
  };
}

export function compareRoutes(a: Orderable, b: Orderable): number {
  return compareOrderKeys(orderKey(a), orderKey(b));
}
