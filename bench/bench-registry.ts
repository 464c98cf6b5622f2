// Everything the harness runs and judges: scenarios, targets and report sections of both planes. A new
// scenario registers here; the harness needs no other change.

import { controlPlaneReport } from './control-plane/control-plane-report.ts';
import { controlPlaneScenarios } from './control-plane/control-plane-scenarios.ts';
import { controlPlaneTargets } from './control-plane/control-plane-targets.ts';
import { dataPlaneReport } from './data-plane/data-plane-report.ts';
import { dataPlaneScenarios } from './data-plane/data-plane-scenarios.ts';
import { dataPlaneTargets } from './data-plane/data-plane-targets.ts';
import { metricsScenarios } from './data-plane/metrics-scenario.ts';
import type { BenchOptions } from './harness/bench-options.ts';
import type { Scenario, ScenarioResult } from './harness/scenario.ts';
import type { Target } from './harness/target.ts';

export type ReportSection = (results: readonly ScenarioResult[]) => string[];

export interface BenchRegistry {
  readonly scenarios: readonly Scenario[];
  readonly targets: readonly Target[];
  readonly sections: readonly ReportSection[];
}

export function benchRegistry(options: BenchOptions): BenchRegistry {
  return {
    scenarios: [...dataPlaneScenarios(), ...metricsScenarios(options), ...controlPlaneScenarios(options)],
    targets: [...dataPlaneTargets, ...controlPlaneTargets],
    sections: [dataPlaneReport, controlPlaneReport],
  };
}
