// Starts the real `bin/switchyard control-plane` as a child process on free ports; ready once both ports answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePorts } from './free-ports.ts';
import { waitFor } from './wait-for.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const switchyardBin = path.join(repoRoot, 'bin/switchyard');

export interface ControlPlaneProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<api port>` */
  readonly endpoint: string;
  readonly apiPort: number;
  readonly xdsPort: number;
  readonly dataDir: string;
  /** Every JSON log line seen so far. */
  readonly logs: Record<string, unknown>[];
  stderr(): string;
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ControlPlaneOptions {
  readonly dataDir?: string;
  /** Fixed ports (a restart on the same addresses); free ones are picked when omitted. */
  readonly apiPort?: number;
  readonly xdsPort?: number;
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `switchyard-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** True once something accepts a TCP connection on 127.0.0.1:`port`. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a control plane; resolves once its API answers and its xDS port accepts connections. Rejects (with its
 * stderr) if it exits first or is not ready within the timeout, and then leaves no process behind.
 */
export async function startControlPlaneProcess(
  options: ControlPlaneOptions = {},
): Promise<ControlPlaneProcess> {
  const dataDir = options.dataDir ?? (await makeTempDir('cp'));
  const picked = await freePorts(2);
  const apiPort = options.apiPort ?? (picked[0] as number);
  const xdsPort = options.xdsPort ?? (picked[1] as number);
  const args = [
    'control-plane',
    '--api-addr',
    `127.0.0.1:${apiPort}`,
    '--xds-addr',
    `127.0.0.1:${xdsPort}`,
    '--data-dir',
    dataDir,
    ...(options.args ?? []),
  ];
  const child = spawn(switchyardBin, args, {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Non-JSON output is kept out of the log list.
    }
  });
  const endpoint = `http://127.0.0.1:${apiPort}`;
  const cp: ControlPlaneProcess = {
    child,
    endpoint,
    apiPort,
    xdsPort,
    dataDir,
    logs,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const exited = waitForExit(child);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await waitFor(
      'the control plane to answer on its API and xDS ports',
      async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new ExitedEarly(`control plane exited with ${child.exitCode ?? child.signalCode}: ${stderr}`);
        // The API listens first and the xDS server second (see control-plane.ts): both must answer.
        const api = await fetch(`${endpoint}/v20190125/meshes`).then(
          async (r) => (await r.arrayBuffer(), r.status === 200),
          () => false,
        );
        return api && (await accepts(xdsPort));
      },
      { timeoutMs: options.timeoutMs ?? 30_000, bail: (e) => e instanceof ExitedEarly },
    );
  } catch (error) {
    await cp.stop('SIGKILL');
    throw new Error(`${(error as Error).message}; stderr: ${stderr}`, { cause: error });
  }
  return cp;
}

class ExitedEarly extends Error {}
