// App Mesh retry policies as Envoy RetryPolicy: event mapping, App Mesh's hidden default policy, and the
// subset a proxyless gRPC client honours.
import type { GrpcRetryPolicy, HttpRetryPolicy, RouteType } from '../../model/specs/index.ts';
import { extensionTypeUrls } from '../protos/index.ts';
import { appMeshDuration, appMeshMillis, millisToDuration } from './durations.ts';
import type { RetryPolicy } from './envoy-types.ts';
import { packTyped } from './typed-config.ts';

/** App Mesh event → Envoy `retry_on` tokens (xds.md §5.2; appmesh-spec §3.5). */
export const retryEventTokens: Readonly<Record<string, readonly string[]>> = {
  // App Mesh documents that server and gateway errors also retry an upstream reset; `5xx` already does.
  'server-error': ['5xx'],
  'gateway-error': ['gateway-error', 'reset'],
  'client-error': ['retriable-4xx'],
  'stream-error': ['refused-stream'],
  'connection-error': ['connect-failure'],
  cancelled: ['cancelled'],
  'deadline-exceeded': ['deadline-exceeded'],
  internal: ['internal'],
  'resource-exhausted': ['resource-exhausted'],
  unavailable: ['unavailable'],
};

/** The tokens grpc-js-xds acts on; it ignores every HTTP token (xds.md §3.5). */
export const grpcRetryTokens: readonly string[] = [
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
];

/** Envoy's default back-off, stated explicitly so every consumer applies the same one. */
export const retryBackOff = { base_interval: millisToDuration(25), max_interval: millisToDuration(250) };

/** App Mesh's hidden default retry policy (appmesh-spec §3.11): 2 retries on 503, reset, connect errors. */
export const defaultMaxRetries = 2;

/** How many times a retry re-picks a host to avoid those already tried (Istio's default). */
export const hostSelectionRetryMaxAttempts = 3;

/**
 * Envoy's `previous_hosts` predicate: a retry re-picks (up to hostSelectionRetryMaxAttempts times) while the
 * pick is a host this request already tried, so with one dead instance of two a retry reaches the live one.
 */
function avoidPreviousHosts(): Pick<
  RetryPolicy,
  'retry_host_predicate' | 'host_selection_retry_max_attempts'
> {
  return {
    retry_host_predicate: [
      {
        name: 'envoy.retry_host_predicates.previous_hosts',
        typed_config: packTyped(extensionTypeUrls.previousHostsPredicate, {}),
      },
    ],
    host_selection_retry_max_attempts: hostSelectionRetryMaxAttempts,
  };
}

type AnyRetryPolicy = HttpRetryPolicy | GrpcRetryPolicy;

/** The App Mesh events a policy lists, in the order httpRetryEvents, tcpRetryEvents, grpcRetryEvents. */
function eventsOf(policy: AnyRetryPolicy): string[] {
  const grpc = 'grpcRetryEvents' in policy ? (policy.grpcRetryEvents ?? []) : [];
  return [...(policy.httpRetryEvents ?? []), ...(policy.tcpRetryEvents ?? []), ...grpc];
}

/** Envoy tokens for App Mesh events, deduplicated, in first-mention order. */
export function retryOnTokens(events: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const event of events) for (const token of retryEventTokens[event] ?? []) tokens.add(token);
  return [...tokens];
}

/** The sidecar's retry policy for a route of `type`: the route's own policy, else App Mesh's default. */
export function sidecarRetryPolicy(type: RouteType, policy: AnyRetryPolicy | undefined): RetryPolicy {
  if (!policy) {
    const tokens = ['connect-failure', 'refused-stream', 'reset', 'retriable-status-codes'];
    if (type === 'grpcRoute') tokens.push('unavailable');
    return {
      retry_on: tokens.join(','),
      num_retries: { value: defaultMaxRetries },
      retriable_status_codes: [503],
      retry_back_off: retryBackOff,
      ...avoidPreviousHosts(),
    };
  }
  const result: RetryPolicy = {
    retry_on: retryOnTokens(eventsOf(policy)).join(','),
    num_retries: { value: policy.maxRetries },
    retry_back_off: retryBackOff,
    ...avoidPreviousHosts(),
  };
  // A zero per-try timeout would mean "none"; leaving it out says the same without relying on that reading.
  if (appMeshMillis(policy.perRetryTimeout) > 0)
    result.per_try_timeout = appMeshDuration(policy.perRetryTimeout);
  return result;
}

/**
 * The retry policy for a proxyless gRPC client: only gRPC status tokens, and none at all when nothing would be
 * retried (grpc-js-xds NACKs num_retries < 1). per_try_timeout is left out: grpc-js does not use it.
 */
export function grpcClientRetryPolicy(policy: AnyRetryPolicy | undefined): RetryPolicy | undefined {
  const tokens = policy
    ? retryOnTokens(eventsOf(policy)).filter((t) => grpcRetryTokens.includes(t))
    : ['unavailable'];
  const retries = policy ? policy.maxRetries : defaultMaxRetries;
  if (tokens.length === 0 || retries < 1) return undefined;
  return { retry_on: tokens.join(','), num_retries: { value: retries }, retry_back_off: retryBackOff };
}
