// Runs `bin/switchyard` as a child process and keeps what it says: its JSON log lines and its stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const switchyardBin = path.join(repoRoot, 'bin/switchyard');

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export interface SwitchyardProcess {
  readonly child: ChildProcess;
  /** Every JSON log line seen so far (other output, such as access log lines, is left out). */
  readonly logs: Record<string, unknown>[];
  stderr(): string;
  /** How it ended (`exit 1`, `SIGKILL`), or undefined while it runs. */
  ended(): string | undefined;
  /** Sends `signal` (unless it has ended) and resolves with the exit code once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `switchyard <args>` with info-level logs on stdout. */
export function spawnSwitchyard(
  args: readonly string[],
  env: Record<string, string> = {},
): SwitchyardProcess {
  const child = spawn(switchyardBin, args, {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a structured log line.
    }
  });
  return {
    child,
    logs,
    stderr: () => stderr,
    ended: () =>
      child.signalCode !== null
        ? child.signalCode
        : child.exitCode !== null
          ? `exit ${child.exitCode}`
          : undefined,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const exited = waitForExit(child);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
