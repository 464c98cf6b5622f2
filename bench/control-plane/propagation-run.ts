// One propagation run: N simulated proxies connect, then the hot route's weight is changed through the API
// several times; each change is timed from the API call to every proxy's ACK of the new route configuration.

import { summarize } from '../harness/stats.ts';
import type { ApiDriver } from './api-driver.ts';
import { ClientSimulator } from './client-simulator.ts';
import type { ControlPlaneProcess, LogEntry } from './control-plane-process.ts';
import { markerWeight, withMarkerWeight, type SyntheticMesh } from './synthetic-mesh.ts';
import { nowMs } from '../xds-sim/sim-protocol.ts';

export interface PropagationOptions {
  readonly controlPlane: ControlPlaneProcess;
  readonly api: ApiDriver;
  readonly mesh: SyntheticMesh;
  readonly clients: number;
  readonly changes: number;
  readonly streamsPerConnection: number;
  readonly progress: (message: string) => void;
}

export interface PropagationResult {
  readonly clients: number;
  /** Streams that got and ACKed a full initial config. */
  readonly connected: number;
  /** Streams the control plane lists as connected after the connection storm. */
  readonly serverListed: number;
  readonly initialConfigP50Ms: number;
  readonly initialConfigP99Ms: number;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  readonly rssPerProxyMb: number;
  /** Per (change, proxy): API call start to the proxy's ACK. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: number;
  /** (change, proxy) pairs never observed within the deadline. */
  readonly missing: number;
  readonly apiUpdateP50Ms: number;
  /** The control plane's own translate time for a change, from its `xds snapshots pushed` log line. */
  readonly serverTranslateMeanMs: number | undefined;
  readonly failures: readonly string[];
}

const observeTimeoutMs = 30_000;

async function listedClients(api: ApiDriver): Promise<number> {
  const answer = await api.call('GET', '/switchyard/v1/xds/clients');
  return (answer.body.clients as unknown[]).length;
}

export async function runPropagation(options: PropagationOptions): Promise<PropagationResult> {
  const { controlPlane, api, mesh, clients } = options;
  const nodeIds = mesh.nodeNames.slice(0, clients).map((name) => `mesh/${mesh.meshName}/virtualNode/${name}`);
  const rssBeforeMb = await controlPlane.rssMb();
  options.progress(`connecting ${clients} simulated delta-xDS proxies`);
  const { simulator, ready } = await ClientSimulator.start({
    xds: controlPlane.xdsAddress,
    nodeIds,
    streamsPerConnection: options.streamsPerConnection,
    readyTimeoutMs: 120_000,
  });
  try {
    const connected = ready.initialConfigMs.length;
    const serverListed = await listedClients(api);
    const rssAfterMb = await controlPlane.rssMb();
    const initial = summarize(ready.initialConfigMs);
    options.progress(
      `${connected}/${clients} proxies configured (initial config p99 ${initial.p99.toFixed(0)} ms); changing the route`,
    );
    const latencies: number[] = [];
    const apiMs: number[] = [];
    const translateMs: number[] = [];
    let missing = 0;
    const route = mesh.hotRoute;
    const routePath = `/v20190125/meshes/${mesh.meshName}/virtualRouter/${route.routerName}/routes/${route.routeName}`;
    for (let i = 0; i < options.changes; i++) {
      const marker = markerWeight(i);
      await simulator.arm(marker);
      const pushes: LogEntry[] = [];
      const stopFollowing = controlPlane.onLog((entry) => {
        if (entry.msg === 'xds snapshots pushed') pushes.push(entry);
      });
      const startedAt = nowMs();
      const answer = await api.call('PUT', routePath, { spec: withMarkerWeight(route, marker) });
      apiMs.push(answer.ms);
      const seen = await simulator.observed(marker, observeTimeoutMs);
      stopFollowing();
      for (const at of seen.ackedAtMs) latencies.push(at - startedAt);
      missing += seen.missing;
      const translated = pushes.reduce((sum, e) => sum + Number(e.translateMs ?? 0), 0);
      if (pushes.length > 0) translateMs.push(translated);
    }
    const change = summarize(latencies);
    return {
      clients,
      connected,
      serverListed,
      initialConfigP50Ms: initial.p50,
      initialConfigP99Ms: initial.p99,
      rssBeforeMb,
      rssAfterMb,
      rssPerProxyMb: connected > 0 ? (rssAfterMb - rssBeforeMb) / connected : NaN,
      p50Ms: change.p50,
      p99Ms: change.p99,
      maxMs: change.max,
      samples: change.count,
      missing,
      apiUpdateP50Ms: summarize(apiMs).p50,
      serverTranslateMeanMs:
        translateMs.length > 0 ? translateMs.reduce((a, b) => a + b, 0) / translateMs.length : undefined,
      failures: ready.failures.slice(0, 5).map((f) => `${f.nodeId}: ${f.error}`),
    };
  } finally {
    await simulator.close();
  }
}
