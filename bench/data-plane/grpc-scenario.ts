// gRPC unary (grpc-js client and server, 1 KiB answers) direct and through the mesh path: client sidecar (h2c on
// its outbound port, :authority the virtual service) → server sidecar → app, alternately in one run.

import type { ScenarioContext, ScenarioOutcome } from '../harness/scenario.ts';
import { runAlternating, type Subject } from './alternating-runs.ts';
import { serviceAuthority } from './bench-mesh.ts';
import { planCpus, type CpuPlan } from './cpu-pinning.ts';
import { dataPlanePlan, type DataPlanePlan } from './data-plane-plan.ts';
import type { LoadResult } from './load-result.ts';
import { MeshRig } from './mesh-rig.ts';
import { ScriptChild } from './script-child.ts';

export const grpcMetricPrefix = 'grpc.';

function grpcSubject(
  name: string,
  port: number,
  authority: string | undefined,
  proxyPids: readonly number[],
  plan: DataPlanePlan,
  cpus: CpuPlan,
): Subject {
  const target = `127.0.0.1:${port}`;
  const closedLoop = async (warmupMs: number, durationMs: number, measuring?: () => Promise<void>) => {
    const child = ScriptChild.start(
      'grpc-load.ts',
      { target, authority, concurrency: plan.connections, warmupMs, durationMs },
      cpus.load,
    );
    try {
      await child.next();
      await measuring?.();
      return await child.next<LoadResult>();
    } finally {
      await child.stop();
    }
  };
  return {
    name,
    proxyPids,
    fixedRate: () =>
      ScriptChild.start(
        'grpc-load.ts',
        { target, authority, rate: plan.rate, warmupMs: plan.rateWarmupMs, durationMs: plan.rateMs },
        cpus.load,
      ),
    warm: async () => {
      await closedLoop(0, plan.saturationWarmupSec * 1000);
    },
    saturate: async (measuring) => {
      const r = await closedLoop(200, plan.saturationSec * 1000, measuring);
      return { requests: r.completed, seconds: r.seconds, errors: r.errors, errorSamples: r.errorSamples };
    },
  };
}

/** Polls with a few calls until the mesh path answers (the server sidecar's registration must reach the client). */
async function waitForGrpc(port: number, cpus: CpuPlan, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const child = ScriptChild.start(
      'grpc-load.ts',
      { target: `127.0.0.1:${port}`, authority: serviceAuthority, rate: 20, warmupMs: 0, durationMs: 100 },
      cpus.load,
    );
    let result: LoadResult | undefined;
    try {
      await child.next(15_000);
      result = await child.next<LoadResult>(15_000);
    } catch {
      result = undefined;
    } finally {
      await child.stop();
    }
    if (result !== undefined && result.completed > 0 && result.errors === 0) return;
    if (performance.now() > deadline)
      throw new Error(
        `gRPC mesh path not answering within ${timeoutMs} ms: ${result?.errorSamples.join('; ') ?? 'no result'}`,
      );
  }
}

export async function runGrpcScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = dataPlanePlan(ctx.options.mode);
  const cpus = planCpus();
  const rig = await MeshRig.start(ctx, 'grpc', cpus, ['server', 'client']);
  try {
    const client = rig.sidecar('client');
    const server = rig.sidecar('server');
    const subjects = [
      grpcSubject('direct', rig.upstreamPort, undefined, [], plan, cpus),
      grpcSubject('meshPath', client.outboundPort, serviceAuthority, [client.pid, server.pid], plan, cpus),
    ];
    await waitForGrpc(client.outboundPort, cpus);
    ctx.progress(`both paths answer; ${cpus.description}`);
    const outcome = await runAlternating(subjects, plan, grpcMetricPrefix, ctx.progress);
    return {
      metrics: outcome.metrics,
      parameters: {
        configurations: subjects.map((s) => s.name),
        responseBytes: 1024,
        rateRps: plan.rate,
        rounds: plan.rounds,
        rateSecondsPerRun: plan.rateMs / 1000,
        saturationSecondsPerRun: plan.saturationSec,
        callsInFlight: plan.connections,
        cpus: cpus.description,
        meshPath:
          'grpc-js → client sidecar outbound (h2c, :authority server.bench.local:8080) → server sidecar → app',
      },
      note: outcome.notes.length > 0 ? outcome.notes.join(' | ') : undefined,
    };
  } finally {
    await rig.stop();
  }
}
