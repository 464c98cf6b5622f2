// App Mesh route matches as Envoy RouteMatch: paths, headers and gRPC metadata, query parameters, method and
// scheme (as `:method` / `:scheme` pseudo-header matchers). Port matches are not here: the port selects the
// virtual host (outbound) or filter chain (TCP) a route is rendered into.
import type {
  GrpcRouteMatch,
  HttpQueryParameter,
  HttpRouteHeader,
  HttpRouteMatch,
} from '../../model/specs/index.ts';
import type { HeaderMatcher, QueryParameterMatcher, RouteMatch } from './envoy-types.ts';

export function headerMatcher(header: HttpRouteHeader): HeaderMatcher {
  const result: HeaderMatcher = { name: header.name.toLowerCase() };
  const match = header.match;
  if (match?.exact != null) result.string_match = { exact: match.exact };
  else if (match?.prefix != null) result.string_match = { prefix: match.prefix };
  else if (match?.suffix != null) result.string_match = { suffix: match.suffix };
  else if (match?.regex != null) result.string_match = { safe_regex: { regex: match.regex } };
  else if (match?.range != null) result.range_match = { start: match.range.start, end: match.range.end };
  else result.present_match = true;
  if (header.invert === true) result.invert_match = true;
  return result;
}

export function queryParameterMatcher(parameter: HttpQueryParameter): QueryParameterMatcher {
  const exact = parameter.match?.exact;
  return exact != null
    ? { name: parameter.name, string_match: { exact } }
    : { name: parameter.name, present_match: true };
}

function pathSpecifier(match: HttpRouteMatch): RouteMatch {
  if (match.path?.exact != null) return { path: match.path.exact };
  if (match.path?.regex != null) return { safe_regex: { regex: match.path.regex } };
  return { prefix: match.prefix ?? '/' };
}

/** An http/http2 route match for Envoy and our sidecar. */
export function httpRouteMatch(match: HttpRouteMatch): RouteMatch {
  const result = pathSpecifier(match);
  const headers = (match.headers ?? []).map(headerMatcher);
  if (match.method != null) headers.push({ name: ':method', string_match: { exact: match.method } });
  if (match.scheme != null) headers.push({ name: ':scheme', string_match: { exact: match.scheme } });
  if (headers.length > 0) result.headers = headers;
  if (match.queryParameters?.length)
    result.query_parameters = match.queryParameters.map(queryParameterMatcher);
  return result;
}

/** A gRPC route match: the method path `/<service>/<method>`, or the service prefix, plus metadata headers. */
export function grpcRouteMatch(match: GrpcRouteMatch): RouteMatch {
  let result: RouteMatch;
  if (match.serviceName != null && match.methodName != null) {
    result = { path: `/${match.serviceName}/${match.methodName}` };
  } else if (match.serviceName != null) result = { prefix: `/${match.serviceName}/` };
  else result = { prefix: '/' };
  if (match.metadata?.length) result.headers = match.metadata.map(headerMatcher);
  return result;
}

/**
 * An http/http2 route match as a proxyless gRPC client can evaluate it, or undefined when no gRPC call can
 * match it: every call is a POST without query string, and the client does not see `:method` or `:scheme`.
 * The scheme condition is dropped (the client cannot tell) rather than the route.
 */
export function grpcClientHttpMatch(match: HttpRouteMatch): RouteMatch | undefined {
  if (match.queryParameters?.length) return undefined;
  if (match.method != null && match.method !== 'POST') return undefined;
  const result = pathSpecifier(match);
  if (match.headers?.length) result.headers = match.headers.map(headerMatcher);
  return result;
}
