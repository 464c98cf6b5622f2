// The rolling window of mesh pair metrics: 10 s slots over an hour per series, fed with deltas from every proxy
// of a node (so the node's figures are their sum), bounded in series and slots.
import { codeClasses, latencyBucketBoundsMs } from '../../xds/protos/mesh-metric-families.ts';

export const slotMs = 10_000;
export const defaultSlotCount = 360;
export const defaultMaxSeries = 1_000;

/** Where a series' counts come from and go to, as the reporting proxy named them. */
export interface SeriesLabels {
  readonly meshName: string;
  readonly sourceKind: 'virtualNode' | 'virtualGateway';
  readonly sourceName: string;
  /** The Envoy virtual host, route and cluster names the translation emitted ('' when the reporter has none). */
  readonly virtualHost: string;
  readonly route: string;
  readonly cluster: string;
}

const codeCount = codeClasses.length;
const bucketCount = latencyBucketBoundsMs.length + 1;
/** A slot's layout: requests per code class, then requests per latency bucket (not cumulative). */
export const slotWidth = codeCount + bucketCount;

/** Counts added up over some slots: same layout as a slot. */
export type Counts = Float64Array;

export function emptyCounts(): Counts {
  return new Float64Array(slotWidth);
}

export function requestsOf(counts: Counts): number {
  let n = 0;
  for (let i = 0; i < codeCount; i++) n += counts[i]!;
  return n;
}

export function countOf(counts: Counts, codeClass: (typeof codeClasses)[number]): number {
  return counts[codeClasses.indexOf(codeClass)]!;
}

export function bucketsOf(counts: Counts): Float64Array {
  return counts.subarray(codeCount);
}

interface Series {
  readonly labels: SeriesLabels;
  /** Slot number (ms / slotMs) each ring position holds, -1 for none. */
  readonly slotIds: Float64Array;
  readonly slots: (Uint32Array | undefined)[];
  /** Everything since the series appeared (Prometheus counters). */
  readonly total: Float64Array;
  /** Sum of all latencies since the series appeared, milliseconds (Prometheus `_sum`). */
  totalSumMs: number;
  lastSlot: number;
}

export interface WindowOptions {
  /** Milliseconds on the wall clock (the slot a report lands in); tests pass a manual one. */
  readonly now: () => number;
  readonly slotCount?: number;
  readonly maxSeries?: number;
}

export function seriesKeyOf(l: SeriesLabels): string {
  return [l.meshName, l.sourceKind, l.sourceName, l.virtualHost, l.route, l.cluster].join('\u0000');
}

export class MetricsWindow {
  readonly #series = new Map<string, Series>();
  readonly #now: () => number;
  readonly #slotCount: number;
  readonly #maxSeries: number;
  /** Reports refused because the series table was full (requests, not reports). */
  droppedRequests = 0;

  constructor(options: WindowOptions) {
    this.#now = options.now;
    this.#slotCount = options.slotCount ?? defaultSlotCount;
    this.#maxSeries = options.maxSeries ?? defaultMaxSeries;
  }

  get windowMs(): number {
    return this.#slotCount * slotMs;
  }

  get seriesCount(): number {
    return this.#series.size;
  }

