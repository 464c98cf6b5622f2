// gRPC through the proxy over HTTP/2 both sides: unary, errors with trailers, bidirectional streaming.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { MeshProxy } from '../../src/proxy/index.ts';
import {
  EchoClientCtor,
  echoService,
  startGrpcApp,
  type EchoClient,
  type GrpcApp,
  type Msg,
} from '../support/grpc-echo-apps.ts';
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

describe('gRPC through the proxy', () => {
  let server: GrpcApp;
  const proxy = new MeshProxy();
  let client: EchoClient;

  before(async () => {
    server = await startGrpcApp();
    const upstreamPort = server.port;
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
    client = new EchoClientCtor(`127.0.0.1:${proxy.listenerPort('in')}`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': 'echo.svc',
    });
  });

  after(async () => {
    client.close();
    await proxy.close();
    await server.close();
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
    const Ctor = grpc.makeGenericClientConstructor(echoService, 'Echo');
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
