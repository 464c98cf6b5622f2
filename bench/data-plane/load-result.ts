// What the load-generator scripts report back to the benchmark, one JSON line at the end of a run.

export interface LoadResult {
  /** Per completed request in the measured window: ms from its scheduled start (open loop) or its start (closed). */
  readonly latenciesMs: number[];
  /** Requests answered in the measured window. */
  readonly completed: number;
  /** Failed requests (connection errors, non-2xx, gRPC errors, no answer in time). */
  readonly errors: number;
  /** First few error messages, for the report's note. */
  readonly errorSamples: string[];
  /** Wall time of the measured window, s. */
  readonly seconds: number;
  /** Connections (HTTP) the generator needed to keep to its schedule. */
  readonly connections: number;
  /**
   * Open loop: how far behind its schedule the generator itself started a measured request, at worst (ms). The
   * proxies run on another CPU, so a large value is the load side pausing (its own GC, or CPU 0 being busy), and
   * that delay is inside the latency of the requests it held back. 0 for closed-loop runs.
   */
  readonly maxStartLagMs: number;
  /** Open loop: measured requests started more than `lateStartMs` behind their schedule. */
  readonly lateStarts: number;
}

/** A start this far behind schedule counts as late: well above timer jitter on an idle loop. */
export const lateStartMs = 2;

/** Printed by a load script when its warm-up ends and the measured window starts: the moment to read CPU times. */
export const measuringMarker = { measuring: true } as const;

/** The settings of an open-loop (fixed-rate) run; a closed-loop run sets `concurrency` instead of `rate`. */
export interface LoadPlan {
  readonly rate?: number;
  readonly concurrency?: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

/**
 * Fills a window of `count` evenly spaced start times and calls `fire` for each as its time comes, with the
 * moment it actually fired.
 */
export function runSchedule(
  rate: number,
  count: number,
  fire: (scheduledAt: number, index: number, firedAt: number) => void,
  done: () => void,
): void {
  const interval = 1000 / rate;
  const start = performance.now() + 20;
  let next = 0;
  const tick = (): void => {
    const now = performance.now();
    // Requests whose time has come are sent now and timed from when they should have started, so a late timer
    // or a stalled proxy shows as latency instead of silently thinning the load.
    while (next < count && start + next * interval <= now) {
      fire(start + next * interval, next, now);
      next++;
    }
    if (next < count) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    else done();
  };
  setTimeout(tick, 20);
}
