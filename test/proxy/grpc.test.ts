// gRPC through the proxy over HTTP/2 both sides: unary, errors with trailers, bidirectional streaming.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { MeshProxy } from '../../src/proxy/index.ts';
import {
  http2Cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
  ms,
} from './envoy-fixtures.ts';

interface Msg {
  text: string;
  n?: number;
}

const json = {
  serialize: (v: Msg): Buffer => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer): Msg => JSON.parse(b.toString()) as Msg,
};

const service = {
  echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
  chat: {
    path: '/test.Echo/Chat',
    requestStream: true,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
} satisfies grpc.ServiceDefinition;

type EchoClient = grpc.Client & {
  echo(
    req: Msg,
    md: grpc.Metadata,
    cb: (err: grpc.ServiceError | null, res?: Msg) => void,
  ): grpc.ClientUnaryCall;
  chat(): grpc.ClientDuplexStream<Msg, Msg>;
};

describe('gRPC through the proxy', () => {
  const server = new grpc.Server();
  const proxy = new MeshProxy();
  let client: EchoClient;

  before(async () => {
    server.addService(service, {
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
    const upstreamPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    await proxy.applyConfig(
      snapshot({
        listeners: [httpListener('in')],
        routeConfigurations: [
          routeConfig('in', [
            vhost('grpc', ['echo.svc'], [prefixRoute('/', 'echo', { timeout: ms(0) }, { grpc: {} })]),
          ]),
        ],
        clusters: [http2Cluster('echo')],
        clusterLoadAssignments: [endpoints('echo', [upstreamPort])],
      }),
    );
    const Ctor = grpc.makeGenericClientConstructor(service, 'Echo');
    client = new Ctor(`127.0.0.1:${proxy.listenerPort('in')}`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': 'echo.svc',
    }) as unknown as EchoClient;
  });

  after(async () => {
    client.close();
    await proxy.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  test('unary call with response trailers', async () => {
    const trailers = await new Promise<grpc.Metadata>((resolve, reject) => {
      const call = client.echo({ text: 'hi' }, new grpc.Metadata(), (err, res) => {
        if (err) reject(err);
        else assert.deepEqual(res, { text: 'echo:hi' });
      });
      call.on('status', (s: grpc.StatusObject) => resolve(s.metadata));
    });
    assert.deepEqual(trailers.get('x-trailer'), ['present']);
  });

  test('status codes, messages and trailing metadata are preserved', async () => {
    const err = await new Promise<grpc.ServiceError>((resolve) =>
      client.echo({ text: 'fail' }, new grpc.Metadata(), (e) => resolve(e as grpc.ServiceError)),
    );
    assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(err.details, 'you asked for it');
    assert.deepEqual(err.metadata.get('x-reason'), ['asked-to-fail']);
  });

  test('bidirectional streaming, 200 messages each way', async () => {
    const call = client.chat();
    const got: Msg[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (m: Msg) => got.push(m));
      call.on('end', resolve);
      call.on('error', reject);
    });
    for (let i = 0; i < 200; i++) call.write({ text: `m${i}`, n: i });
    call.end();
    await done;
    assert.equal(got.length, 200);
    assert.deepEqual(got[199], { text: 'M199', n: 199 });
  });

  test('an unroutable gRPC call gets UNIMPLEMENTED from the proxy', async () => {
    const Ctor = grpc.makeGenericClientConstructor(service, 'Echo');
    const other = new Ctor(`127.0.0.1:${proxy.listenerPort('in')}`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': 'unknown.svc',
    }) as unknown as EchoClient;
    try {
      const err = await new Promise<grpc.ServiceError>((resolve) =>
        other.echo({ text: 'x' }, new grpc.Metadata(), (e) => resolve(e as grpc.ServiceError)),
      );
      assert.equal(err.code, grpc.status.UNIMPLEMENTED);
    } finally {
      other.close();
    }
  });
});
