// The control-plane scenarios, one per mesh size: build the mesh through the API, time pure translation, then
// connect simulated proxies and time route changes until every proxy has ACKed them.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BenchOptions } from '../harness/bench-options.ts';
import type { Metric, Scenario, ScenarioContext, ScenarioOutcome } from '../harness/scenario.ts';
import { ApiDriver } from './api-driver.ts';
import { ControlPlaneProcess } from './control-plane-process.ts';
import { buildMesh, type Throughput } from './mesh-build.ts';
import { runPropagation, type PropagationResult } from './propagation-run.ts';
import { generateMesh } from './synthetic-mesh.ts';
import { startPostgresServer, type PostgresServer } from '../../test/support/postgres-server.ts';
import { timeTranslation } from './translation-timing.ts';

export const meshScenarioPrefix = 'control-plane/mesh-';
/** The same mesh scenario on PostgreSQL, for the largest size of the run: beside its SQLite twin in one run. */
export const postgresScenarioPrefix = 'control-plane/postgres-mesh-';

type StoreKind = 'sqlite' | 'postgres';

const ms = (value: number): Metric => ({ value, unit: 'ms' });
const mb = (value: number): Metric => ({ value, unit: 'MB' });
const perSec = (value: number): Metric => ({ value, unit: 'ops/s' });
const count = (value: number): Metric => ({ value, unit: 'count' });

function throughputMetrics(prefix: string, t: Throughput): Record<string, Metric> {
  return {
    [`${prefix}.opsPerSec`]: perSec(t.opsPerSec),
    [`${prefix}.p50Ms`]: ms(t.p50Ms),
    [`${prefix}.p99Ms`]: ms(t.p99Ms),
    [`${prefix}.calls`]: count(t.calls),
  };
}

function propagationMetrics(r: PropagationResult): Record<string, Metric> {
  const p = `propagation.${r.clients}`;
  const metrics: Record<string, Metric> = {
    [`${p}.connected`]: count(r.connected),
    [`${p}.serverListed`]: count(r.serverListed),
    [`${p}.initialConfigP50Ms`]: ms(r.initialConfigP50Ms),
    [`${p}.initialConfigP99Ms`]: ms(r.initialConfigP99Ms),
    [`${p}.p50Ms`]: ms(r.p50Ms),
    [`${p}.p99Ms`]: ms(r.p99Ms),
    [`${p}.maxMs`]: ms(r.maxMs),
    [`${p}.samples`]: count(r.samples),
    [`${p}.missing`]: count(r.missing),
    [`${p}.apiUpdateP50Ms`]: ms(r.apiUpdateP50Ms),
    [`${p}.rssBeforeMb`]: mb(r.rssBeforeMb),
    [`${p}.rssAfterMb`]: mb(r.rssAfterMb),
    [`${p}.rssPerProxyMb`]: mb(r.rssPerProxyMb),
  };
  if (r.serverTranslateMeanMs !== undefined) metrics[`${p}.serverTranslateMs`] = ms(r.serverTranslateMeanMs);
  return metrics;
}

function quotasFor(nodes: number, clients: number): Record<string, number> {
  const room = Math.max(nodes, 200) * 2;
  return {
    virtualNodesPerMesh: room,
    virtualServicesPerMesh: room,
    virtualRoutersPerMesh: room,
    connectedProxiesPerVirtualNode: Math.max(50, clients),
  };
}

