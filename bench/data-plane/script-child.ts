// Runs one of the data-plane helper scripts (upstream apps, load generators) as a pinned Node child that talks in
// JSON lines on stdout: the parent reads them in order with next().

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { reapOnExit, stopChild } from '../harness/child-reaper.ts';
import { pinned } from './cpu-pinning.ts';

export class ScriptChild {
  readonly child: ChildProcess;
  readonly #script: string;
  readonly #lines: unknown[] = [];
  readonly #waiters: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  #stderr = '';
  #exit: Error | undefined;

  private constructor(child: ChildProcess, script: string) {
    this.child = child;
    this.#script = script;
    child.stderr!.on(
      'data',
      (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(message);
      else this.#lines.push(message);
    });
    // 'close', not 'exit': the last lines on stdout may still be in flight when the process has exited.
    child.once('close', (code, signal) => {
      this.#exit = new Error(
        `${script} exited (${code ?? signal})${this.#stderr ? `: ${this.#stderr.trim()}` : ''}`,
      );
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#exit);
    });
  }

  /**
   * Starts `bench/data-plane/<script>` with `config` as its one JSON argument, on `cpu` when set; `nodeFlags` go
   * to Node.js itself, before the script.
   */
  static start(
    script: string,
    config: unknown,
    cpu: number | undefined,
    nodeFlags: readonly string[] = [],
  ): ScriptChild {
    const file = path.join(import.meta.dirname, script);
    const { command, args } = pinned(cpu, process.execPath, [...nodeFlags, file, JSON.stringify(config)]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    reapOnExit(child);
    return new ScriptChild(child, script);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The next JSON line the script prints; rejects if it exits first or `timeoutMs` passes. */
  next<T>(timeoutMs = 120_000): Promise<T> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(queued as T);
    if (this.#exit) return Promise.reject(this.#exit);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`${this.#script} said nothing within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        resolve: (v: unknown) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 5000);
  }
}
