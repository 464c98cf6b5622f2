// Per-version traffic figures over a sliding window: requests/s, success rate, p50/p99 latency.

export interface VersionFigures {
  readonly version: string;
  readonly requestsPerSecond: number;
  readonly share: number;
  readonly successRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface Sample {
  readonly atMs: number;
  readonly version: string;
  readonly ok: boolean;
  readonly latencyMs: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export class TrafficStats {
  readonly #windowMs: number;
  #samples: Sample[] = [];

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  record(version: string, ok: boolean, latencyMs: number, atMs = Date.now()): void {
    this.#samples.push({ atMs, version, ok, latencyMs });
  }

  figures(nowMs = Date.now()): VersionFigures[] {
    this.#samples = this.#samples.filter((s) => s.atMs > nowMs - this.#windowMs);
    const total = this.#samples.length;
    const byVersion = new Map<string, Sample[]>();
    for (const sample of this.#samples) {
      const list = byVersion.get(sample.version);
      if (list) list.push(sample);
      else byVersion.set(sample.version, [sample]);
    }
    return [...byVersion.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([version, samples]) => {
        const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
        return {
          version,
          requestsPerSecond: samples.length / (this.#windowMs / 1000),
          share: samples.length / total,
          successRate: samples.filter((s) => s.ok).length / samples.length,
          p50Ms: percentile(latencies, 0.5),
          p99Ms: percentile(latencies, 0.99),
        };
      });
  }
}
