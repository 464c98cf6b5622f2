// RouteConfiguration (decoded protobuf object) → RouteTableConfig, validating everything the data path relies on.
import type { RetryPolicy__Output } from '../../xds/protos/generated/envoy/config/route/v3/RetryPolicy.ts';
import type { Route__Output } from '../../xds/protos/generated/envoy/config/route/v3/Route.ts';
import type { RouteAction__Output } from '../../xds/protos/generated/envoy/config/route/v3/RouteAction.ts';
import type { RouteMatch__Output } from '../../xds/protos/generated/envoy/config/route/v3/RouteMatch.ts';
import type { VirtualHost__Output } from '../../xds/protos/generated/envoy/config/route/v3/VirtualHost.ts';
import { extensionTypeUrls } from '../../xds/protos/index.ts';
import type { RouteConfiguration__Output } from '../../xds/protos/index.ts';
import { Violations } from './config-error.ts';
import { refuseRbacPerRoute } from './decode-rbac.ts';
import { boolValue, deepFreeze, durationMs, uint32Value } from './duration.ts';
import { decodeHeaderMatcher } from './header-matcher.ts';
import type { HeaderMatcher } from './header-matcher.ts';
import { PathMatcher } from './path-matcher.ts';
import { compileRegex } from './regex.ts';
import { RetryOn } from './route-types.ts';
import type {
  ClusterWeight,
  DirectResponseAction,
  ForwardAction,
  HostRewrite,
  QueryParameterMatcher,
  RetryPolicyConfig,
  RouteConfig,
  RouteMatchConfig,
  RouteTableConfig,
  VirtualHostConfig,
} from './route-types.ts';
import { decodeStringMatcher } from './string-matcher.ts';

export const defaultRouteTimeoutMs = 15_000;
export const defaultBufferLimitBytes = 64 * 1024;

const retryOnTokens: Readonly<Record<string, number>> = {
  '5xx': RetryOn.fiveXx,
  'gateway-error': RetryOn.gatewayError,
  reset: RetryOn.reset,
  'reset-before-request': RetryOn.reset,
  'connect-failure': RetryOn.connectFailure,
  'refused-stream': RetryOn.refusedStream,
  'retriable-4xx': RetryOn.retriable4xx,
  'retriable-status-codes': RetryOn.retriableStatusCodes,
  cancelled: RetryOn.grpcCancelled,
  'deadline-exceeded': RetryOn.grpcDeadlineExceeded,
  internal: RetryOn.grpcInternal,
  'resource-exhausted': RetryOn.grpcResourceExhausted,
  unavailable: RetryOn.grpcUnavailable,
};
// Valid in Envoy but without effect here (no rate limiting headers or HTTP/3 upstreams).
const acceptedWithoutEffect = new Set([
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
]);

/** Re-picks beyond this are pointless: the cluster scans for an untried host after them anyway. */
const maxHostSelectionAttempts = 100;

/** retry_host_predicate / host_selection_retry_max_attempts; only `previous_hosts` is implemented. */
function decodeHostPredicates(
  p: RetryPolicy__Output,
  path: string,
  v: Violations,
): { avoidPreviousHosts: boolean; hostSelectionMaxAttempts: number } {
  let avoidPreviousHosts = false;
  p.retry_host_predicate.forEach((predicate, i) => {
    // Envoy picks the extension by the typed config's type; the name is only a label.
    const typeUrl = predicate.typed_config?.type_url;
    if (typeUrl === extensionTypeUrls.previousHostsPredicate) avoidPreviousHosts = true;
    else
      v.add(
        `${path}.retry_host_predicate[${i}]`,
        `unsupported retry host predicate "${typeUrl ?? predicate.name}" (only previous_hosts is implemented)`,
      );
  });
  const raw = p.host_selection_retry_max_attempts;
  const attempts = Number(raw);
  if (!Number.isSafeInteger(attempts) || attempts < 0) {
    v.add(`${path}.host_selection_retry_max_attempts`, `must be a non-negative integer, got "${raw}"`);
    return { avoidPreviousHosts, hostSelectionMaxAttempts: 1 };
  }
  // Envoy: unset (0) means one re-pick.
  return {
    avoidPreviousHosts,
    hostSelectionMaxAttempts: Math.min(Math.max(attempts, 1), maxHostSelectionAttempts),
  };
}

