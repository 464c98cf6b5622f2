// A gRPC service behind a sidecar that says who it is: `Echo` answers `<name>:<text>` with the :authority it
// saw in trailer `x-seen-authority`; `Chat` streams each message back upper-cased. Same wire as the e2e app.
import * as grpc from '@grpc/grpc-js';
import { echoService, type Msg } from '../../e2e/support/grpc-app.ts';

export async function startGrpcTeller(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = new grpc.Server();
  server.addService(echoService, {
    echo: (call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
      const trailer = new grpc.Metadata();
      trailer.set('x-seen-authority', call.getHost());
      if (call.request.text === 'fail') {
        cb({ code: grpc.status.FAILED_PRECONDITION, details: `${name} refuses`, metadata: trailer });
        return;
      }
      cb(null, { text: `${name}:${call.request.text}` }, trailer);
    },
    chat: (call: grpc.ServerDuplexStream<Msg, Msg>) => {
      call.on('data', (m: Msg) => call.write({ text: `${name}:${m.text.toUpperCase()}`, n: m.n }));
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    port,
    close: async () => {
      server.forceShutdown();
    },
  };
}
