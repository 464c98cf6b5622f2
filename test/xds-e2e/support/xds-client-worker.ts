// Worker thread hosting one @grpc/grpc-js-xds channel, configured only by the bootstrap file named in its
// GRPC_XDS_BOOTSTRAP (each worker has its own copy of the library, so its own bootstrap). A worker, because grpc-js-xds 1.14.1 leaves a 10 s
// failover timer running when it destroys a priority child, which would keep a test process alive after
// the channel is closed; terminating the worker ends such timers with it.
import { parentPort, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { rawEchoMethodPath, rawEchoService } from '../../support/grpc-echo-apps.ts';
import type { CallOptions, CallResult, WorkerRequest, WorkerSetup } from './xds-client-protocol.ts';

const setup = workerData as WorkerSetup;
grpcXds.register();
const Echo = grpc.makeGenericClientConstructor(rawEchoService, 'Echo');
const client = new Echo(`xds:///${setup.target}`, grpc.credentials.createInsecure());

function call(options: CallOptions): Promise<CallResult> {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      rawEchoMethodPath,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from('hi'),
      metadata,
      { deadline: Date.now() + (options.deadlineMs ?? 5000) },
      (error, reply) =>
        resolve(
          error
            ? { ok: false, code: error.code, details: error.details }
            : { ok: true, backend: reply!.toString() },
        ),
    ),
  );
}

async function tally(count: number, options: CallOptions, concurrency: number): Promise<[string, number][]> {
  const counts = new Map<string, number>();
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      const result = await call(options);
      const key = result.ok ? result.backend : `!${grpc.status[result.code]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return [...counts];
}

parentPort!.on('message', (request: WorkerRequest) => {
  const answer =
    request.op === 'call'
      ? call(request.options)
      : tally(request.count, request.options, request.concurrency);
  void answer.then((result) => parentPort!.postMessage({ id: request.id, result }));
});