export function decodeRetryPolicy(p: RetryPolicy__Output, path: string, v: Violations): RetryPolicyConfig {
  let retryOn = 0;
  const tokens: string[] = [];
  for (const raw of p.retry_on.split(',')) {
    const token = raw.trim();
    if (token === '') continue;
    tokens.push(token);
    const bit = retryOnTokens[token];
    if (bit !== undefined) retryOn |= bit;
    else if (!acceptedWithoutEffect.has(token))
      v.add(`${path}.retry_on`, `unknown retry condition "${token}"`);
  }
  const baseMs = durationMs(p.retry_back_off?.base_interval) ?? 25;
  const maxMs = durationMs(p.retry_back_off?.max_interval) ?? baseMs * 10;
  if (p.retry_back_off !== null && baseMs <= 0)
    v.add(`${path}.retry_back_off.base_interval`, 'must be greater than 0');
  if (maxMs < baseMs)
    v.add(`${path}.retry_back_off.max_interval`, 'must be greater than or equal to base_interval');
  const perTry = durationMs(p.per_try_timeout);
  const perTryIdle = durationMs(p.per_try_idle_timeout);
  return {
    retryOn,
    retryOnTokens: tokens,
    numRetries: uint32Value(p.num_retries) ?? 1,
    perTryTimeoutMs: perTry === 0 ? undefined : perTry,
    perTryIdleTimeoutMs: perTryIdle === 0 ? undefined : perTryIdle,
    backOffBaseMs: baseMs,
    backOffMaxMs: maxMs,
    retriableStatusCodes: new Set(p.retriable_status_codes),
    ...decodeHostPredicates(p, path, v),
  };
}

