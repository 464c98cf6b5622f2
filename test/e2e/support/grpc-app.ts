// A small gRPC app (JSON-coded messages, no .proto needed): unary Echo with status/trailers, bidi Chat.
import * as grpc from '@grpc/grpc-js';

export interface Msg {
  text: string;
  n?: number;
}

const json = {
  serialize: (v: Msg): Buffer => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer): Msg => JSON.parse(b.toString()) as Msg,
};

const method = (name: string, stream: boolean) => ({
  path: `/test.Echo/${name}`,
  requestStream: stream,
  responseStream: stream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});

export const echoService = {
  echo: method('Echo', false),
  chat: method('Chat', true),
} satisfies grpc.ServiceDefinition;

export type EchoClient = grpc.Client & {
  echo(
    req: Msg,
    md: grpc.Metadata,
    cb: (err: grpc.ServiceError | null, res?: Msg) => void,
  ): grpc.ClientUnaryCall;
  chat(): grpc.ClientDuplexStream<Msg, Msg>;
};

export const EchoClientCtor = grpc.makeGenericClientConstructor(echoService, 'Echo') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => EchoClient;

/** `echo` answers `echo:<text>` with trailer `x-trailer: present`; text `fail` answers FAILED_PRECONDITION. */
export async function startGrpcApp(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const server = new grpc.Server();
  server.addService(echoService, {
    echo: (call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
      if (call.request.text === 'fail') {
        const md = new grpc.Metadata();
        md.set('x-reason', 'asked-to-fail');
        cb({ code: grpc.status.FAILED_PRECONDITION, details: 'you asked for it', metadata: md });
        return;
      }
      const trailer = new grpc.Metadata();
      trailer.set('x-trailer', 'present');
      cb(null, { text: `echo:${call.request.text}` }, trailer);
    },
    chat: (call: grpc.ServerDuplexStream<Msg, Msg>) => {
      call.on('data', (m: Msg) => call.write({ text: m.text.toUpperCase(), n: m.n }));
      call.on('end', () => call.end());
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}
