// Golden metrics' cost on the data path: the full mesh path (client sidecar → server sidecar → app) with the
// client sidecar counting and reporting per-pair metrics (the default, every 10 s) next to one with reporting
// off (`--metrics-interval-ms 0`: the router counts nothing), alternately in one run, beside direct.

import type { BenchOptions } from '../harness/bench-options.ts';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../harness/scenario.ts';
import { runAlternating } from './alternating-runs.ts';
import { nodeId, serviceAuthority } from './bench-mesh.ts';
import { planCpus } from './cpu-pinning.ts';
import { dataPlanePlan } from './data-plane-plan.ts';
import { httpSubject, waitUntilServing } from './http1-scenario.ts';
import { MeshRig } from './mesh-rig.ts';
import { SidecarProcess } from './sidecar-process.ts';

export const metricsScenarioId = 'data-plane/http1-metrics';
export const metricsMetricPrefix = 'metrics.';

export async function runMetricsScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = dataPlanePlan(ctx.options.mode);
  const cpus = planCpus();
  const rig = await MeshRig.start(ctx, 'http', cpus, ['server', 'client']);
  try {
    // A second sidecar of the same client node, reporting off; both reach the same server sidecar.
    const off = await SidecarProcess.start({
      node: nodeId('client'),
      xds: rig.controlPlane.xdsAddress,
      api: rig.controlPlane.apiAddress,
      cpu: cpus.proxy,
      args: ['--metrics-interval-ms', '0'],
    });
    rig.onStop(() => off.stop());
    const on = rig.sidecar('client');
    const server = rig.sidecar('server');
    const local = `127.0.0.1:${rig.upstreamPort}`;
    const subjects = [
      httpSubject('direct', rig.upstreamPort, local, [], plan, cpus),
      httpSubject('metricsOff', off.outboundPort, serviceAuthority, [off.pid, server.pid], plan, cpus),
      httpSubject('metricsOn', on.outboundPort, serviceAuthority, [on.pid, server.pid], plan, cpus),
    ];
    await waitUntilServing('direct', rig.upstreamPort, local);
    await waitUntilServing('mesh path, metrics off', off.outboundPort, serviceAuthority);
    await waitUntilServing('mesh path, metrics on', on.outboundPort, serviceAuthority);
    ctx.progress(`every path answers; ${cpus.description}`);
    const outcome = await runAlternating(subjects, plan, metricsMetricPrefix, ctx.progress);
    const metrics = { ...outcome.metrics };
    // The client sidecar is the one that counts: its CPU per request, on and off, and the difference.
    const value = (name: string): number | undefined => metrics[`${metricsMetricPrefix}${name}`]?.value;
    const perRequest = (cpuSecPer1k: number | undefined): number | undefined =>
      cpuSecPer1k === undefined ? undefined : cpuSecPer1k * 1000;
    const onUs = perRequest(value('metricsOn.cpuSecPer1kReqAtRate'));
    const offUs = perRequest(value('metricsOff.cpuSecPer1kReqAtRate'));
    if (onUs !== undefined && offUs !== undefined) {
      metrics[`${metricsMetricPrefix}addedCpuUsPerRequest`] = { value: onUs - offUs, unit: 'µs' };
    }
    return {
      metrics,
      parameters: {
        configurations: subjects.map((s) => s.name),
        responseBytes: 1024,
        rateRps: plan.rate,
        rounds: plan.rounds,
        rateSecondsPerRun: plan.rateMs / 1000,
        saturationSecondsPerRun: plan.saturationSec,
        wrkConnections: plan.connections,
        cpus: cpus.description,
        metricsOn:
          'client sidecar (default: counts every request, reports every 10 s) → server sidecar → app',
        metricsOff: 'client sidecar with --metrics-interval-ms 0 → the same server sidecar → app',
        cpuPerRequest:
          'cpuSecPer1kReqAtRate is both sidecars of the path (CPU-seconds per 1,000 requests = ms per request); addedCpuUsPerRequest is on minus off, in µs',
      },
      note: outcome.notes.length > 0 ? outcome.notes.join(' | ') : undefined,
    };
  } finally {
    await rig.stop();
  }
}

export function metricsScenarios(options: Pick<BenchOptions, 'mode'>): Scenario[] {
  return [
    {
      id: metricsScenarioId,
      plane: 'data',
      title: 'HTTP/1.1 mesh path with golden metrics reporting on vs off',
      requires: ['wrk', 'switchyard-proxy'],
      // --smoke proves the harness within its test's time budget; this comparison adds another mesh of processes.
      ...(options.mode === 'smoke'
        ? { pending: 'runs with --quick and in full runs, not with --smoke' }
        : {}),
      run: runMetricsScenario,
    },
  ];
}
