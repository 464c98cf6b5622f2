// The rolling window on a manual clock: slots, expiry after the window, bounds, quantiles and the edges JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  codeClasses,
  latencyBucketBoundsMs,
  latencyBucketOf,
} from '../../src/xds/protos/mesh-metric-families.ts';
import {
  MetricsWindow,
  countOf,
  quantileMs,
  requestsOf,
  slotMs,
  type SeriesLabels,
} from '../../src/controlplane/metrics/metrics-window.ts';
import { meshEdges, meshSeries } from '../../src/controlplane/metrics/mesh-edges.ts';
import { rebucket } from '../../src/controlplane/metrics/metrics-receiver.ts';

const labels = (cluster: string, sourceName = 'front'): SeriesLabels => ({
  meshName: 'm',
  sourceKind: 'virtualNode',
  sourceName,
  virtualHost: 'color.m.local_80',
  route: 'r',
  cluster,
});
const blue = labels('cds_egress_m_blue_http_8080');

function codes(byClass: Partial<Record<(typeof codeClasses)[number], number>>): number[] {
  return codeClasses.map((c) => byClass[c] ?? 0);
}

function bucketsWith(ms: number, count: number): number[] {
  const out = new Array<number>(latencyBucketBoundsMs.length + 1).fill(0);
  out[latencyBucketOf(ms)] = count;
  return out;
}

class WallClock {
  ms = 1_000_000 * slotMs;
  readonly now = (): number => this.ms;
}

test('deltas add up per slot, and a window sums only the slots inside it', () => {
  const clock = new WallClock();
  const window = new MetricsWindow({ now: clock.now });
  window.add(blue, codes({ '2xx': 5 }), bucketsWith(3, 5));
  clock.ms += slotMs;
  window.add(blue, codes({ '2xx': 3, '5xx': 1 }), bucketsWith(3, 4));
  // Another proxy of the same node reports the same pair: the node's figure is the sum.
  window.add(blue, codes({ '2xx': 2 }), bucketsWith(3, 2));
  const [last10] = window.sum(10_000);
  assert.equal(requestsOf(last10!.counts), 6);
  const [last20] = window.sum(20_000);
  assert.equal(requestsOf(last20!.counts), 11);
  assert.equal(countOf(last20!.counts, '5xx'), 1);
  // Ten minutes later the first slots are outside a 60 s window, still inside the hour.
  clock.ms += 600_000;
  assert.deepEqual(window.sum(60_000), []);
  assert.equal(requestsOf(window.sum(3_600_000)[0]!.counts), 11);
  // After the hour they are gone, even though no new report arrived.
  clock.ms += 3_600_000;
  assert.deepEqual(window.sum(3_600_000), []);
  // The Prometheus totals keep counting from where the series began.
  assert.equal(requestsOf(window.totals()[0]!.counts), 11);
});

test('a ring slot reused an hour later starts from zero', () => {
  const clock = new WallClock();
  const window = new MetricsWindow({ now: clock.now, slotCount: 6 });
  window.add(blue, codes({ '2xx': 7 }), []);
  clock.ms += 6 * slotMs;
  window.add(blue, codes({ '2xx': 1 }), []);
  assert.equal(requestsOf(window.sum(60_000)[0]!.counts), 1);
});

test('the series table is bounded; idle series make room', () => {
  const clock = new WallClock();
  const window = new MetricsWindow({ now: clock.now, maxSeries: 2, slotCount: 6 });
  window.add(labels('cds_egress_m_a_http_1'), codes({ '2xx': 1 }), []);
  window.add(labels('cds_egress_m_b_http_1'), codes({ '2xx': 1 }), []);
  window.add(labels('cds_egress_m_c_http_1'), codes({ '2xx': 4 }), []);
  assert.equal(window.seriesCount, 2);
  assert.equal(window.droppedRequests, 4);
  clock.ms += 6 * slotMs;
  window.add(labels('cds_egress_m_c_http_1'), codes({ '2xx': 1 }), []);
  assert.equal(window.seriesCount, 1);
});

test('quantiles interpolate inside their bucket; +Inf answers the last bound; empty is null', () => {
  assert.equal(quantileMs(bucketsWith(1, 0), 0.5), null);
  const b = bucketsWith(4, 100); // bucket (3, 5]
  assert.equal(quantileMs(b, 0.5), 4);
  assert.equal(quantileMs(b, 1), 5);
  assert.equal(quantileMs(bucketsWith(1e9, 3), 0.99), latencyBucketBoundsMs.at(-1));
});

test('rebucket turns cumulative buckets of other bounds (stock Envoy) into ours', () => {
  const ours = rebucket([
    { upper_bound: 0.5, cumulative_count: '1' },
    { upper_bound: 5, cumulative_count: '4' },
    { upper_bound: 300000, cumulative_count: '6' },
  ]);
  assert.equal(ours[latencyBucketOf(0.5)], 1);
  assert.equal(ours[latencyBucketOf(5)], 3);
  assert.equal(ours.at(-1), 2);
});

test('edges JSON: rates, success, errors (5xx and resets), and a pair with no known destination', () => {
  const clock = new WallClock();
  const window = new MetricsWindow({ now: clock.now });
  window.add(blue, codes({ '2xx': 110, '4xx': 6, '5xx': 3, reset: 1 }), bucketsWith(2, 120));
  window.add(labels('cds_egress_m_passthrough'), codes({ '2xx': 2 }), bucketsWith(2, 2));
  const answer = meshEdges(window, 'm', undefined, 60, clock.ms);
  assert.equal(answer.generatedAt, new Date(clock.ms).toISOString());
  const [pass, toBlue] = answer.edges;
  assert.deepEqual(toBlue, {
    source: { kind: 'virtualNode', name: 'front' },
    destination: { virtualServiceName: 'color.m.local', virtualNodeName: 'blue' },
    requests: 120,
    requestsPerSecond: 2,
    successRate: 116 / 120,
    errors: 4,
    latencyMs: { p50: 1.5, p90: 1.9, p99: 1.99 },
  });
  assert.deepEqual(pass!.destination, { virtualServiceName: 'color.m.local' });
  assert.deepEqual(meshEdges(window, 'other', undefined, 60, clock.ms).edges, []);
  const series = meshSeries(window, 'm', undefined, 60, clock.ms);
  assert.equal(series.stepSeconds, 10);
  assert.equal(series.series[1]!.points.length, 6);
  assert.equal(series.series[1]!.points.at(-1)!.requests, 120);
  assert.equal(series.series[1]!.points[0]!.successRate, null);
});
