// Circuit breaker thresholds: App Mesh effectively disables them (all 2147483647, appmesh-spec §3.11) unless a
// listener connection pool sets limits on the local app cluster.
import type { VirtualNodeConnectionPool } from '../../model/specs/index.ts';
import type { CircuitBreakers } from './envoy-types.ts';

export const unlimited = 2147483647;

/** DEFAULT-priority thresholds; `pool` narrows the ones it names (http2/grpc pools limit requests). */
export function circuitBreakers(pool?: VirtualNodeConnectionPool): CircuitBreakers {
  let maxConnections = unlimited;
  let maxPendingRequests = unlimited;
  let maxRequests = unlimited;
  if (pool?.http) {
    maxConnections = pool.http.maxConnections;
    maxPendingRequests = pool.http.maxPendingRequests ?? unlimited;
  } else if (pool?.tcp) maxConnections = pool.tcp.maxConnections;
  else if (pool?.http2) maxRequests = pool.http2.maxRequests;
  else if (pool?.grpc) maxRequests = pool.grpc.maxRequests;
  return {
    thresholds: [
      {
        priority: 'DEFAULT',
        max_connections: { value: maxConnections },
        max_pending_requests: { value: maxPendingRequests },
        max_requests: { value: maxRequests },
        max_retries: { value: unlimited },
      },
    ],
  };
}

type Threshold = 'max_connections' | 'max_pending_requests' | 'max_requests' | 'max_retries';
const thresholdNames: readonly Threshold[] = [
  'max_connections',
  'max_pending_requests',
  'max_requests',
  'max_retries',
];

/** Each threshold at its highest among `all`: a cluster shared by several limits holds none of them back. */
export function loosestCircuitBreakers(all: readonly CircuitBreakers[]): CircuitBreakers {
  const threshold: Partial<Record<Threshold, { value: number }>> = {};
  for (const name of thresholdNames) {
    const values = all.map((b) => Number(b.thresholds?.[0]?.[name]?.value ?? unlimited));
    threshold[name] = { value: values.length > 0 ? Math.max(...values) : unlimited };
  }
  return { thresholds: [{ priority: 'DEFAULT', ...threshold }] };
}
