// The wire contract of Switchyard's per-pair metric families on the MetricsService stream: names, labels, buckets.

/** Requests, one counter per (virtual host, route, cluster, code class); values are deltas since the last message. */
export const meshRequestsFamily = 'switchyard_mesh_requests';
/** Request duration histogram per (virtual host, route, cluster); bucket counts are deltas too. */
export const meshDurationFamily = 'switchyard_mesh_request_duration_ms';
/** Pairs a proxy could not count because its pair table was full (a delta, no labels). */
export const meshDroppedFamily = 'switchyard_mesh_pairs_dropped';

export const meshLabels = {
  virtualHost: 'virtual_host',
  route: 'route',
  cluster: 'cluster',
  codeClass: 'code_class',
} as const;

/** `reset`: the request ended without a response code (a local reset, client disconnect, stream error). */
export type CodeClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'reset';
export const codeClasses: readonly CodeClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx', 'reset'];

/**
 * Upper bounds (milliseconds) of the latency buckets, +Inf implied after the last. Denser than Envoy's default
 * set below 100 ms, where mesh hops live, so "p99 within one bucket" means something there.
 */
export const latencyBucketBoundsMs: readonly number[] = [
  0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
];

/** Index of the bucket `ms` falls in (the last index, bounds.length, is +Inf). */
export function latencyBucketOf(ms: number): number {
  const bounds = latencyBucketBoundsMs;
  let i = 0;
  while (i < bounds.length && ms > bounds[i]!) i++;
  return i;
}

export function codeClassOf(status: number): CodeClass {
  if (status >= 100 && status < 200) return '1xx';
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return 'reset';
}
