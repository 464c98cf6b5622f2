// A goal from issue 7 that the benchmark checks and prints as pass/fail with the measured value.

import type { Plane, ScenarioResult } from './scenario.ts';

export type TargetStatus = 'pass' | 'fail' | 'not-measured';

export interface TargetVerdict {
  readonly status: TargetStatus;
  /** The measured value in words, e.g. "p99 744 ms (mesh of 1,000, 1,000 proxies)". */
  readonly measured?: string;
  readonly note?: string;
}

export interface TargetResult extends TargetVerdict {
  readonly id: string;
  readonly plane: Plane;
  readonly goal: string;
}

export interface Target {
  readonly id: string;
  readonly plane: Plane;
  /** The goal as the issue states it. */
  readonly goal: string;
  evaluate(results: readonly ScenarioResult[]): TargetVerdict;
}

export function evaluateTargets(
  targets: readonly Target[],
  results: readonly ScenarioResult[],
): TargetResult[] {
  return targets.map((t) => ({ id: t.id, plane: t.plane, goal: t.goal, ...t.evaluate(results) }));
}
