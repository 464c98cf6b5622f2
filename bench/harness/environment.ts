// Describes the machine and the code a run measured, so numbers from different runs can be compared honestly.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { repoRoot } from './bench-options.ts';

export interface Environment {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly totalMemoryMb: number;
  readonly gitCommit: string | undefined;
  /** True when the working tree had uncommitted changes: the commit alone does not name the code measured. */
  readonly gitDirty: boolean | undefined;
}

function git(args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

export function describeEnvironment(): Environment {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: os.availableParallelism(),
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: status === undefined ? undefined : status !== '',
  };
}
