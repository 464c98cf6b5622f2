// The golden metrics JSON (s7-design.md contract): a mesh's pairs over a window, and their 10 s series.
import type { MeshState } from '../../xds/translate/mesh-state.ts';
import { destinationOf, type EdgeDestination } from './edge-destination.ts';
import {
  bucketsOf,
  countOf,
  emptyCounts,
  quantileMs,
  requestsOf,
  type Counts,
  type MetricsWindow,
  type SeriesLabels,
} from './metrics-window.ts';

export interface EdgeSource {
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
}

export interface LatencyMs {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
}

export interface Edge {
  readonly source: EdgeSource;
  readonly destination: EdgeDestination;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly successRate: number | null;
  readonly errors: number;
  readonly latencyMs: LatencyMs;
}

export interface EdgesAnswer {
  readonly meshName: string;
  readonly windowSeconds: number;
  readonly generatedAt: string;
  readonly edges: Edge[];
}

export interface SeriesPoint {
  readonly at: string;
  readonly requests: number;
  readonly errors: number;
  readonly successRate: number | null;
  readonly latencyMs: LatencyMs;
}

export interface SeriesAnswer {
  readonly meshName: string;
  readonly windowSeconds: number;
  readonly stepSeconds: number;
  readonly generatedAt: string;
  readonly series: { source: EdgeSource; destination: EdgeDestination; points: SeriesPoint[] }[];
}

/** Failed requests: 5xx answers and requests that ended without one (resets). */
export function errorsOf(counts: Counts): number {
  return countOf(counts, '5xx') + countOf(counts, 'reset');
}

function round(value: number | null, digits = 3): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function latencyOf(counts: Counts): LatencyMs {
  const buckets = bucketsOf(counts);
  return {
    p50: round(quantileMs(buckets, 0.5)),
    p90: round(quantileMs(buckets, 0.9)),
    p99: round(quantileMs(buckets, 0.99)),
  };
}

function edgeKey(source: EdgeSource, d: EdgeDestination): string {
  return [
    source.kind,
    source.name,
    d.virtualServiceName,
    d.virtualRouterName,
    d.routeName,
    d.virtualNodeName,
  ].join('\u0000');
}

/** Series of one mesh grouped by what they mean in App Mesh terms (several Envoy names may map to one). */
function grouped<T>(
  state: MeshState | undefined,
  rows: readonly { labels: SeriesLabels; value: T }[],
  merge: (into: T | undefined, value: T) => T,
): { source: EdgeSource; destination: EdgeDestination; value: T }[] {
  const groups = new Map<string, { source: EdgeSource; destination: EdgeDestination; value: T }>();
  for (const { labels, value } of rows) {
    const source: EdgeSource = { kind: labels.sourceKind, name: labels.sourceName };
    const destination = destinationOf(state, labels);
    const key = edgeKey(source, destination);
    const group = groups.get(key);
    if (group) group.value = merge(group.value, value);
    else groups.set(key, { source, destination, value: merge(undefined, value) });
  }
  return [...groups.values()].sort(
    (a, b) =>
      a.source.name.localeCompare(b.source.name) ||
      (a.destination.virtualServiceName ?? '').localeCompare(b.destination.virtualServiceName ?? '') ||
      (a.destination.routeName ?? '').localeCompare(b.destination.routeName ?? '') ||
      (a.destination.virtualNodeName ?? '').localeCompare(b.destination.virtualNodeName ?? ''),
  );
}

function addCounts(into: Counts | undefined, value: Counts): Counts {
  const out = into ?? emptyCounts();
  for (let i = 0; i < out.length; i++) out[i]! += value[i]!;
  return out;
}

export function meshEdges(
  window: MetricsWindow,
  meshName: string,
  state: MeshState | undefined,
  windowSeconds: number,
  nowMs: number,
): EdgesAnswer {
  const rows = window
    .sum(windowSeconds * 1000, meshName)
    .map(({ labels, counts }) => ({ labels, value: counts }));
  const edges: Edge[] = [];
  for (const { source, destination, value } of grouped(state, rows, addCounts)) {
    const requests = requestsOf(value);
    if (requests === 0) continue;
    const errors = errorsOf(value);
    edges.push({
      source,
      destination,
      requests,
      requestsPerSecond: round(requests / windowSeconds)!,
      successRate: (requests - errors) / requests,
      errors,
      latencyMs: latencyOf(value),
    });
  }
  return { meshName, windowSeconds, generatedAt: new Date(nowMs).toISOString(), edges };
}

export function meshSeries(
  window: MetricsWindow,
  meshName: string,
  state: MeshState | undefined,
  windowSeconds: number,
  nowMs: number,
): SeriesAnswer {
  const { startMs, stepMs, series } = window.slots(windowSeconds * 1000, meshName);
  const rows = series.map(({ labels, slots }) => ({ labels, value: slots }));
  const mergeSlots = (into: Counts[] | undefined, value: Counts[]): Counts[] =>
    into === undefined
      ? value.map((c) => addCounts(undefined, c))
      : into.map((c, i) => addCounts(c, value[i]!));
  return {
    meshName,
    windowSeconds,
    stepSeconds: stepMs / 1000,
    generatedAt: new Date(nowMs).toISOString(),
    series: grouped(state, rows, mergeSlots).map(({ source, destination, value }) => ({
      source,
      destination,
      points: value.map((counts, i) => {
        const requests = requestsOf(counts);
        const errors = errorsOf(counts);
        return {
          at: new Date(startMs + i * stepMs).toISOString(),
          requests,
          errors,
          successRate: requests === 0 ? null : (requests - errors) / requests,
          latencyMs: latencyOf(counts),
        };
      }),
    })),
  };
}
