// gRPC apps for tests to put behind a proxy or reach through xDS: they say who answered; no .proto needed.
import * as grpc from '@grpc/grpc-js';

/** The JSON-coded messages of `test.Echo`. */
export interface Msg {
  text: string;
  n?: number;
}

const json = {
  serialize: (v: Msg): Buffer => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer): Msg => JSON.parse(b.toString()) as Msg,
};

const jsonMethod = (name: string, stream: boolean) => ({
  path: `/test.Echo/${name}`,
  requestStream: stream,
  responseStream: stream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});

/** `test.Echo`: unary `Echo` and bidi `Chat`. */
export const echoService = {
  echo: jsonMethod('Echo', false),
  chat: jsonMethod('Chat', true),
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

export interface GrpcApp {
  readonly port: number;
  close(): Promise<void>;
}

async function bind(server: grpc.Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
}

/**
 * Serves `test.Echo`. `Echo` answers `<name>:<text>` (name default `echo`) with trailers `x-trailer: present` and
 * `x-seen-authority: <the :authority it saw>`; text `fail` answers FAILED_PRECONDITION (details `you asked for it`,
 * or `<name> refuses` for a named app) with `x-reason: asked-to-fail`. `Chat` streams each message back upper-cased
 * (prefixed `<name>:` for a named app).
 */
export async function startGrpcApp(options: { name?: string; port?: number } = {}): Promise<GrpcApp> {
  const { name } = options;
  const server = new grpc.Server();
  server.addService(echoService, {
    echo: (call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
      const trailer = new grpc.Metadata();
      trailer.set('x-seen-authority', call.getHost());
      if (call.request.text === 'fail') {
        trailer.set('x-reason', 'asked-to-fail');
        const details = name === undefined ? 'you asked for it' : `${name} refuses`;
        cb({ code: grpc.status.FAILED_PRECONDITION, details, metadata: trailer });
        return;
      }
      trailer.set('x-trailer', 'present');
      cb(null, { text: `${name ?? 'echo'}:${call.request.text}` }, trailer);
    },
    chat: (call: grpc.ServerDuplexStream<Msg, Msg>) => {
      const prefix = name === undefined ? '' : `${name}:`;
      call.on('data', (m: Msg) => call.write({ text: `${prefix}${m.text.toUpperCase()}`, n: m.n }));
      call.on('end', () => call.end());
    },
  });
  const port = await bind(server, options.port ?? 0);
  return {
    port,
    close: async () => {
      server.forceShutdown();
    },
  };
}

/** A unary method with raw bytes both ways (what grpc-js-xds clients call in the xDS tests). */
export const rawEchoMethodPath = '/switchyard.test.Echo/Echo';
export const rawEchoServiceName = 'switchyard.test.Echo';

const bytes = (b: Buffer): Buffer => b;

export const rawEchoService: grpc.ServiceDefinition = {
  Echo: {
    path: rawEchoMethodPath,
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
};

/** Request metadata the named backends obey. */
export const behaviour = {
  /** Answer after this many milliseconds (or when the call is cancelled). */
  delayMs: 'x-delay-ms',
  /** Fail the first attempt carrying this id with UNAVAILABLE, answer later attempts. */
  failFirst: 'x-fail-first',
} as const;

export interface NamedBackend {
  readonly name: string;
  readonly port: number;
  /** Attempts received (including failed ones). */
  attempts: number;
  close(): void;
}

/** Serves the raw `Echo`, answering with its own name; request metadata (`behaviour`) makes it slow or flaky. */
export async function startNamedBackend(name: string): Promise<NamedBackend> {
  const server = new grpc.Server();
  const failedOnce = new Set<string>();
  const backend = { name, port: 0, attempts: 0, close: () => server.forceShutdown() };
  server.addService(rawEchoService, {
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
  backend.port = await bind(server, 0);
  return backend;
}