function decodeMatch(
  m: RouteMatch__Output | null,
  path: string,
  v: Violations,
): RouteMatchConfig | undefined {
  if (m === null) {
    v.add(path, 'is required');
    return undefined;
  }
  const caseSensitive = boolValue(m.case_sensitive) ?? true;
  let pathMatcher: PathMatcher | undefined;
  switch (m.path_specifier) {
    case 'prefix':
      pathMatcher = new PathMatcher('prefix', m.prefix ?? '', caseSensitive);
      break;
    case 'path':
      pathMatcher = new PathMatcher('path', m.path ?? '', caseSensitive);
      break;
    case 'path_separated_prefix': {
      const value = m.path_separated_prefix ?? '';
      if (value.endsWith('/') || /[?#]/.test(value))
        v.add(`${path}.path_separated_prefix`, 'must not contain ? or # nor end with /');
      pathMatcher = new PathMatcher('separated_prefix', value, caseSensitive);
      break;
    }
    case 'safe_regex': {
      const compiled = compileRegex(m.safe_regex?.regex ?? '', true);
      if (compiled.ok)
        pathMatcher = new PathMatcher('regex', m.safe_regex?.regex ?? '', true, compiled.regex);
      else v.add(`${path}.safe_regex.regex`, compiled.message);
      break;
    }
    default:
      v.add(path, `unsupported path specifier ${m.path_specifier ?? '(none)'}`);
  }
  const headers: HeaderMatcher[] = [];
  m.headers.forEach((h, i) => {
    const decoded = decodeHeaderMatcher(h, `${path}.headers[${i}]`, v);
    if (decoded !== undefined) headers.push(decoded);
  });
  const queryParameters: QueryParameterMatcher[] = [];
  m.query_parameters.forEach((q, i) => {
    const qPath = `${path}.query_parameters[${i}]`;
    if (q.name === '') v.add(`${qPath}.name`, 'must not be empty');
    if (q.query_parameter_match_specifier === 'string_match') {
      const value = decodeStringMatcher(q.string_match, `${qPath}.string_match`, v);
      queryParameters.push({ name: q.name, value, present: true });
    } else {
      queryParameters.push({ name: q.name, value: undefined, present: q.present_match ?? true });
    }
  });
  if (pathMatcher === undefined) return undefined;
  return { path: pathMatcher, headers, queryParameters, grpcOnly: m.grpc !== null };
}

function decodeForward(
  a: RouteAction__Output,
  match: RouteMatch__Output | null,
  vhostRetry: RetryPolicy__Output | null,
  bufferLimitBytes: number,
  path: string,
  v: Violations,
): ForwardAction {
  let clusters: ClusterWeight[] = [];
  let weightHeader: string | undefined;
  switch (a.cluster_specifier) {
    case 'cluster':
      if ((a.cluster ?? '') === '') v.add(`${path}.cluster`, 'must not be empty');
      clusters = [{ name: a.cluster ?? '', weight: 1 }];
      break;
    case 'weighted_clusters': {
      const wc = a.weighted_clusters;
      clusters = (wc?.clusters ?? []).map((c, i) => {
        if (c.name === '') v.add(`${path}.weighted_clusters.clusters[${i}].name`, 'must not be empty');
        refuseRbacPerRoute(c.typed_per_filter_config, `${path}.weighted_clusters.clusters[${i}]`, v);
        return { name: c.name, weight: uint32Value(c.weight) ?? 0 };
      });
      if (clusters.length === 0)
        v.add(`${path}.weighted_clusters.clusters`, 'must have at least one cluster');
      else if (clusters.every((c) => c.weight === 0))
        v.add(`${path}.weighted_clusters.clusters`, 'the sum of weights must be greater than 0');
      weightHeader = wc?.header_name?.toLowerCase();
      break;
    }
    default:
      v.add(path, `unsupported cluster specifier ${a.cluster_specifier ?? '(none)'}`);
  }
  const retry = a.retry_policy ?? vhostRetry;
  const retryPolicy = retry === null ? undefined : decodeRetryPolicy(retry, `${path}.retry_policy`, v);
  let hostRewrite: HostRewrite = { kind: 'none' };
  if (a.host_rewrite_specifier === 'host_rewrite_literal')
    hostRewrite = { kind: 'literal', host: a.host_rewrite_literal ?? '' };
  else if (a.host_rewrite_specifier === 'auto_host_rewrite' && boolValue(a.auto_host_rewrite) === true)
    hostRewrite = { kind: 'auto' };
  let regexRewrite: ForwardAction['regexRewrite'];
  if (a.regex_rewrite !== null) {
    const compiled = compileRegex(a.regex_rewrite.pattern?.regex ?? '', false);
    if (!compiled.ok) v.add(`${path}.regex_rewrite.pattern.regex`, compiled.message);
    else
      regexRewrite = {
        pattern: new RegExp(compiled.regex.source, `${compiled.regex.flags}g`),
        substitution: a.regex_rewrite.substitution.replace(/\\(\d)/g, '$$$1'),
      };
  }
  if (a.prefix_rewrite !== '' && match !== null && match.path_specifier === 'safe_regex')
    v.add(`${path}.prefix_rewrite`, 'cannot be used with a safe_regex match');
  return {
    kind: 'forward',
    clusters,
    totalWeight: clusters.reduce((sum, c) => sum + c.weight, 0),
    weightHeader,
    timeoutMs: durationMs(a.timeout) ?? defaultRouteTimeoutMs,
    idleTimeoutMs: durationMs(a.idle_timeout),
    retryPolicy,
    prefixRewrite: a.prefix_rewrite === '' ? undefined : a.prefix_rewrite,
    regexRewrite,
    hostRewrite,
    bufferLimitBytes,
  };
}

function decodeRoute(
  r: Route__Output,
  vh: VirtualHost__Output,
  path: string,
  v: Violations,
): RouteConfig | undefined {
  const match = decodeMatch(r.match, `${path}.match`, v);
  refuseRbacPerRoute(r.typed_per_filter_config, path, v);
  const bufferLimitBytes =
    uint32Value(r.per_request_buffer_limit_bytes) ??
    uint32Value(vh.per_request_buffer_limit_bytes) ??
    defaultBufferLimitBytes;
  let action: ForwardAction | DirectResponseAction | undefined;
  if (r.action === 'route' && r.route) {
    action = decodeForward(r.route, r.match, vh.retry_policy, bufferLimitBytes, `${path}.route`, v);
  } else if (r.action === 'direct_response' && r.direct_response) {
    const d = r.direct_response;
    if (d.status < 200 || d.status > 599) v.add(`${path}.direct_response.status`, 'must be in [200, 600)');
    const body = d.body;
    let text = '';
    if (body?.specifier === 'inline_string') text = body.inline_string ?? '';
    else if (body?.specifier === 'inline_bytes') text = Buffer.from(body.inline_bytes ?? []).toString();
    else if (body !== null && body.specifier !== undefined)
      v.add(`${path}.direct_response.body`, `unsupported data source ${body.specifier}`);
    action = { kind: 'direct', status: d.status, body: text };
  } else {
    v.add(path, `unsupported route action ${r.action ?? '(none)'}`);
  }
  if (match === undefined || action === undefined) return undefined;
  return { name: r.name, match, action };
}

function decodeVirtualHost(vh: VirtualHost__Output, path: string, v: Violations): VirtualHostConfig {
  if (vh.name === '') v.add(`${path}.name`, 'must not be empty');
  if (vh.domains.length === 0) v.add(`${path}.domains`, 'must have at least one domain');
  refuseRbacPerRoute(vh.typed_per_filter_config, path, v);
  const routes: RouteConfig[] = [];
  vh.routes.forEach((r, i) => {
    const decoded = decodeRoute(r, vh, `${path}.routes[${i}]`, v);
    if (decoded !== undefined) routes.push(decoded);
  });
  return { name: vh.name, domains: vh.domains.map((d) => d.toLowerCase()), routes };
}

/** Throws ConfigError listing every violation; the result is deeply frozen. */
export function decodeRouteConfiguration(rc: RouteConfiguration__Output): RouteTableConfig {
  const v = new Violations();
  const virtualHosts = rc.virtual_hosts.map((vh, i) => decodeVirtualHost(vh, `virtual_hosts[${i}]`, v));
  refuseRbacPerRoute(rc.typed_per_filter_config, 'route_config', v);
  const seen = new Map<string, string>();
  virtualHosts.forEach((vh, i) => {
    for (const domain of vh.domains) {
      const other = seen.get(domain);
      if (other !== undefined)
        v.add(`virtual_hosts[${i}].domains`, `domain "${domain}" is already used by virtual host "${other}"`);
      else seen.set(domain, vh.name);
      if (domain !== '*' && domain.indexOf('*') !== domain.lastIndexOf('*'))
        v.add(`virtual_hosts[${i}].domains`, `domain "${domain}" has more than one wildcard`);
      else if (domain.length > 1 && domain.includes('*') && !domain.startsWith('*') && !domain.endsWith('*'))
        v.add(`virtual_hosts[${i}].domains`, `domain "${domain}" has a wildcard in the middle`);
    }
  });
  v.throwIfAny(`RouteConfiguration "${rc.name}"`);
  return deepFreeze({
    name: rc.name,
    virtualHosts,
    ignorePortInHostMatching: rc.ignore_port_in_host_matching,
  });
}
