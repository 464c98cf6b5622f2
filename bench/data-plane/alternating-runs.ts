// Measures several configurations side by side in one run, alternating between them round after round
// (A B C D A B C D ...) so that drift on the machine spreads over all of them: first latency at a fixed rate,
// then saturation. Around every run it reads the CPU time of the configuration's proxy processes; after each
// phase their peak RSS.

import type { Metric } from '../harness/scenario.ts';
import { summarize } from '../harness/stats.ts';
import type { DataPlanePlan } from './data-plane-plan.ts';
import type { measuringMarker } from './load-result.ts';
import { lateStartMs, type LoadResult } from './load-result.ts';
import { cpuSeconds, peakRssMb, resetPeakRss } from './process-usage.ts';
import type { ScriptChild } from './script-child.ts';

export interface SaturatedRun {
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
  readonly errorSamples?: readonly string[];
}

/** One configuration under test. */
export interface Subject {
  /** Metric name prefix, e.g. `oneHop`; `direct` is the baseline the others are compared to. */
  readonly name: string;
  /** The processes whose cost the configuration adds (none for direct). */
  readonly proxyPids: readonly number[];
  /** Starts an open-loop run at the plan's rate; the script prints the measuring marker, then a LoadResult. */
  fixedRate(): ScriptChild;
  /** An unmeasured saturating run before anything is measured. */
  warm(): Promise<void>;
  /** A saturated run; calls `measuring` as its measured window starts. */
  saturate(measuring: () => Promise<void>): Promise<SaturatedRun>;
}

interface Tally {
  latencies: number[];
  rateCompleted: number;
  rateSeconds: number;
  rateWallSeconds: number;
  rateCpu: number[];
  /** Per fixed-rate run, the vCPU of the busiest proxy: how much the figure moves between rounds. */
  rateRunVcpu: number[];
  saturatedRps: number[];
  saturatedRequests: number;
  saturatedCpu: number[];
  errors: number;
  errorSamples: string[];
  rssAtRate: number[];
  rssPeak: number[];
  /** Most connections the open-loop generator needed in one run: more than a few means answers fell behind. */
  connections: number;
  /** The generator's own worst start delay and late starts over the fixed-rate runs (see LoadResult). */
  maxStartLagMs: number;
  lateStarts: number;
}

export interface AlternatingOutcome {
  readonly metrics: Record<string, Metric>;
  readonly notes: string[];
}

/** A generator this late is worth a note: the mesh-path p99 target allows 1 ms, and every held-back request counts. */
const generatorStallNoteMs = 5;

