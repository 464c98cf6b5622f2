// Starts the real `bin/switchyard control-plane` as a child process on free ports and waits for its ready line.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const switchyardBin = path.join(repoRoot, 'bin/switchyard');

export interface ControlPlaneProcess {
  readonly child: ChildProcess;
  readonly endpoint: string;
  readonly dataDir: string;
  /** Every JSON log line seen so far. */
  readonly logs: Record<string, unknown>[];
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `switchyard-${prefix}-`));
}

export interface StartOptions {
  readonly dataDir?: string;
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Starts a control plane; rejects (with its stderr) if it exits or is not ready within the timeout. */
export async function startControlPlaneProcess(options: StartOptions = {}): Promise<ControlPlaneProcess> {
  const dataDir = options.dataDir ?? (await makeTempDir('cp'));
  const args = [
    'control-plane',
    '--api-addr',
    '127.0.0.1:0',
    '--xds-addr',
    '127.0.0.1:0',
    '--data-dir',
    dataDir,
  ];
  const child = spawn(switchyardBin, [...args, ...(options.args ?? [])], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`control plane not ready in time; stderr: ${stderr}`)),
      options.timeoutMs ?? 30_000,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'control plane ready') {
          clearTimeout(timer);
          resolve(String(entry.apiAddr));
        }
      } catch {
        // Non-JSON output is kept out of the log list.
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`control plane exited with ${code} before it was ready; stderr: ${stderr}`));
    });
  });
  const apiAddr = await ready;
  return {
    child,
    endpoint: `http://${apiAddr}`,
    dataDir,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const exited = waitForExit(child);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
