// Which CPU each process of a data-plane run gets: the proxies one core, the load generator and upstream another,
// so that "one proxy core" means one core. Without taskset or with one CPU, nothing is pinned (and the report says so).

import { spawnSync } from 'node:child_process';
import os from 'node:os';

export interface CpuPlan {
  /** CPU of the proxy under test (every sidecar of the mesh path, HAProxy). */
  readonly proxy: number | undefined;
  /** CPU of the load generator (wrk, the open-loop generator, the gRPC client). */
  readonly load: number | undefined;
  /** CPU of the upstream app; shares the load generator's when there are only two. */
  readonly upstream: number | undefined;
  readonly description: string;
}

function hasTaskset(): boolean {
  const probe = spawnSync('taskset', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

export function planCpus(): CpuPlan {
  const cpus = os.availableParallelism();
  if (cpus < 2 || !hasTaskset())
    return {
      proxy: undefined,
      load: undefined,
      upstream: undefined,
      description: `not pinned (${cpus < 2 ? 'one CPU' : 'no taskset'}): proxy figures are not one-core figures`,
    };
  const upstream = cpus >= 3 ? 2 : 0;
  return {
    proxy: 1,
    load: 0,
    upstream,
    description:
      upstream === 0
        ? 'proxies on CPU 1; load generator, upstream app and control plane share CPU 0'
        : 'proxies on CPU 1; load generator and control plane on CPU 0; upstream app on CPU 2',
  };
}

/** `command args` prefixed with `taskset -c <cpu>` when `cpu` is set. */
export function pinned(
  cpu: number | undefined,
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  return cpu === undefined
    ? { command, args: [...args] }
    : { command: 'taskset', args: ['-c', String(cpu), command, ...args] };
}

/**
 * Moves this process (every thread) onto `cpu` until the returned function is called, which gives it back every
 * CPU. The harness waits through data-plane runs, but its GCs and timers would otherwise be scheduled on the
 * idle-looking proxy core and stall the proxies under test.
 */
export function pinSelf(cpu: number | undefined): () => void {
  if (cpu === undefined) return () => undefined;
  const set = (list: string): void => {
    spawnSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
  };
  // Read before pinning: afterwards the process sees only the one CPU.
  const every = `0-${os.availableParallelism() - 1}`;
  set(String(cpu));
  return () => set(every);
}
