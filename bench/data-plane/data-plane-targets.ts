// Issue 7's data-plane goals, judged from the HTTP/1.1 scenario's metrics (see dataPlaneMetrics).

import type { ScenarioResult } from '../harness/scenario.ts';
import type { Target, TargetVerdict } from '../harness/target.ts';
import { dataPlaneMetrics as m, http1ScenarioId } from './data-plane-scenarios.ts';

function metricsOf(
  results: readonly ScenarioResult[],
): ((name: string) => number | undefined) | TargetVerdict {
  const result = results.find((r) => r.id === http1ScenarioId);
  if (!result || result.status !== 'ok')
    return { status: 'not-measured', note: result?.note ?? `${http1ScenarioId} did not run` };
  return (name) => result.metrics[name]?.value;
}

function judge(
  results: readonly ScenarioResult[],
  names: readonly string[],
  verdict: (values: number[]) => TargetVerdict,
): TargetVerdict {
  const metric = metricsOf(results);
  if (typeof metric !== 'function') return metric;
  const values = names.map(metric);
  if (values.some((v) => v === undefined))
    return { status: 'not-measured', note: `missing metric among ${names.join(', ')}` };
  return verdict(values as number[]);
}

export const dataPlaneTargets: readonly Target[] = [
  {
    id: 'dp-one-hop-p50',
    plane: 'data',
    goal: 'one proxy hop adds at most 1.5× the p50 latency HAProxy adds (same run)',
    evaluate: (results) =>
      judge(results, [m.oneHopAddedP50Ms, m.haproxyAddedP50Ms], ([ours, theirs]) => {
        const ratio = ours! / theirs!;
        return {
          status: ratio <= 1.5 ? 'pass' : 'fail',
          measured: `${ratio.toFixed(2)}× (${ours!.toFixed(3)} ms vs ${theirs!.toFixed(3)} ms)`,
        };
      }),
  },
  {
    id: 'dp-saturated-throughput',
    plane: 'data',
    goal: 'saturated throughput of one proxy core at least 50% of HAProxy on one core',
    evaluate: (results) =>
      judge(results, [m.oneHopSaturatedRps, m.haproxySaturatedRps], ([ours, theirs]) => {
        const share = ours! / theirs!;
        return {
          status: share >= 0.5 ? 'pass' : 'fail',
          measured: `${(share * 100).toFixed(0)}% (${Math.round(ours!)} vs ${Math.round(theirs!)} req/s)`,
        };
      }),
  },
  {
    id: 'dp-mesh-path-1000rps',
    plane: 'data',
    goal: 'at 1,000 rps through the mesh path: added p99 ≤ 1 ms, ≤ 0.10 vCPU and ≤ 64 MB RSS per sidecar',
    evaluate: (results) =>
      judge(
        results,
        [
          m.meshPathAddedP99Ms,
          m.meshPathVcpuPerSidecar,
          m.meshPathRssMbPerSidecar,
          m.meshPathVcpuMinRun,
          m.meshPathVcpuMaxRun,
        ],
        ([p99, vcpu, rss, vcpuLow, vcpuHigh]) => ({
          status: p99! <= 1 && vcpu! <= 0.1 && rss! <= 64 ? 'pass' : 'fail',
          // The spread between runs says how far from the line a pass or a fail on vCPU really is.
          measured: `p99 +${p99!.toFixed(3)} ms, ${vcpu!.toFixed(3)} vCPU (runs ${vcpuLow!.toFixed(3)}–${vcpuHigh!.toFixed(3)}), ${rss!.toFixed(0)} MB`,
        }),
      ),
  },
];