  /**
   * Adds a delta to a series' current slot. `codes` in `codeClasses` order, `buckets` per latency bucket (not
   * cumulative); either may be empty when the report carried only the other.
   */
  add(labels: SeriesLabels, codes: ArrayLike<number>, buckets: ArrayLike<number>, sumMs = 0): void {
    const slot = Math.floor(this.#now() / slotMs);
    const key = seriesKeyOf(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      if (this.#series.size >= this.#maxSeries) this.#evictIdle(slot);
      if (this.#series.size >= this.#maxSeries) {
        for (let i = 0; i < codes.length; i++) this.droppedRequests += codes[i]!;
        return;
      }
      series = {
        labels,
        slotIds: new Float64Array(this.#slotCount).fill(-1),
        slots: new Array<Uint32Array | undefined>(this.#slotCount),
        total: new Float64Array(slotWidth),
        totalSumMs: 0,
        lastSlot: slot,
      };
      this.#series.set(key, series);
    }
    const at = slot % this.#slotCount;
    let counts = series.slots[at];
    if (counts === undefined || series.slotIds[at] !== slot) {
      counts = series.slots[at] ?? new Uint32Array(slotWidth);
      counts.fill(0);
      series.slots[at] = counts;
      series.slotIds[at] = slot;
    }
    for (let i = 0; i < codes.length && i < codeCount; i++) {
      counts[i]! += codes[i]!;
      series.total[i]! += codes[i]!;
    }
    for (let i = 0; i < buckets.length && i < bucketCount; i++) {
      counts[codeCount + i]! += buckets[i]!;
      series.total[codeCount + i]! += buckets[i]!;
    }
    if (Number.isFinite(sumMs) && sumMs > 0) series.totalSumMs += sumMs;
    series.lastSlot = slot;
  }

  /** Series without data for a whole window go: their counts have all left it. */
  #evictIdle(slot: number): void {
    for (const [key, series] of this.#series) {
      if (slot - series.lastSlot >= this.#slotCount) this.#series.delete(key);
    }
  }

  /** Every series with traffic in the last `windowMs` (ending now), with its counts over that span. */
  sum(windowMs: number, meshName?: string): { labels: SeriesLabels; counts: Counts }[] {
    const now = Math.floor(this.#now() / slotMs);
    const first = now - Math.max(1, Math.ceil(windowMs / slotMs)) + 1;
    const out: { labels: SeriesLabels; counts: Counts }[] = [];
    for (const series of this.#series.values()) {
      if (meshName !== undefined && series.labels.meshName !== meshName) continue;
      if (series.lastSlot < first) continue;
      const counts = emptyCounts();
      for (let slot = Math.max(first, now - this.#slotCount + 1); slot <= now; slot++) {
        const at = slot % this.#slotCount;
        if (series.slotIds[at] !== slot) continue;
        const s = series.slots[at]!;
        for (let i = 0; i < slotWidth; i++) counts[i]! += s[i]!;
      }
      out.push({ labels: series.labels, counts });
    }
    return out;
  }

  /** Per-slot counts of every series with traffic in the span, oldest slot first (`startMs` of each slot). */
  slots(
    windowMs: number,
    meshName?: string,
  ): { startMs: number; stepMs: number; series: { labels: SeriesLabels; slots: Counts[] }[] } {
    const now = Math.floor(this.#now() / slotMs);
    const n = Math.min(this.#slotCount, Math.max(1, Math.ceil(windowMs / slotMs)));
    const first = now - n + 1;
    const series: { labels: SeriesLabels; slots: Counts[] }[] = [];
    for (const s of this.#series.values()) {
      if (meshName !== undefined && s.labels.meshName !== meshName) continue;
      if (s.lastSlot < first) continue;
      const slots: Counts[] = [];
      for (let slot = first; slot <= now; slot++) {
        const at = slot % this.#slotCount;
        const counts = emptyCounts();
        if (s.slotIds[at] === slot) counts.set(s.slots[at]!);
        slots.push(counts);
      }
      series.push({ labels: s.labels, slots });
    }
    return { startMs: first * slotMs, stepMs: slotMs, series };
  }

  /** Every series' counts since it appeared (for Prometheus counters). */
  totals(): { labels: SeriesLabels; counts: Counts; sumMs: number }[] {
    return [...this.#series.values()].map((s) => ({
      labels: s.labels,
      counts: s.total,
      sumMs: s.totalSumMs,
    }));
  }
}

/**
 * The `q` quantile (0..1) of a latency histogram in milliseconds, interpolated linearly inside its bucket (as
 * Prometheus' histogram_quantile does); the +Inf bucket answers the last finite bound. null when empty.
 */
export function quantileMs(buckets: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < buckets.length; i++) total += buckets[i]!;
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  const bounds = latencyBucketBoundsMs;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!;
    if (below + count >= rank && count > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return bounds[bounds.length - 1]!;
}
