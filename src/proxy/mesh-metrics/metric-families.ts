// Turns a proxy's taken pair counts into Prometheus metric families for the MetricsService stream.
import type { LabelPair, MetricFamily, PrometheusMetric } from '../../xds/protos/metrics-service.ts';
import {
  codeClasses,
  latencyBucketBoundsMs,
  meshDroppedFamily,
  meshDurationFamily,
  meshLabels,
  meshRequestsFamily,
} from '../../xds/protos/mesh-metric-families.ts';
import type { TakenCounts } from './mesh-metrics.ts';

/** Counter and histogram families carrying deltas since the previous message; empty classes are left out. */
export function metricFamiliesOf(taken: TakenCounts, timestampMs: number): MetricFamily[] {
  const requests: PrometheusMetric[] = [];
  const durations: PrometheusMetric[] = [];
  for (const pair of taken.pairs) {
    const labels: LabelPair[] = [
      { name: meshLabels.virtualHost, value: pair.virtualHost },
      { name: meshLabels.route, value: pair.route },
      { name: meshLabels.cluster, value: pair.cluster },
    ];
    let total = 0;
    pair.codes.forEach((count, i) => {
      if (count === 0) return;
      total += count;
      requests.push({
        label: [...labels, { name: meshLabels.codeClass, value: codeClasses[i]! }],
        counter: { value: count },
        timestamp_ms: timestampMs,
      });
    });
    let cumulative = 0;
    const bucket = latencyBucketBoundsMs.map((bound, i) => {
      cumulative += pair.buckets[i]!;
      return { cumulative_count: cumulative, upper_bound: bound };
    });
    durations.push({
      label: labels,
      histogram: { sample_count: total, sample_sum: pair.sumMs, bucket },
      timestamp_ms: timestampMs,
    });
  }
  const families: MetricFamily[] = [
    { name: meshRequestsFamily, type: 'COUNTER', metric: requests },
    { name: meshDurationFamily, type: 'HISTOGRAM', metric: durations },
  ];
  if (taken.dropped > 0) {
    families.push({
      name: meshDroppedFamily,
      type: 'COUNTER',
      metric: [{ counter: { value: taken.dropped }, timestamp_ms: timestampMs }],
    });
  }
  return families;
}
