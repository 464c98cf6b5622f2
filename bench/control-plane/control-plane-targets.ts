// Issue 7's control-plane goals, judged from the mesh scenarios' propagation runs.

import type { ScenarioResult } from '../harness/scenario.ts';
import type { Target, TargetVerdict } from '../harness/target.ts';
import { meshScenarioPrefix } from './control-plane-scenarios.ts';

interface Run {
  readonly nodes: number;
  readonly clients: number;
  readonly metric: (name: string) => number | undefined;
}

/** Every propagation run of every successful mesh scenario. */
function runs(results: readonly ScenarioResult[]): Run[] {
  const found: Run[] = [];
  for (const result of results) {
    if (!result.id.startsWith(meshScenarioPrefix) || result.status !== 'ok') continue;
    const nodes = Number(result.id.slice(meshScenarioPrefix.length));
    const clientCounts = new Set(
      Object.keys(result.metrics)
        .map((name) => /^propagation\.(\d+)\./.exec(name)?.[1])
        .filter((c) => c !== undefined)
        .map(Number),
    );
    for (const clients of clientCounts)
      found.push({
        nodes,
        clients,
        metric: (name) => result.metrics[`propagation.${clients}.${name}`]?.value,
      });
  }
  return found;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const where = (r: Run): string => `mesh of ${fmt(r.nodes)}, ${fmt(r.clients)} proxies`;

const notMeasured = (note: string): TargetVerdict => ({ status: 'not-measured', note });

export const controlPlaneTargets: readonly Target[] = [
  {
    id: 'cp-connected-proxies',
    plane: 'control',
    goal: '1,000 connected proxies on one control-plane process',
    evaluate(results) {
      const big = runs(results).filter((r) => r.clients >= 1000);
      if (big.length === 0) return notMeasured('no run with 1,000 or more simulated proxies');
      const worst = big
        .map((r) => ({ r, connected: Math.min(r.metric('connected') ?? 0, r.metric('serverListed') ?? 0) }))
        .sort((a, b) => a.connected / a.r.clients - b.connected / b.r.clients)[0]!;
      return {
        status: worst.connected >= worst.r.clients ? 'pass' : 'fail',
        measured: `${fmt(worst.connected)} of ${fmt(worst.r.clients)} configured and listed (${where(worst.r)})`,
      };
    },
  },
  {
    id: 'cp-route-change-p99',
    plane: 'control',
    goal: 'a route change reaches all affected proxies with p99 ≤ 1 s in a 1,000-node mesh',
    evaluate(results) {
      const candidates = runs(results).filter((r) => r.nodes === 1000);
      if (candidates.length === 0) return notMeasured('no 1,000-node mesh in this run');
      const worst = candidates.sort((a, b) => (b.metric('p99Ms') ?? 0) - (a.metric('p99Ms') ?? 0))[0]!;
      const p99 = worst.metric('p99Ms') ?? NaN;
      const missing = worst.metric('missing') ?? 0;
      return {
        status: p99 <= 1000 && missing === 0 ? 'pass' : 'fail',
        measured: `p99 ${fmt(Math.round(p99))} ms (${where(worst)})`,
        note: missing > 0 ? `${missing} ACKs never seen` : undefined,
      };
    },
  },
  {
    id: 'cp-memory-per-proxy',
    plane: 'control',
    goal: '≤ 1 MB of control-plane memory per connected proxy',
    evaluate(results) {
      const all = runs(results);
      if (all.length === 0) return notMeasured('no propagation run');
      // Small runs divide RSS noise by few proxies; judge the largest runs.
      const most = Math.max(...all.map((r) => r.clients));
      const worst = all
        .filter((r) => r.clients === most)
        .sort((a, b) => (b.metric('rssPerProxyMb') ?? 0) - (a.metric('rssPerProxyMb') ?? 0))[0]!;
      const perProxy = worst.metric('rssPerProxyMb') ?? NaN;
      const measured = `${perProxy.toFixed(3)} MB per proxy (${where(worst)})`;
      if (most < 100)
        return { status: 'not-measured', measured, note: 'fewer than 100 proxies: RSS noise dominates' };
      return { status: perProxy <= 1 ? 'pass' : 'fail', measured };
    },
  },
];
