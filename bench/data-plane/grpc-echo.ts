// The gRPC service of the gRPC unary scenario: one unary method, raw bytes in and out (no .proto), 1 KiB answers.

import * as grpc from '@grpc/grpc-js';

export const grpcServiceName = 'bench.Echo';

const identity = {
  serialize: (value: Buffer): Buffer => value,
  deserialize: (bytes: Buffer): Buffer => bytes,
};

export const echoService = {
  echo: {
    path: `/${grpcServiceName}/Echo`,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity.serialize,
    requestDeserialize: identity.deserialize,
    responseSerialize: identity.serialize,
    responseDeserialize: identity.deserialize,
  },
} satisfies grpc.ServiceDefinition;

export type EchoClient = grpc.Client & {
  echo(
    request: Buffer,
    callback: (error: grpc.ServiceError | null, response?: Buffer) => void,
  ): grpc.ClientUnaryCall;
};

export const EchoClient = grpc.makeGenericClientConstructor(echoService, 'Echo') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => EchoClient;

export const grpcAnswer = Buffer.alloc(1024, 'x');
export const grpcRequest = Buffer.from('ping');