async function waitForNoClients(api: ApiDriver, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    const answer = await api.call('GET', '/switchyard/v1/xds/clients');
    if ((answer.body.clients as unknown[]).length === 0) return;
    if (performance.now() > deadline)
      throw new Error('simulated proxies still listed after they disconnected');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function runMeshScenario(
  nodes: number,
  ctx: ScenarioContext,
  store: StoreKind = 'sqlite',
): Promise<ScenarioOutcome> {
  const { options } = ctx;
  const mesh = generateMesh(nodes);
  const clientCounts = options.clientCounts.filter((c) => c <= nodes);
  const metrics: Record<string, Metric> = {};
  const notes: string[] = [];

  ctx.progress(`translating all ${nodes} nodes in-process`);
  const translation = timeTranslation(mesh);
  Object.assign(metrics, {
    'translate.buildStateMs': ms(translation.buildStateMs),
    'translate.allNodesMs': ms(translation.translateAllMs),
    'translate.perNodeMs': ms(translation.translateAllMs / nodes),
    'translate.encodeAllNodesMs': ms(translation.encodeAllMs),
    'translate.resourcesPerNode': count(translation.resourcesPerNode),
  });

  const dataDir = path.join(ctx.workDir, `${store}-mesh-${nodes}`);
  await mkdir(dataDir, { recursive: true });
  if (options.cpuProfDir !== undefined) await mkdir(options.cpuProfDir, { recursive: true });
  let postgres: PostgresServer | undefined;
  if (store === 'postgres') {
    ctx.progress('starting PostgreSQL (fsync on, as in production)');
    postgres = await startPostgresServer({ durable: true });
  }
  let controlPlane: ControlPlaneProcess | undefined;
  let api: ApiDriver | undefined;
  try {
    controlPlane = await ControlPlaneProcess.start({
      dataDir,
      quotas: quotasFor(nodes, Math.max(0, ...clientCounts)),
      cpuProfDir: options.cpuProfDir,
      ...(postgres ? { databaseUrl: await postgres.createDatabase('switchyard_bench') } : {}),
    });
    api = new ApiDriver(controlPlane.apiAddress, options.apiConcurrency + 2);
    metrics['memory.idleRssMb'] = mb(await controlPlane.rssMb());
    const built = await buildMesh(api, mesh, options.apiConcurrency, ctx.progress);
    Object.assign(metrics, throughputMetrics('api.create', built.create));
    for (const [kind, t] of Object.entries(built.createByKind))
      Object.assign(metrics, throughputMetrics(`api.create.${kind}`, t));
    Object.assign(metrics, throughputMetrics('api.register', built.register));
    Object.assign(metrics, throughputMetrics('api.describe', built.describe));
    Object.assign(metrics, throughputMetrics('api.list', built.list));
    metrics['memory.meshRssMb'] = mb(await controlPlane.rssMb());

    for (const clients of clientCounts) {
      const result = await runPropagation({
        controlPlane,
        api,
        mesh,
        clients,
        changes: options.changes,
        streamsPerConnection: options.streamsPerConnection,
        progress: ctx.progress,
      });
      Object.assign(metrics, propagationMetrics(result));
      ctx.progress(
        `${clients} proxies: change→all ACKed p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms; ${result.rssPerProxyMb.toFixed(3)} MB per proxy`,
      );
      if (result.failures.length > 0) notes.push(`${clients} proxies: ${result.failures.join('; ')}`);
      if (result.missing > 0) notes.push(`${clients} proxies: ${result.missing} ACKs not seen within 30 s`);
      await waitForNoClients(api, 30_000);
    }
  } finally {
    api?.close();
    await controlPlane?.stop();
    await postgres?.cleanup();
  }
  return {
    metrics,
    parameters: {
      store: store === 'sqlite' ? 'SQLite (embedded)' : 'PostgreSQL (local, fsync on)',
      virtualNodes: nodes,
      virtualServices: mesh.serviceNames.length,
      routesPerRouter: 2,
      apiRequests: mesh.requests.length,
      clientCounts,
      changesPerRun: options.changes,
      apiConcurrency: options.apiConcurrency,
      streamsPerConnection: options.streamsPerConnection,
    },
    note: notes.length > 0 ? notes.join(' | ') : undefined,
  };
}

export function controlPlaneScenarios(options: BenchOptions): Scenario[] {
  const sqlite: Scenario[] = options.meshSizes.map((nodes) => ({
    id: `${meshScenarioPrefix}${nodes}`,
    plane: 'control',
    title: `Control plane, mesh of ${nodes.toLocaleString('en-US')} virtual nodes`,
    requires: [],
    run: (ctx) => runMeshScenario(nodes, ctx),
  }));
  const largest = Math.max(...options.meshSizes);
  const postgres: Scenario = {
    id: `${postgresScenarioPrefix}${largest}`,
    plane: 'control',
    title: `Control plane on PostgreSQL, mesh of ${largest.toLocaleString('en-US')} virtual nodes (API writes/s and change→all-ACKed beside SQLite)`,
    requires: ['postgresql'],
    run: (ctx) => runMeshScenario(largest, ctx, 'postgres'),
  };
  return [...sqlite, postgres];
}
