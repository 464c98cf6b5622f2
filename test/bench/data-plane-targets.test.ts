// The data-plane goals judged from a scenario result: each limit of the mesh-path goal on its own, the ratios
// against HAProxy, and a missing scenario or metric reported as not measured rather than passed or failed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataPlaneTargets } from '../../bench/data-plane/data-plane-targets.ts';
import { http1ScenarioId } from '../../bench/data-plane/data-plane-scenarios.ts';
import type { ScenarioResult } from '../../bench/harness/scenario.ts';

const passing: Record<string, number> = {
  'oneHop.addedP50Ms': 0.2,
  'haproxy.addedP50Ms': 0.15,
  'oneHop.saturatedRps': 30_000,
  'haproxy.saturatedRps': 55_000,
  'meshPath.addedP99Ms': 0.9,
  'meshPath.vcpuPerSidecar': 0.095,
  'meshPath.rssMbPerSidecar': 60,
  'meshPath.vcpuPerProxyAtRateMinRun': 0.09,
  'meshPath.vcpuPerProxyAtRateMaxRun': 0.104,
};

function http1Result(
  values: Record<string, number>,
  status: ScenarioResult['status'] = 'ok',
): ScenarioResult {
  const metrics = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, { value, unit: '' }]),
  );
  return {
    id: http1ScenarioId,
    plane: 'data',
    title: 'http1',
    status,
    durationMs: 1,
    metrics,
    parameters: {},
  };
}

const verdict = (id: string, result: ScenarioResult) =>
  dataPlaneTargets.find((t) => t.id === id)!.evaluate([result]);

test('every data-plane goal passes when every figure is inside its limit', () => {
  for (const target of dataPlaneTargets)
    assert.equal(target.evaluate([http1Result(passing)]).status, 'pass', target.id);
  assert.equal(
    verdict('dp-mesh-path-1000rps', http1Result(passing)).measured,
    'p99 +0.900 ms, 0.095 vCPU (runs 0.090–0.104), 60 MB',
  );
  assert.equal(verdict('dp-one-hop-p50', http1Result(passing)).measured, '1.33× (0.200 ms vs 0.150 ms)');
});

test('the mesh-path goal fails on any one of its three limits', () => {
  for (const [name, value] of [
    ['meshPath.addedP99Ms', 1.01],
    ['meshPath.vcpuPerSidecar', 0.101],
    ['meshPath.rssMbPerSidecar', 65],
  ] as const)
    assert.equal(
      verdict('dp-mesh-path-1000rps', http1Result({ ...passing, [name]: value })).status,
      'fail',
      name,
    );
  assert.equal(
    verdict('dp-saturated-throughput', http1Result({ ...passing, 'oneHop.saturatedRps': 27_000 })).status,
    'fail',
  );
});

test('a scenario that did not run, or a missing figure, is not measured', () => {
  const skipped = verdict('dp-one-hop-p50', http1Result({}, 'skipped'));
  assert.equal(skipped.status, 'not-measured');
  const { 'meshPath.vcpuPerProxyAtRateMaxRun': _dropped, ...partial } = passing;
  assert.equal(verdict('dp-mesh-path-1000rps', http1Result(partial)).status, 'not-measured');
});
