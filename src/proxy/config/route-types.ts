// The proxy's own, immutable route configuration: what an Envoy RouteConfiguration decodes into.
import type { HeaderMatcher } from './header-matcher.ts';
import type { PathMatcher } from './path-matcher.ts';
import type { StringMatcher } from './string-matcher.ts';

/** `retry_on` tokens as bits, so the hot path tests a mask instead of parsing strings. */
export const RetryOn = {
  fiveXx: 1 << 0,
  gatewayError: 1 << 1,
  reset: 1 << 2,
  connectFailure: 1 << 3,
  refusedStream: 1 << 4,
  retriable4xx: 1 << 5,
  retriableStatusCodes: 1 << 6,
  grpcCancelled: 1 << 7,
  grpcDeadlineExceeded: 1 << 8,
  grpcInternal: 1 << 9,
  grpcResourceExhausted: 1 << 10,
  grpcUnavailable: 1 << 11,
} as const;

export interface RetryPolicyConfig {
  readonly retryOn: number;
  readonly retryOnTokens: readonly string[];
  readonly numRetries: number;
  readonly perTryTimeoutMs: number | undefined;
  readonly perTryIdleTimeoutMs: number | undefined;
  readonly backOffBaseMs: number;
  readonly backOffMaxMs: number;
  readonly retriableStatusCodes: ReadonlySet<number>;
  /** Envoy's `previous_hosts` retry host predicate: a retry re-picks while it lands on a host already tried. */
  readonly avoidPreviousHosts: boolean;
  /** host_selection_retry_max_attempts: re-picks per retry before the cluster falls back (Envoy default 1). */
  readonly hostSelectionMaxAttempts: number;
}

export interface QueryParameterMatcher {
  readonly name: string;
  /** undefined: the parameter only has to be present. */
  readonly value: StringMatcher | undefined;
  readonly present: boolean;
}

export interface RouteMatchConfig {
  readonly path: PathMatcher;
  readonly headers: readonly HeaderMatcher[];
  readonly queryParameters: readonly QueryParameterMatcher[];
  readonly grpcOnly: boolean;
}

export interface ClusterWeight {
  readonly name: string;
  readonly weight: number;
}

export type HostRewrite =
  { readonly kind: 'none' } | { readonly kind: 'literal'; readonly host: string } | { readonly kind: 'auto' };

export interface RegexRewrite {
  readonly pattern: RegExp;
  readonly substitution: string;
}

export interface ForwardAction {
  readonly kind: 'forward';
  /** One entry for `cluster`, several for `weighted_clusters`; `totalWeight` is their sum. */
  readonly clusters: readonly ClusterWeight[];
  readonly totalWeight: number;
  /** Header supplying the random value for the weighted pick (`weighted_clusters.header_name`). */
  readonly weightHeader: string | undefined;
  /** 0 disables the route timeout. */
  readonly timeoutMs: number;
  /** undefined: the connection manager's stream idle timeout applies; 0 disables. */
  readonly idleTimeoutMs: number | undefined;
  readonly retryPolicy: RetryPolicyConfig | undefined;
  readonly prefixRewrite: string | undefined;
  readonly regexRewrite: RegexRewrite | undefined;
  readonly hostRewrite: HostRewrite;
  readonly bufferLimitBytes: number;
}

export interface DirectResponseAction {
  readonly kind: 'direct';
  readonly status: number;
  readonly body: string;
}

export interface RouteConfig {
  readonly name: string;
  readonly match: RouteMatchConfig;
  readonly action: ForwardAction | DirectResponseAction;
}

export interface VirtualHostConfig {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly RouteConfig[];
}

export interface RouteTableConfig {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHostConfig[];
  readonly ignorePortInHostMatching: boolean;
}
