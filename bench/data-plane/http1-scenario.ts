// HTTP/1.1 keep-alive, 1 KiB answers: direct to the app, one `switchyard proxy` hop (the `hop` node's inbound
// listener in front of the app), the full mesh path (client sidecar → server sidecar → app) and HAProxy with the
// same single hop, measured alternately in one run, with two Node.js references beside them: a plain node:http
// proxy and a bare TCP pipe.

import http from 'node:http';
import type { ScenarioContext, ScenarioOutcome } from '../harness/scenario.ts';
import { runAlternating, type Subject } from './alternating-runs.ts';
import { serviceAuthority } from './bench-mesh.ts';
import { planCpus, type CpuPlan } from './cpu-pinning.ts';
import { dataPlanePlan, type DataPlanePlan } from './data-plane-plan.ts';
import { freePorts } from '../../test/support/free-ports.ts';
import { startHaproxy } from './haproxy-process.ts';
import { MeshRig } from './mesh-rig.ts';
import { ScriptChild } from './script-child.ts';
import { sidecarNodeFlags } from './sidecar-process.ts';
import { runWrk } from './wrk-run.ts';

function getStatus(port: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(2000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Polls until the path answers 200 (the mesh path needs the server sidecar's registration to reach the client). */
export async function waitUntilServing(
  name: string,
  port: number,
  host: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const status = await getStatus(port, host);
    if (status === 200) return;
    if (performance.now() > deadline)
      throw new Error(`${name} did not answer 200 within ${timeoutMs} ms (last: ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One configuration of an HTTP/1.1 run; `tls`: the load generators speak TLS to `port`. */
export function httpSubject(
  name: string,
  port: number,
  host: string,
  proxyPids: readonly number[],
  plan: DataPlanePlan,
  cpus: CpuPlan,
  tls = false,
): Subject {
  const wrk = (seconds: number) =>
    runWrk({ port, host, seconds, connections: plan.connections, cpu: cpus.load, tls });
  return {
    name,
    proxyPids,
    fixedRate: () =>
      ScriptChild.start(
        'open-loop-http.ts',
        {
          port,
          host,
          rate: plan.rate,
          warmupMs: plan.rateWarmupMs,
          durationMs: plan.rateMs,
          maxConnections: 256,
          tls,
        },
        cpus.load,
      ),
    warm: async () => {
      await wrk(plan.saturationWarmupSec);
    },
    saturate: async (measuring) => {
      await measuring();
      const r = await wrk(plan.saturationSec);
      return { requests: r.requests, seconds: r.seconds, errors: r.errors };
    },
  };
}

export async function runHttp1Scenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = dataPlanePlan(ctx.options.mode);
  const cpus = planCpus();
  const rig = await MeshRig.start(ctx, 'http', cpus, ['hop', 'server', 'client']);
  try {
    const [haproxyPort] = (await freePorts(1)) as [number];
    const haproxy = await startHaproxy(ctx.workDir, haproxyPort, rig.upstreamPort, cpus.proxy);
    rig.onStop(() => haproxy.stop());
    /** A Node.js reference in front of the app, on the proxies' CPU; resolves to it and its port once listening. */
    const startReference = async (script: string, nodeFlags: readonly string[] = []) => {
      const child = ScriptChild.start(script, { upstreamPort: rig.upstreamPort }, cpus.proxy, nodeFlags);
      rig.onStop(() => child.stop());
      return { pid: child.pid, port: (await child.next<{ port: number }>(30_000)).port };
    };
    const nodeProxy = await startReference('node-pass-through.js');
    const nodePipe = await startReference('node-tcp-pipe.js', sidecarNodeFlags);
    const hop = rig.sidecar('hop');
    const client = rig.sidecar('client');
    const server = rig.sidecar('server');
    const local = (port: number): string => `127.0.0.1:${port}`;
    const subjects = [
      httpSubject('direct', rig.upstreamPort, local(rig.upstreamPort), [], plan, cpus),
      httpSubject('oneHop', hop.inboundPort, local(hop.inboundPort), [hop.pid], plan, cpus),
      httpSubject('meshPath', client.outboundPort, serviceAuthority, [client.pid, server.pid], plan, cpus),
      httpSubject('haproxy', haproxy.port, local(haproxy.port), [haproxy.pid], plan, cpus),
      httpSubject('nodeProxy', nodeProxy.port, local(nodeProxy.port), [nodeProxy.pid], plan, cpus),
      httpSubject('nodePipe', nodePipe.port, local(nodePipe.port), [nodePipe.pid], plan, cpus),
    ];
    await waitUntilServing('direct', rig.upstreamPort, local(rig.upstreamPort));
    await waitUntilServing('one hop', hop.inboundPort, local(hop.inboundPort));
    await waitUntilServing('mesh path', client.outboundPort, serviceAuthority);
    await waitUntilServing('HAProxy', haproxy.port, local(haproxy.port));
    await waitUntilServing('plain Node.js proxy', nodeProxy.port, local(nodeProxy.port));
    await waitUntilServing('Node.js TCP pipe', nodePipe.port, local(nodePipe.port));
    ctx.progress(`every path answers; ${cpus.description}`);
    const outcome = await runAlternating(subjects, plan, '', ctx.progress);
    const metrics = { ...outcome.metrics };
    const haproxyShare = metrics['haproxy.saturatedVsDirect']?.value;
    if (haproxyShare !== undefined && haproxyShare > 0.8)
      outcome.notes.push(
        `HAProxy reached ${Math.round(haproxyShare * 100)}% of direct when saturated: the load generator and the app may be what limits it, so its one-core figure is a lower bound and our share of it an upper bound`,
      );
    // The per-sidecar figures the targets judge: the busier of the two sidecars of the mesh path.
    if (metrics['meshPath.vcpuPerProxyAtRate'])
      metrics['meshPath.vcpuPerSidecar'] = metrics['meshPath.vcpuPerProxyAtRate'];
    if (metrics['meshPath.peakRssMbAtRate'])
      metrics['meshPath.rssMbPerSidecar'] = metrics['meshPath.peakRssMbAtRate'];
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
        oneHop: 'the hop node sidecar: inbound listener → app',
        nodeProxy:
          'node:http server → node:http keep-alive agent → app, nothing else: what the runtime alone costs',
        nodePipe:
          "net server → one app connection per client connection, bytes copied both ways, no HTTP at all; the sidecar's V8 settings: what moving the bytes through Node.js costs",
        meshPath:
          'client sidecar outbound (Host: server.bench.local:8080) → router → server sidecar inbound → app',
      },
      note: outcome.notes.length > 0 ? outcome.notes.join(' | ') : undefined,
    };
  } finally {
    await rig.stop();
  }
}
