// The benchmark's handle on an xds-client-sim child: start it, arm a marker, wait for every stream's ACK.

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { benchDir } from '../harness/bench-options.ts';
import { reapOnExit } from '../harness/child-reaper.ts';
import type { ChildMessage, ParentMessage, SimObserved, SimReady } from '../xds-sim/sim-protocol.ts';
import type { HostPort } from './control-plane-process.ts';

export interface SimulatorOptions {
  readonly xds: HostPort;
  readonly nodeIds: readonly string[];
  readonly streamsPerConnection: number;
  readonly readyTimeoutMs: number;
}

export class ClientSimulator {
  readonly #child: ChildProcess;
  readonly #waiters = new Set<(message: ChildMessage) => boolean>();
  #exitError: Error | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: ChildMessage) => {
      for (const waiter of this.#waiters) if (waiter(message)) this.#waiters.delete(waiter);
    });
    child.once('exit', (code, signal) => {
      this.#exitError = new Error(`xds-client-sim exited (${code ?? signal})`);
      const failed: ChildMessage = { type: 'failed', message: this.#exitError.message };
      for (const waiter of this.#waiters) waiter(failed);
      this.#waiters.clear();
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Forks the simulator and resolves once every stream has its initial config or has failed. */
  static async start(options: SimulatorOptions): Promise<{ simulator: ClientSimulator; ready: SimReady }> {
    const child = fork(path.join(benchDir, 'xds-client-sim.ts'), [], {
      execPath: process.execPath,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    reapOnExit(child);
    const simulator = new ClientSimulator(child);
    const ready = simulator.#next((m): m is SimReady => m.type === 'ready', options.readyTimeoutMs + 10_000);
    simulator.#send({
      type: 'start',
      xdsHost: options.xds.host,
      xdsPort: options.xds.port,
      nodeIds: options.nodeIds,
      streamsPerConnection: options.streamsPerConnection,
      readyTimeoutMs: options.readyTimeoutMs,
    });
    try {
      return { simulator, ready: await ready };
    } catch (error) {
      await simulator.close();
      throw error;
    }
  }

  async arm(marker: number): Promise<void> {
    const armed = this.#next((m) => m.type === 'armed' && m.marker === marker, 10_000);
    this.#send({ type: 'arm', marker });
    await armed;
  }

  /** Every stream's ACK time for `marker`; after `timeoutMs`, whatever was seen (with `missing` > 0). */
  async observed(marker: number, timeoutMs: number): Promise<SimObserved> {
    const isIt = (m: ChildMessage): m is SimObserved => m.type === 'observed' && m.marker === marker;
    try {
      return await this.#next(isIt, timeoutMs);
    } catch {
      const partial = this.#next(isIt, 10_000);
      this.#send({ type: 'collect', marker });
      return partial;
    }
  }

  async close(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) this.#send({ type: 'close' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  #send(message: ParentMessage): void {
    if (this.#exitError) throw this.#exitError;
    this.#child.send(message);
  }

  #next<T extends ChildMessage>(accept: (m: ChildMessage) => m is T, timeoutMs: number): Promise<T>;
  #next(accept: (m: ChildMessage) => boolean, timeoutMs: number): Promise<ChildMessage>;
  #next(accept: (m: ChildMessage) => boolean, timeoutMs: number): Promise<ChildMessage> {
    if (this.#exitError) return Promise.reject(this.#exitError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`xds-client-sim did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (m: ChildMessage): boolean => {
        if (m.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(m.message));
          return true;
        }
        if (!accept(m)) return false;
        clearTimeout(timer);
        resolve(m);
        return true;
      };
      this.#waiters.add(waiter);
    });
  }
}
