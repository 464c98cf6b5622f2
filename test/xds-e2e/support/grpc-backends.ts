// Test gRPC servers on 127.0.0.1 that answer with their own name; request metadata makes them slow or flaky.
import * as grpc from '@grpc/grpc-js';

/** A unary method with raw bytes both ways, so the tests need no proto of their own. */
export const echoMethodPath = '/switchyard.test.Echo/Echo';
export const echoServiceName = 'switchyard.test.Echo';

const bytes = (b: Buffer): Buffer => b;

export const echoService: grpc.ServiceDefinition = {
  Echo: {
    path: echoMethodPath,
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
};

/** Metadata the backends obey. */
export const behaviour = {
  /** Answer after this many milliseconds (or when the call is cancelled). */
  delayMs: 'x-delay-ms',
  /** Fail the first attempt carrying this id with UNAVAILABLE, answer later attempts. */
  failFirst: 'x-fail-first',
} as const;

export interface Backend {
  readonly name: string;
  readonly port: number;
  /** Attempts received (including failed ones). */
  attempts: number;
  close(): void;
}

export async function startBackend(name: string): Promise<Backend> {
  const server = new grpc.Server();
  const failedOnce = new Set<string>();
  const backend = { name, port: 0, attempts: 0, close: () => server.forceShutdown() };
  server.addService(echoService, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
      backend.attempts += 1;
      const failId = call.metadata.get(behaviour.failFirst)[0];
      if (typeof failId === 'string' && !failedOnce.has(failId)) {
        failedOnce.add(failId);
        done({ code: grpc.status.UNAVAILABLE, details: `${name} fails the first attempt of ${failId}` });
        return;
      }
      const delay = Number(call.metadata.get(behaviour.delayMs)[0] ?? 0);
      if (delay <= 0) {
        done(null, Buffer.from(name));
        return;
      }
      const timer = setTimeout(() => done(null, Buffer.from(name)), delay);
      call.on('cancelled', () => clearTimeout(timer));
    },
  });
  backend.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
  return backend;
}
