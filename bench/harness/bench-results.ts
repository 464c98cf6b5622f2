// The shape of a results file (bench/results/<date>.json); `schema` changes when the shape does.

import type { BenchMode } from './bench-options.ts';
import type { Environment } from './environment.ts';
import type { ToolCheck } from './prerequisites.ts';
import type { ScenarioResult } from './scenario.ts';
import type { TargetResult } from './target.ts';

export const resultsSchema = 'switchyard-bench/1';

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  /** Functions by self time, highest first. */
  readonly top: readonly { readonly function: string; readonly selfMs: number; readonly percent: number }[];
  /**
   * Samples charged to the innermost function of the repository's own code on the stack (its self time plus the
   * Node and library code it called), highest first: what a hot-path change would have to touch.
   */
  readonly ownCode?: readonly { readonly function: string; readonly ms: number; readonly percent: number }[];
}

export interface BenchResults {
  readonly schema: typeof resultsSchema;
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly environment: Environment;
  readonly tools: readonly ToolCheck[];
  readonly scenarios: readonly ScenarioResult[];
  readonly targets: readonly TargetResult[];
  readonly profiles?: readonly ProfileSummary[];
}
