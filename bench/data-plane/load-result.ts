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
}

/** Printed by a load script when its warm-up ends and the measured window starts: the moment to read CPU times. */
export const measuringMarker = { measuring: true } as const;

/** The settings of an open-loop (fixed-rate) run; a closed-loop run sets `concurrency` instead of `rate`. */
export interface LoadPlan {
  readonly rate?: number;
  readonly concurrency?: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

/** Fills a window of `count` evenly spaced start times and calls `fire` for each as its time comes. */
export function runSchedule(
  rate: number,
  count: number,
  fire: (scheduledAt: number, index: number) => void,
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
      fire(start + next * interval, next);
      next++;
    }
    if (next < count) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    else done();
  };
  setTimeout(tick, 20);
}
