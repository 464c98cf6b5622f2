// The contract between the harness and a benchmark scenario: what a scenario needs, what it returns.

import type { BenchOptions } from './bench-options.ts';
import type { ToolCheck } from './prerequisites.ts';

export type Plane = 'control' | 'data';

/** One measured figure; `unit` is spelled out in the Markdown table (ms, ops/s, MB, ...). */
export interface Metric {
  readonly value: number;
  readonly unit: string;
}

export type ScenarioStatus = 'ok' | 'skipped' | 'failed';

export interface ScenarioResult {
  readonly id: string;
  readonly plane: Plane;
  readonly title: string;
  readonly status: ScenarioStatus;
  readonly durationMs: number;
  /** Why it was skipped or failed, or a caveat worth printing next to the figures. */
  readonly note?: string;
  /** Flat metric names such as `api.create.opsPerSec` or `propagation.100.p99Ms`. */
  readonly metrics: Readonly<Record<string, Metric>>;
  /** Scenario-specific parameters (mesh size, client counts, ...) so a result file explains itself. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** What the harness hands a running scenario. */
export interface ScenarioContext {
  readonly options: BenchOptions;
  readonly tools: readonly ToolCheck[];
  /** One line of progress on stderr, prefixed with the scenario id. */
  progress(message: string): void;
  /** A directory that is removed after the run. */
  readonly workDir: string;
}

export interface ScenarioOutcome {
  readonly metrics: Record<string, Metric>;
  readonly parameters: Record<string, unknown>;
  readonly note?: string;
}

/**
 * A registered benchmark. `requires` names tools from prerequisites.ts; when one is missing the harness skips
 * the scenario with the tool's install hint instead of running it.
 */
export interface Scenario {
  readonly id: string;
  readonly plane: Plane;
  readonly title: string;
  readonly requires: readonly string[];
  /** Registered but not runnable yet: the harness reports it as skipped with this reason. */
  readonly pending?: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}
