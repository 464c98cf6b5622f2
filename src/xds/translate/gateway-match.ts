// A gateway route's match and rewrite in Envoy terms: its path condition, the header and query parameter
// matchers of everything else it matches on (hostname as `:authority`, headers, method, gRPC metadata), and
// what it rewrites (path, and Host to the target service name unless disabled).
import type {
  GatewayRouteHostnameMatch,
  GatewayRouteSpec,
  HttpGatewayRoute,
} from '../../model/specs/index.ts';
import type { HeaderMatcher, QueryParameterMatcher } from './envoy-types.ts';
import { anyPath, prefixCondition, type PathCondition, type PathRewrite } from './path-condition.ts';
import { headerMatcher, queryParameterMatcher } from './route-match.ts';

export interface GatewayMatch {
  readonly path: PathCondition;
  readonly headers: readonly HeaderMatcher[];
  readonly queryParameters: readonly QueryParameterMatcher[];
}

export interface GatewayRewrite {
  readonly path: PathRewrite;
  /** The Host / `:authority` sent upstream; undefined keeps the client's. */
  readonly host?: string;
}

/**
 * Host names compare case-insensitively. The gateway's connection manager strips any port from the
 * authority before routing, so `example.com:8080` matches `example.com`.
 */
function hostnameMatcher(hostname: GatewayRouteHostnameMatch): HeaderMatcher {
  return hostname.exact != null
    ? { name: ':authority', string_match: { exact: hostname.exact, ignore_case: true } }
    : { name: ':authority', string_match: { suffix: hostname.suffix, ignore_case: true } };
}

function httpRouteOf(spec: GatewayRouteSpec): HttpGatewayRoute | undefined {
  return spec.httpRoute ?? spec.http2Route ?? undefined;
}

export function gatewayMatch(spec: GatewayRouteSpec): GatewayMatch {
  const http = httpRouteOf(spec);
  if (http) {
    const m = http.match;
    const headers: HeaderMatcher[] = [];
    if (m.hostname != null) headers.push(hostnameMatcher(m.hostname));
    headers.push(...(m.headers ?? []).map(headerMatcher));
    if (m.method != null) headers.push({ name: ':method', string_match: { exact: m.method } });
    let path = anyPath;
    if (m.path?.exact != null) path = { kind: 'exact', value: m.path.exact };
    else if (m.path?.regex != null) path = { kind: 'regex', value: m.path.regex };
    else if (m.prefix != null) path = prefixCondition(m.prefix);
    return { path, headers, queryParameters: (m.queryParameters ?? []).map(queryParameterMatcher) };
  }
  const m = spec.grpcRoute!.match;
  const headers: HeaderMatcher[] = [];
  if (m.hostname != null) headers.push(hostnameMatcher(m.hostname));
  headers.push(...(m.metadata ?? []).map(headerMatcher));
  // Every call of a service has the path `/<service>/<method>`.
  const path = m.serviceName != null ? prefixCondition(`/${m.serviceName}/`) : anyPath;
  return { path, headers, queryParameters: [] };
}

/** The service a gateway route sends its requests to, and the port named, if any. */
export function gatewayTarget(spec: GatewayRouteSpec): { service: string; port?: number } {
  const target = (httpRouteOf(spec) ?? spec.grpcRoute)!.action.target;
  return { service: target.virtualService.virtualServiceName, port: target.port ?? undefined };
}

/**
 * App Mesh's defaults when `rewrite` leaves them out (appmesh-spec §3.7): the Host becomes the target service
 * name, and a matched prefix other than '/' is replaced by '/'.
 */
export function gatewayRewrite(spec: GatewayRouteSpec): GatewayRewrite {
  const { service } = gatewayTarget(spec);
  const http = httpRouteOf(spec);
  const hostname = (http ?? spec.grpcRoute)!.action.rewrite?.hostname;
  const host = hostname?.defaultTargetHostname === 'DISABLED' ? undefined : service;
  if (!http) return { path: { kind: 'none' }, host };
  const rewrite = http.action.rewrite;
  const prefix = http.match.prefix;
  if (rewrite?.path != null) return { path: { kind: 'exact', path: rewrite.path.exact }, host };
  if (prefix != null) {
    const replacement =
      rewrite?.prefix?.value ?? (rewrite?.prefix?.defaultPrefix === 'DISABLED' ? undefined : '/');
    // Replacing '/' by '/' changes nothing, so no rewrite is rendered for it.
    if (replacement != null && !(prefix === '/' && replacement === '/')) {
      return { path: { kind: 'prefix', matched: prefix, replacement }, host };
    }
  }
  return { path: { kind: 'none' }, host };
}
