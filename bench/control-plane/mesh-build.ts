// Builds a synthetic mesh through the App Mesh API and the registry, timing create, register, describe and list.

import { summarize } from '../harness/stats.ts';
import { runConcurrently, type ApiDriver, type Timed } from './api-driver.ts';
import type { SyntheticMesh } from './synthetic-mesh.ts';
import { instanceAddress } from './translation-timing.ts';

export interface Throughput {
  readonly calls: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface MeshBuildTiming {
  /** All App Mesh create calls together, and per kind. */
  readonly create: Throughput;
  readonly createByKind: Readonly<Record<string, Throughput>>;
  readonly register: Throughput;
  readonly describe: Throughput;
  /** List calls of 100 virtual nodes per page. */
  readonly list: Throughput;
}

function throughput(timed: Timed): Throughput {
  const s = summarize(timed.latenciesMs);
  return { calls: s.count, opsPerSec: (s.count / timed.wallMs) * 1000, p50Ms: s.p50, p99Ms: s.p99 };
}

function combine(parts: readonly Timed[]): Timed {
  return {
    latenciesMs: parts.flatMap((p) => p.latenciesMs),
    wallMs: parts.reduce((sum, p) => sum + p.wallMs, 0),
  };
}

const listPageSize = 100;

async function listAll(api: ApiDriver, meshName: string): Promise<number[]> {
  const latencies: number[] = [];
  let token: string | undefined;
  do {
    const query = `limit=${listPageSize}${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`;
    const answer = await api.call('GET', `/v20190125/meshes/${meshName}/virtualNodes?${query}`);
    latencies.push(answer.ms);
    token = answer.body.nextToken as string | undefined;
  } while (token);
  return latencies;
}

export async function buildMesh(
  api: ApiDriver,
  mesh: SyntheticMesh,
  concurrency: number,
  progress: (message: string) => void,
): Promise<MeshBuildTiming> {
  const byKind = new Map<string, Timed>();
  // Kinds go in order (later ones reference earlier ones); calls of one kind run concurrently.
  for (const kind of [...new Set(mesh.requests.map((r) => r.kind))]) {
    const requests = mesh.requests.filter((r) => r.kind === kind);
    progress(`creating ${requests.length} ${kind}${requests.length === 1 ? '' : 's'}`);
    const timed = await runConcurrently(requests, kind === 'mesh' ? 1 : concurrency, (r) =>
      api.call('PUT', `/v20190125${r.path}`, r.body),
    );
    byKind.set(kind, timed);
  }
  progress(`registering ${mesh.nodeNames.length} instances`);
  const indexes = mesh.nodeNames.map((_, i) => i);
  const register = await runConcurrently(indexes, concurrency, (i) =>
    api.call(
      'PUT',
      `/switchyard/v1/registry/meshes/${mesh.meshName}/virtualNodes/${mesh.nodeNames[i]}/instances/${mesh.nodeNames[i]}-1`,
      { address: instanceAddress(i), port: mesh.listenerPort },
    ),
  );
  progress(`describing ${mesh.nodeNames.length} virtual nodes`);
  const describe = await runConcurrently(mesh.nodeNames, concurrency, (name) =>
    api.call('GET', `/v20190125/meshes/${mesh.meshName}/virtualNodes/${name}`),
  );
  // Enough full listings to make at least 100 list calls, `concurrency` of them at a time.
  const pagesPerListing = Math.ceil(mesh.nodeNames.length / listPageSize);
  const listings = Math.max(concurrency, Math.ceil(100 / pagesPerListing));
  progress(`listing all virtual nodes ${listings} times`);
  const listLatencies: number[] = [];
  const listStarted = performance.now();
  let nextListing = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nextListing++ < listings) listLatencies.push(...(await listAll(api, mesh.meshName)));
    }),
  );
  const list = { latenciesMs: listLatencies, wallMs: performance.now() - listStarted };
  return {
    create: throughput(combine([...byKind.values()])),
    createByKind: Object.fromEntries([...byKind].map(([kind, timed]) => [kind, throughput(timed)])),
    register: throughput(register),
    describe: throughput(describe),
    list: throughput(list),
  };
}
