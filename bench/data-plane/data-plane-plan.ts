// How long each data-plane phase runs, per benchmark mode; --quick shortens every phase, --smoke only proves the
// machinery works.

import type { BenchMode } from '../harness/bench-options.ts';

export interface DataPlanePlan {
  /** Rounds over the configurations (A B C D A B C D ...), per phase. */
  readonly rounds: number;
  /** The fixed request rate of the latency phase, requests/s. */
  readonly rate: number;
  /** Warm-up at the fixed rate at the start of every latency run, not measured. */
  readonly rateWarmupMs: number;
  /** Measured part of every latency run. */
  readonly rateMs: number;
  /** Unmeasured saturating run per configuration before any measurement (JIT, connection pools). */
  readonly saturationWarmupSec: number;
  /** Every saturated run (wrk takes whole seconds). */
  readonly saturationSec: number;
  /** wrk connections (one thread) and gRPC calls in flight for saturation. */
  readonly connections: number;
}

const plans: Record<BenchMode, DataPlanePlan> = {
  full: {
    rounds: 3,
    rate: 1000,
    rateWarmupMs: 1000,
    rateMs: 10_000,
    saturationWarmupSec: 5,
    saturationSec: 5,
    connections: 32,
  },
  quick: {
    rounds: 2,
    rate: 1000,
    rateWarmupMs: 500,
    rateMs: 3000,
    saturationWarmupSec: 2,
    saturationSec: 2,
    connections: 32,
  },
  smoke: {
    rounds: 1,
    rate: 1000,
    rateWarmupMs: 100,
    rateMs: 300,
    saturationWarmupSec: 0,
    saturationSec: 1,
    connections: 8,
  },
};

export function dataPlanePlan(mode: BenchMode): DataPlanePlan {
  return plans[mode];
}
