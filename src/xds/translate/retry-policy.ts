// App Mesh retry policies as Envoy RetryPolicy: event mapping, App Mesh's hidden default policy, and the
// subset a proxyless gRPC client honours.
import type { GrpcRetryPolicy, HttpRetryPolicy, RouteType } from '../../model/specs/index.ts';
import { appMeshDuration, appMeshMillis, millisToDuration } from './durations.ts';
import type { RetryPolicy } from './envoy-types.ts';

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
    };
  }
  const result: RetryPolicy = {
    retry_on: retryOnTokens(eventsOf(policy)).join(','),
    num_retries: { value: policy.maxRetries },
    retry_back_off: retryBackOff,
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
