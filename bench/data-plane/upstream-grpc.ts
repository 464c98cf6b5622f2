// Child script: the upstream app of the gRPC scenario, a grpc-js server answering Echo with 1 KiB. Prints {"port"}.

import * as grpc from '@grpc/grpc-js';
import { echoService, grpcAnswer } from './grpc-echo.ts';

const server = new grpc.Server();
server.addService(echoService, {
  echo: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
    callback(null, grpcAnswer),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw new Error('gRPC upstream could not bind', { cause: error });
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => {
  server.forceShutdown();
  process.exit(0);
});
