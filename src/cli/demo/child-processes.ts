// The demo's child processes (its sidecars and gateway): started with readiness checks, all stopped together.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const switchyardBin = path.resolve(import.meta.dirname, '../../../bin/switchyard');

export class ChildProcesses {
  readonly #children = new Set<ChildProcess>();

  /** Starts `switchyard <args>`; its output goes to `logFile`-less pipes that are drained and dropped. */
  start(
    name: string,
    args: readonly string[],
    onExit: (name: string, code: number | null) => void,
  ): ChildProcess {
    const child = spawn(switchyardBin, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.#children.add(child);
    child.once('exit', (code) => {
      this.#children.delete(child);
      if (stderr.trim()) process.stderr.write(`${name}: ${stderr.trim()}\n`);
      onExit(name, code);
    });
    return child;
  }

  /** SIGKILL to every child still running, synchronously: for an exit that cannot wait for a clean stop. */
  killAllNow(): void {
    for (const child of this.#children) child.kill('SIGKILL');
  }

  /** SIGTERM to every child, then SIGKILL to any still alive after `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    const exits = [...this.#children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    );
    const timer = setTimeout(() => {
      for (const child of this.#children) child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(exits);
    clearTimeout(timer);
  }
}

/** Polls `url` until it answers 2xx, or fails after `timeoutMs`. */
export async function waitUntilOk(url: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s (${last})`);
}
