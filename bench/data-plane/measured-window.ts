// What a load generator records over its measured window. Latencies go into a typed array that grows by doubling,
// so that thousands of samples do not promote objects into the old generation and trigger the generator's own
// major GCs mid-run (a paused generator starts requests late, and that delay would be counted against the proxy).

import { lateStartMs } from './load-result.ts';

export class MeasuredWindow {
  #latencies: Float64Array;
  #count = 0;
  #maxStartLagMs = 0;
  #lateStarts = 0;

  constructor(expectedSamples: number) {
    this.#latencies = new Float64Array(Math.max(16, expectedSamples));
  }

  /** A measured request started at `firedAt` although it was due at `scheduledAt`. */
  started(scheduledAt: number, firedAt: number): void {
    const lag = firedAt - scheduledAt;
    if (lag > this.#maxStartLagMs) this.#maxStartLagMs = lag;
    if (lag > lateStartMs) this.#lateStarts++;
  }

  completed(latencyMs: number): void {
    if (this.#count === this.#latencies.length) {
      const grown = new Float64Array(this.#latencies.length * 2);
      grown.set(this.#latencies);
      this.#latencies = grown;
    }
    this.#latencies[this.#count++] = latencyMs;
  }

  get completedCount(): number {
    return this.#count;
  }

  get maxStartLagMs(): number {
    return Math.round(this.#maxStartLagMs * 1000) / 1000;
  }

  get lateStarts(): number {
    return this.#lateStarts;
  }

  /** The latencies in ms, rounded to microseconds (the JSON line stays short). */
  latenciesMs(): number[] {
    return Array.from(this.#latencies.subarray(0, this.#count), (v) => Math.round(v * 1000) / 1000);
  }
}
