// Runs `bin/switchyard control-plane` as a child on free loopback ports, follows its JSON log and reads its RSS.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../harness/bench-options.ts';
import { reapOnExit, stopChild } from '../harness/child-reaper.ts';
import { pinned } from '../data-plane/cpu-pinning.ts';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export type LogEntry = Record<string, unknown>;

export interface ControlPlaneProcessOptions {
  readonly dataDir: string;
  /** `name=value` quota overrides. */
  readonly quotas: Readonly<Record<string, number>>;
  /** When set, the process runs under --cpu-prof and writes its profile here on exit. */
  readonly cpuProfDir?: string;
  readonly readyTimeoutMs?: number;
  /** Pins the control plane to this CPU (data-plane runs keep it off the proxies' core). */
  readonly cpu?: number;
  /** `postgres://…`: the store is this database instead of SQLite in dataDir. */
  readonly databaseUrl?: string;
}

function parseHostPort(value: unknown): HostPort {
  const match = /^(.*):(\d+)$/.exec(String(value));
  if (!match) throw new Error(`control plane logged an address that is not HOST:PORT: ${String(value)}`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

/** VmRSS of a Linux process, MiB. */
export async function readRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) / 1024;
}

export class ControlPlaneProcess {
  readonly child: ChildProcess;
  readonly #listeners = new Set<(entry: LogEntry) => void>();
  #stderr = '';
  #api: HostPort | undefined;
  #xds: HostPort | undefined;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        return;
      }
      for (const listener of this.#listeners) listener(entry);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get apiAddress(): HostPort {
    return this.#api!;
  }

  get xdsAddress(): HostPort {
    return this.#xds!;
  }

  static async start(options: ControlPlaneProcessOptions): Promise<ControlPlaneProcess> {
    const quota = Object.entries(options.quotas)
      .map(([name, value]) => `${name}=${value}`)
      .join(',');
    const args = ['control-plane', '--api-addr', '127.0.0.1:0', '--xds-addr', '127.0.0.1:0'];
    args.push('--data-dir', options.dataDir, '--quota', quota);
    if (options.databaseUrl !== undefined) args.push('--store', options.databaseUrl);
    const env: NodeJS.ProcessEnv = { ...process.env, SWITCHYARD_LOG_LEVEL: 'info' };
    if (options.cpuProfDir !== undefined) {
      env.NODE_OPTIONS = [
        process.env.NODE_OPTIONS ?? '',
        '--cpu-prof',
        `--cpu-prof-dir=${options.cpuProfDir}`,
      ]
        .join(' ')
        .trim();
    }
    const command = pinned(options.cpu, path.join(repoRoot, 'bin/switchyard'), args);
    const child = spawn(command.command, command.args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    reapOnExit(child);
    const cp = new ControlPlaneProcess(child);
    const ready = await new Promise<LogEntry>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`control plane not ready in time; stderr: ${cp.#stderr}`));
      }, options.readyTimeoutMs ?? 60_000);
      const stop = cp.onLog((entry) => {
        if (entry.msg !== 'control plane ready') return;
        clearTimeout(timer);
        stop();
        resolve(entry);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`control plane exited (${code ?? signal}) before it was ready; stderr: ${cp.#stderr}`),
        );
      });
    });
    cp.#api = parseHostPort(ready.apiAddr);
    cp.#xds = parseHostPort(ready.xdsAddr);
    return cp;
  }

  /** Calls `listener` with every log line from now on; returns an unsubscribe function. */
  onLog(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  rssMb(): Promise<number> {
    return readRssMb(this.pid);
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    await stopChild(this.child, graceMs);
  }
}