const readCpu = (pids: readonly number[]): Promise<number[]> => Promise.all(pids.map(cpuSeconds));
const minus = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v - b[i]!);
const addInto = (into: number[], more: readonly number[]): void => {
  for (const [i, v] of more.entries()) into[i] = (into[i] ?? 0) + v;
};
/** The middle value, or the mean of the middle two: with 2 or 4 rounds a nearest-rank p50 would be the lower one. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function fixedRateRun(subject: Subject, tally: Tally): Promise<LoadResult> {
  const child = subject.fixedRate();
  try {
    const marker = await child.next<typeof measuringMarker>();
    if (marker.measuring !== true) throw new Error(`load script said ${JSON.stringify(marker)}`);
    const before = await readCpu(subject.proxyPids);
    const started = performance.now();
    const result = await child.next<LoadResult>();
    const wall = (performance.now() - started) / 1000;
    const used = minus(await readCpu(subject.proxyPids), before);
    addInto(tally.rateCpu, used);
    if (used.length > 0) tally.rateRunVcpu.push(Math.max(...used) / wall);
    tally.rateWallSeconds += wall;
    tally.latencies.push(...result.latenciesMs);
    tally.rateCompleted += result.completed;
    tally.rateSeconds += result.seconds;
    tally.errors += result.errors;
    tally.errorSamples.push(...result.errorSamples);
    tally.connections = Math.max(tally.connections, result.connections);
    tally.maxStartLagMs = Math.max(tally.maxStartLagMs, result.maxStartLagMs);
    tally.lateStarts += result.lateStarts;
    return result;
  } finally {
    await child.stop();
  }
}

async function saturatedRun(subject: Subject, tally: Tally): Promise<SaturatedRun> {
  let before: number[] | undefined;
  const run = await subject.saturate(async () => {
    before = await readCpu(subject.proxyPids);
  });
  if (before === undefined) throw new Error(`${subject.name}: saturated run never started measuring`);
  addInto(tally.saturatedCpu, minus(await readCpu(subject.proxyPids), before));
  tally.saturatedRps.push(run.requests / run.seconds);
  tally.saturatedRequests += run.requests;
  tally.errors += run.errors;
  tally.errorSamples.push(...(run.errorSamples ?? []));
  return run;
}

export async function runAlternating(
  subjects: readonly Subject[],
  plan: DataPlanePlan,
  prefix: string,
  progress: (message: string) => void,
): Promise<AlternatingOutcome> {
  const tallies = new Map<Subject, Tally>(
    subjects.map((s) => [
      s,
      {
        latencies: [],
        rateCompleted: 0,
        rateSeconds: 0,
        rateWallSeconds: 0,
        rateCpu: [],
        rateRunVcpu: [],
        saturatedRps: [],
        saturatedRequests: 0,
        saturatedCpu: [],
        errors: 0,
        errorSamples: [],
        rssAtRate: [],
        rssPeak: [],
        connections: 0,
        maxStartLagMs: 0,
        lateStarts: 0,
      },
    ]),
  );
  const name = (s: Subject): string => `${prefix}${s.name}`;
  // Every configuration first gets an unmeasured saturating run, so the fixed-rate phase sees warm code and
  // connection pools (as a long-running proxy would) rather than the JIT's first seconds.
  if (plan.saturationWarmupSec > 0)
    for (const subject of subjects) {
      await subject.warm();
      await Promise.all(subject.proxyPids.map(resetPeakRss));
    }
  for (let round = 1; round <= plan.rounds; round++)
    for (const subject of subjects) {
      const tally = tallies.get(subject)!;
      const r = await fixedRateRun(subject, tally);
      const s = summarize(r.latenciesMs);
      const vcpu =
        subject.proxyPids.length > 0 ? `, busiest proxy ${tally.rateRunVcpu.at(-1)!.toFixed(3)} vCPU` : '';
      progress(
        `${plan.rate} req/s, round ${round}/${plan.rounds}, ${name(subject)}: p50 ${s.p50.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms${vcpu}, ${r.errors} errors, generator at worst ${r.maxStartLagMs.toFixed(1)} ms late`,
      );
    }
  for (const subject of subjects)
    tallies.get(subject)!.rssAtRate = await Promise.all(subject.proxyPids.map(peakRssMb));
  for (let round = 1; round <= plan.rounds; round++)
    for (const subject of subjects) {
      const r = await saturatedRun(subject, tallies.get(subject)!);
      progress(
        `saturated, round ${round}/${plan.rounds}, ${name(subject)}: ${Math.round(r.requests / r.seconds)} req/s, ${r.errors} errors`,
      );
    }
  for (const subject of subjects)
    tallies.get(subject)!.rssPeak = await Promise.all(subject.proxyPids.map(peakRssMb));
  return summarizeTallies(subjects, tallies, prefix);
}

function summarizeTallies(
  subjects: readonly Subject[],
  tallies: ReadonlyMap<Subject, Tally>,
  prefix: string,
): AlternatingOutcome {
  const metrics: Record<string, Metric> = {};
  const notes: string[] = [];
  const put = (name: string, value: number, unit: string): void => {
    if (Number.isFinite(value)) metrics[`${prefix}${name}`] = { value, unit };
  };
  const latency = new Map(subjects.map((s) => [s, summarize(tallies.get(s)!.latencies)]));
  const direct = subjects.find((s) => s.name === 'direct');
  const haproxy = subjects.find((s) => s.name === 'haproxy');
  const directLatency = direct ? latency.get(direct)! : undefined;
  for (const subject of subjects) {
    const t = tallies.get(subject)!;
    const l = latency.get(subject)!;
    const n = subject.name;
    put(`${n}.p50Ms`, l.p50, 'ms');
    put(`${n}.p90Ms`, l.p90, 'ms');
    put(`${n}.p99Ms`, l.p99, 'ms');
    put(`${n}.achievedRps`, t.rateCompleted / t.rateSeconds, 'req/s');
    put(`${n}.saturatedRps`, median(t.saturatedRps), 'req/s');
    put(`${n}.errors`, t.errors, 'count');
    put(`${n}.connectionsAtRate`, t.connections, 'count');
    put(`${n}.generatorMaxStartLagMs`, t.maxStartLagMs, 'ms');
    put(`${n}.generatorLateStarts`, t.lateStarts, 'count');
    if (t.maxStartLagMs > generatorStallNoteMs)
      notes.push(
        `${prefix}${n}: the load generator itself started ${t.lateStarts} requests more than ${lateStartMs} ms late (at worst ${t.maxStartLagMs.toFixed(1)} ms): the load CPU paused, and that delay is inside this configuration's latency tail`,
      );
    if (t.errors > 0)
      notes.push(
        `${prefix}${n}: ${t.errors} failed requests (${[...new Set(t.errorSamples)].slice(0, 3).join('; ')})`,
      );
    if (directLatency && subject !== direct) {
      put(`${n}.addedP50Ms`, l.p50 - directLatency.p50, 'ms');
      put(`${n}.addedP90Ms`, l.p90 - directLatency.p90, 'ms');
      put(`${n}.addedP99Ms`, l.p99 - directLatency.p99, 'ms');
      put(
        `${n}.saturatedVsDirect`,
        median(t.saturatedRps) / median(tallies.get(direct!)!.saturatedRps),
        'ratio',
      );
    }
    if (subject.proxyPids.length === 0) continue;
    const rateCpu = t.rateCpu.reduce((a, b) => a + b, 0);
    const saturatedCpu = t.saturatedCpu.reduce((a, b) => a + b, 0);
    put(`${n}.proxies`, subject.proxyPids.length, 'count');
    put(`${n}.cpuSecPer1kReq`, saturatedCpu / (t.saturatedRequests / 1000), 'CPU-s');
    put(`${n}.cpuSecPer1kReqAtRate`, rateCpu / (t.rateCompleted / 1000), 'CPU-s');
    put(`${n}.vcpuAtRate`, rateCpu / t.rateWallSeconds, 'vCPU');
    put(`${n}.vcpuPerProxyAtRate`, Math.max(...t.rateCpu) / t.rateWallSeconds, 'vCPU');
    put(`${n}.vcpuPerProxyAtRateMinRun`, Math.min(...t.rateRunVcpu), 'vCPU');
    put(`${n}.vcpuPerProxyAtRateMaxRun`, Math.max(...t.rateRunVcpu), 'vCPU');
    put(`${n}.peakRssMbAtRate`, Math.max(...t.rssAtRate), 'MB');
    put(`${n}.peakRssMb`, Math.max(...t.rssPeak), 'MB');
  }
  if (haproxy)
    for (const subject of subjects) {
      if (subject === haproxy || subject === direct) continue;
      const v = (name: string, s: Subject): number | undefined =>
        metrics[`${prefix}${s.name}.${name}`]?.value;
      const ratio = (name: string, unit = 'ratio'): void => {
        const ours = v(name, subject);
        const theirs = v(name, haproxy);
        if (ours !== undefined && theirs !== undefined)
          put(`${subject.name}.${name}VsHaproxy`, ours / theirs, unit);
      };
      ratio('addedP50Ms');
      ratio('addedP99Ms');
      ratio('saturatedRps');
      ratio('cpuSecPer1kReq');
    }
  return { metrics, notes };
}
