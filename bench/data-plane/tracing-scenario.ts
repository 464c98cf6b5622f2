// What tracing adds to a sidecar, in one run: the hop node's sidecar (inbound listener → app) with tracing off,
// at the default 1% and at 100% sampling, exporting OTLP/HTTP to a local sink that discards the spans, measured
// alternately beside direct: added p50/p99 latency at a fixed rate and CPU per request.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScenarioContext, ScenarioOutcome } from '../harness/scenario.ts';
import { runAlternating } from './alternating-runs.ts';
import { nodeId } from './bench-mesh.ts';
import { planCpus } from './cpu-pinning.ts';
import { dataPlanePlan } from './data-plane-plan.ts';
import { httpSubject, waitUntilServing } from './http1-scenario.ts';
import { MeshRig } from './mesh-rig.ts';
import { SidecarProcess } from './sidecar-process.ts';

/** The configurations and the sampler each runs with (`off`: no collector, tracing not set up at all). */
export const tracingConfigurations = {
  tracingOff: undefined,
  tracing1pct: ['--trace-sampler', 'parentbased_traceidratio', '--trace-sampler-arg', '0.01'],
  tracing100pct: ['--trace-sampler', 'always_on'],
} as const;

/** An OTLP/HTTP collector stand-in: answers every export 200 and counts the bytes, in the bench's own process. */
async function startSink(): Promise<{ url: string; exports: () => number; close(): Promise<void> }> {
  let exports = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    exports: () => exports,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export async function runTracingScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = dataPlanePlan(ctx.options.mode);
  const cpus = planCpus();
  const rig = await MeshRig.start(ctx, 'http', cpus, []);
  try {
    const sink = await startSink();
    rig.onStop(() => sink.close());
    const local = (port: number): string => `127.0.0.1:${port}`;
    const subjects = [httpSubject('direct', rig.upstreamPort, local(rig.upstreamPort), [], plan, cpus)];
    for (const [name, sampler] of Object.entries(tracingConfigurations)) {
      // Several sidecars of the one hop node: each serves its own inbound port in front of the same app.
      const sidecar = await SidecarProcess.start({
        node: nodeId('hop'),
        xds: rig.controlPlane.xdsAddress,
        api: rig.controlPlane.apiAddress,
        cpu: cpus.proxy,
        args: sampler === undefined ? [] : ['--otlp-endpoint', sink.url, ...sampler],
      });
      rig.onStop(() => sidecar.stop());
      await waitUntilServing(name, sidecar.inboundPort, local(sidecar.inboundPort));
      subjects.push(
        httpSubject(name, sidecar.inboundPort, local(sidecar.inboundPort), [sidecar.pid], plan, cpus),
      );
    }
    await waitUntilServing('direct', rig.upstreamPort, local(rig.upstreamPort));
    ctx.progress(`every configuration answers; ${cpus.description}`);
    const outcome = await runAlternating(subjects, plan, '', ctx.progress);
    if (sink.exports() === 0) outcome.notes.push('the OTLP sink received no export: tracing did not run');
    return {
      metrics: outcome.metrics,
      parameters: {
        configurations: subjects.map((s) => s.name),
        responseBytes: 1024,
        rateRps: plan.rate,
        rounds: plan.rounds,
        rateSecondsPerRun: plan.rateMs / 1000,
        saturationSecondsPerRun: plan.saturationSec,
        wrkConnections: plan.connections,
        cpus: cpus.description,
        oneHop:
          'the hop node sidecar: inbound listener → app; tracingOff without a collector, tracing1pct and ' +
          'tracing100pct exporting OTLP/HTTP protobuf to a local sink (batches of up to 512 spans every 5 s)',
        otlpExports: sink.exports(),
      },
      note: outcome.notes.length > 0 ? outcome.notes.join(' | ') : undefined,
    };
  } finally {
    await rig.stop();
  }
}
