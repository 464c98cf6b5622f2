// A proxyless gRPC client of the mesh: a real @grpc/grpc-js-xds channel (in a worker thread) whose only
// configuration is a bootstrap file naming the control plane and the client's virtual node.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { waitFor } from '../../support/wait-for.ts';
import type {
  CallOptions,
  CallResult,
  WorkerAnswer,
  WorkerRequest,
  WorkerSetup,
} from './xds-client-protocol.ts';

export type { CallOptions, CallResult } from './xds-client-protocol.ts';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class MeshGrpcClient {
  readonly #worker: Worker;
  readonly #dir: string;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  /** `target` is the virtual service, e.g. `echo.e2e.local` (the channel dials `xds:///<target>`). */
  constructor(xdsPort: number, nodeId: string, target: string) {
    this.#dir = mkdtempSync(path.join(tmpdir(), 'switchyard-xds-client-'));
    const bootstrapFile = path.join(this.#dir, 'bootstrap.json');
    const bootstrap = {
      xds_servers: [{ server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }] }],
      node: { id: nodeId, locality: {} },
    };
    writeFileSync(bootstrapFile, JSON.stringify(bootstrap));
    const setup: WorkerSetup = { target };
    this.#worker = new Worker(new URL('./xds-client-worker.ts', import.meta.url), {
      workerData: setup,
      env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrapFile },
    });
    this.#worker.on('message', (answer: WorkerAnswer) => {
      const pending = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      pending?.resolve(answer.result);
    });
    this.#worker.on('error', (error) => this.#failAll(error));
    this.#worker.on('exit', (code) => this.#failAll(new Error(`grpc client worker exited with ${code}`)));
  }

  call(options: CallOptions = {}): Promise<CallResult> {
    return this.#ask({ id: this.#nextId++, op: 'call', options }) as Promise<CallResult>;
  }

  /** `count` calls, `concurrency` at a time; how many landed on each backend (failures under `!<CODE>`). */
  async tally(count: number, options: CallOptions = {}, concurrency = 50): Promise<Map<string, number>> {
    const entries = (await this.#ask({ id: this.#nextId++, op: 'tally', count, options, concurrency })) as [
      string,
      number,
    ][];
    return new Map(entries);
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #ask(request: WorkerRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#pending.set(request.id, { resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

export interface Observed {
  /** When the call started, relative to the action's start (ms). */
  readonly startedMs: number;
  readonly result: CallResult;
}

/**
 * Keeps `concurrency` calls in flight from before `action` starts until `settled` holds for what was observed
 * (or `timeoutMs` passes), so a change can be seen as it reaches live traffic and no failed call goes unseen.
 */
export async function trafficDuring(
  client: MeshGrpcClient,
  action: () => Promise<void>,
  settled: (observed: readonly Observed[]) => boolean,
  options: CallOptions & { concurrency?: number; timeoutMs?: number } = {},
): Promise<Observed[]> {
  const observed: Observed[] = [];
  let origin = performance.now();
  let stop = false;
  const loop = async (): Promise<void> => {
    while (!stop) {
      const startedMs = performance.now() - origin;
      observed.push({ startedMs, result: await client.call(options) });
    }
  };
  const loops = Array.from({ length: options.concurrency ?? 4 }, loop);
  // Traffic flows before the action, so the change meets calls already in flight.
  await waitFor('traffic before the change', async () => (observed.length >= 20 ? true : undefined));
  observed.length = 0;
  origin = performance.now();
  try {
    await action();
    await waitFor(
      'the change to settle in live traffic',
      async () => (settled(observed) ? true : undefined),
      { timeoutMs: options.timeoutMs },
    );
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  return observed.sort((a, b) => a.startedMs - b.startedMs);
}
