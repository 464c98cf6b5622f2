// Benchmark settings, parsed once from the command line into a frozen value.

import path from 'node:path';
import { parseArgs } from 'node:util';

export type BenchMode = 'full' | 'quick' | 'smoke';

export interface BenchOptions {
  readonly mode: BenchMode;
  /** Where `<date>.json` and `<date>.md` go. */
  readonly outDir: string;
  /** Scenario id prefixes to run; empty runs all. */
  readonly only: readonly string[];
  /** Virtual nodes per synthetic mesh, one control-plane scenario each. */
  readonly meshSizes: readonly number[];
  /** Simulated delta-xDS clients per propagation run (only counts up to the mesh size run). */
  readonly clientCounts: readonly number[];
  /** Route weight changes per propagation run; every one is a sample per client. */
  readonly changes: number;
  /** Concurrent API requests while building a mesh. */
  readonly apiConcurrency: number;
  /** Streams per HTTP/2 connection in the client simulator. */
  readonly streamsPerConnection: number;
  /** When set, the control plane and the sidecars run under --cpu-prof and profiles land here. */
  readonly cpuProfDir: string | undefined;
}

export const benchDir = path.resolve(import.meta.dirname, '..');
export const repoRoot = path.resolve(benchDir, '..');

const presets: Record<BenchMode, Pick<BenchOptions, 'meshSizes' | 'clientCounts' | 'changes'>> = {
  full: { meshSizes: [100, 1000, 5000], clientCounts: [100, 1000], changes: 10 },
  quick: { meshSizes: [100, 1000], clientCounts: [100, 1000], changes: 3 },
  smoke: { meshSizes: [10], clientCounts: [5], changes: 2 },
};

export const usage = `usage: npm run bench -- [options]

  --quick                  short run: meshes of 100 and 1,000 nodes, 3 route changes
  --smoke                  tiny run for tests: 10 nodes, 5 clients (figures are meaningless)
  --only <prefix,...>      run only scenarios whose id starts with one of these (e.g. control-plane/mesh-1000)
  --mesh-sizes <n,...>     override the mesh sizes (virtual nodes)
  --clients <n,...>        override the simulated proxy counts
  --changes <n>            route weight changes per propagation run
  --api-concurrency <n>    concurrent API requests while building meshes (default 8)
  --streams-per-connection <n>  ADS streams per HTTP/2 connection in the simulator (default 100)
  --out-dir <dir>          where results are written (default bench/results)
  --cpu-prof               profile the control plane and the data-plane sidecars (node --cpu-prof); top
                           functions go in the report (profiled runs' figures are not for comparison)
  --cpu-prof-dir <dir>     where profiles are kept (default .switchyard/bench-profiles-<time>)
  --help                   this text
`;

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

function positiveList(raw: string, flag: string): number[] {
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isSafeInteger(v) || v < 1))
    throw new BenchUsageError(`${flag} takes whole numbers of at least 1, got ${JSON.stringify(raw)}`);
  return values;
}

function positive(raw: string | undefined, flag: string, fallback: number): number {
  return raw === undefined ? fallback : positiveList(raw, flag)[0]!;
}

/** Parses `argv` (without node and script); `--help` yields undefined. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        smoke: { type: 'boolean' },
        only: { type: 'string' },
        'mesh-sizes': { type: 'string' },
        clients: { type: 'string' },
        changes: { type: 'string' },
        'api-concurrency': { type: 'string' },
        'streams-per-connection': { type: 'string' },
        'out-dir': { type: 'string' },
        'cpu-prof': { type: 'boolean' },
        'cpu-prof-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return undefined;
  if (v.quick && v.smoke) throw new BenchUsageError('--quick and --smoke exclude each other');
  const mode: BenchMode = v.smoke ? 'smoke' : v.quick ? 'quick' : 'full';
  const preset = presets[mode];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const cpuProfDir =
    v['cpu-prof-dir'] !== undefined
      ? path.resolve(v['cpu-prof-dir'])
      : v['cpu-prof']
        ? path.resolve(repoRoot, '.switchyard', `bench-profiles-${stamp}`)
        : undefined;
  return Object.freeze({
    mode,
    outDir: path.resolve(v['out-dir'] ?? path.join(benchDir, 'results')),
    only: (v.only ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    meshSizes: v['mesh-sizes'] ? positiveList(v['mesh-sizes'], '--mesh-sizes') : preset.meshSizes,
    clientCounts: v.clients ? positiveList(v.clients, '--clients') : preset.clientCounts,
    changes: positive(v.changes, '--changes', preset.changes),
    apiConcurrency: positive(v['api-concurrency'], '--api-concurrency', 8),
    streamsPerConnection: positive(v['streams-per-connection'], '--streams-per-connection', 100),
    cpuProfDir,
  });
}
