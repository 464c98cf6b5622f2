// gRPC and HTTP/2 through a gateway with a grpc listener and an http2 listener (h2c): a real grpc-js client
// dials the gateway port; gateway routes pick the service by gRPC service name and metadata; unary status and
// trailers and bidi streaming pass through; plain HTTP/2 clients (node:http2, curl) reach an h2c app.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { freePorts } from '../support/free-ports.ts';
import { EchoClientCtor, startGrpcApp, type EchoClient, type Msg } from '../support/grpc-echo-apps.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { curl, hasCurl } from './support/curl.ts';
import type { Echo } from '../support/echo-apps.ts';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.ts';

const mesh = 'gw2';
let h: GatewayHarness;
let grpcPort: number;
let h2Port: number;
let client: EchoClient;
const tellers: { close(): Promise<void> }[] = [];

interface Unary {
  readonly err: grpc.ServiceError | null;
  readonly res?: Msg;
  readonly trailers?: grpc.Metadata;
}

function unary(text: string, metadata: Record<string, string> = {}): Promise<Unary> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve) => {
    let res: Msg | undefined;
    let err: grpc.ServiceError | null = null;
    const call = client.echo({ text }, md, (e, r) => {
      err = e;
      res = r;
    });
    // The status (with trailers) is the last event of a call; the callback may come before it.
    call.on('status', (s: grpc.StatusObject) =>
      setImmediate(() => resolve({ err, res, trailers: s.metadata })),
    );
  });
}

before(async () => {
  h = await startGatewayHarness();
  [grpcPort, h2Port] = (await freePorts(2)) as [number, number];
  const stable = await startGrpcApp({ name: 'greeter-v1' });
  const canary = await startGrpcApp({ name: 'greeter-v2' });
  tellers.push(stable, canary);
  const h2app = await h.startApp('pages-v1', { http2: true });
  const api = h.mesh.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'greeter-v1', servingNode('greeter-v1', stable.port, 'grpc'));
  await api.createNode(mesh, 'greeter-v2', servingNode('greeter-v2', canary.port, 'grpc'));
  await api.createNode(mesh, 'pages-v1', servingNode('pages-v1', h2app.port, 'http2'));
  await api.createRouter(mesh, 'greeter', { listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }] });
  await api.createRoute(mesh, 'greeter', 'all', {
    grpcRoute: {
      match: { serviceName: 'test.Echo' },
      action: { weightedTargets: [{ virtualNode: 'greeter-v1', weight: 1 }] },
    },
  });
  await api.createService(mesh, 'greeter.gw2.local', {
    provider: { virtualRouter: { virtualRouterName: 'greeter' } },
  });
  await api.createService(mesh, 'greeter-canary.gw2.local', {
    provider: { virtualNode: { virtualNodeName: 'greeter-v2' } },
  });
  await api.createService(mesh, 'pages.gw2.local', {
    provider: { virtualNode: { virtualNodeName: 'pages-v1' } },
  });
  await api.createGateway(mesh, 'edge', {
    listeners: [
      { portMapping: { port: grpcPort, protocol: 'grpc' } },
      { portMapping: { port: h2Port, protocol: 'http2' } },
    ],
  });
  const target = (virtualServiceName: string) => ({ target: { virtualService: { virtualServiceName } } });
  await h.requests.send(mesh, [
    {
      kind: 'gatewayRoute',
      virtualGatewayName: 'edge',
      body: {
        gatewayRouteName: 'canary-tenant',
        spec: {
          priority: 0,
          grpcRoute: {
            match: {
              serviceName: 'test.Echo',
              port: grpcPort,
              metadata: [{ name: 'x-tenant', match: { exact: 'canary' } }],
            },
            action: target('greeter-canary.gw2.local'),
          },
        },
      },
    },
    {
      kind: 'gatewayRoute',
      virtualGatewayName: 'edge',
      body: {
        gatewayRouteName: 'greeter',
        spec: {
          priority: 1,
          grpcRoute: {
            match: { serviceName: 'test.Echo', port: grpcPort },
            action: target('greeter.gw2.local'),
          },
        },
      },
    },
    {
      kind: 'gatewayRoute',
      virtualGatewayName: 'edge',
      body: {
        gatewayRouteName: 'pages',
        spec: {
          http2Route: { match: { prefix: '/pages/', port: h2Port }, action: target('pages.gw2.local') },
        },
      },
    },
  ]);
  await Promise.all(
    ['greeter-v1', 'greeter-v2', 'pages-v1'].map((n) => h.mesh.sidecar(`mesh/${mesh}/virtualNode/${n}`)),
  );
  await h.gateway(mesh, 'edge');
  client = new EchoClientCtor(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  await waitFor('both greeters reachable through the gateway', async () => {
    const [a, b] = await Promise.all([unary('hi'), unary('hi', { 'x-tenant': 'canary' })]);
    return a.res?.text === 'greeter-v1:hi' && b.res?.text === 'greeter-v2:hi';
  });
});

after(async () => {
  client?.close();
  await h?.close();
  await Promise.all(tellers.map((t) => t.close()));
});

test('gRPC unary through the gateway: reply, trailers, and the service name as :authority', async () => {
  const { err, res, trailers } = await unary('edge');
  assert.equal(err, null);
  assert.equal(res?.text, 'greeter-v1:edge');
  assert.deepEqual(trailers?.get('x-seen-authority'), ['greeter.gw2.local']);
});

test('gRPC metadata match picks the canary service', async () => {
  assert.equal((await unary('x', { 'x-tenant': 'canary' })).res?.text, 'greeter-v2:x');
  assert.equal((await unary('x', { 'x-tenant': 'other' })).res?.text, 'greeter-v1:x');
});

test('gRPC error status and its trailers pass through the gateway', async () => {
  const { err } = await unary('fail');
  assert.equal(err?.code, grpc.status.FAILED_PRECONDITION);
  assert.equal(err?.details, 'greeter-v1 refuses');
  assert.deepEqual(err?.metadata.get('x-seen-authority'), ['greeter.gw2.local']);
});

test('gRPC bidi streaming through the gateway', async () => {
  const call = client.chat();
  const got: Msg[] = [];
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (m: Msg) => got.push(m));
    call.on('end', resolve);
    call.on('error', reject);
  });
  for (let n = 0; n < 20; n++) call.write({ text: `m${n}`, n });
  call.end();
  await done;
  assert.equal(got.length, 20);
  assert.ok(got.every((m, n) => m.text === `greeter-v1:M${n}` && m.n === n));
});

test('a gRPC service no gateway route names is UNIMPLEMENTED (HTTP 404 at the gateway)', async () => {
  const other = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  try {
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      other.makeUnaryRequest(
        '/other.Service/Call',
        (v: Buffer) => v,
        (b: Buffer) => b,
        Buffer.from('{}'),
        (e) => resolve(e),
      ),
    );
    assert.equal(err?.code, grpc.status.UNIMPLEMENTED);
  } finally {
    other.close();
  }
});

test('HTTP/2 listener: an h2c client reaches the h2c app, prefix and Host rewritten', async () => {
  const session = http2.connect(`http://127.0.0.1:${h2Port}`);
  try {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = session.request({ ':path': '/pages/about?x=1' });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (body += c));
      stream.on('end', () => resolve({ status, body }));
      stream.on('error', reject);
      stream.end();
    });
    assert.equal(answer.status, 200);
    const seen = JSON.parse(answer.body) as Echo;
    assert.deepEqual(seen, { app: 'pages-v1', method: 'GET', path: '/about?x=1', host: 'pages.gw2.local' });
  } finally {
    session.close();
  }
  if (hasCurl) {
    const r = await curl(['--http2-prior-knowledge', `http://127.0.0.1:${h2Port}/pages/x`]);
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body) as Echo).path, '/x');
    assert.equal(
      (await curl(['--http2-prior-knowledge', `http://127.0.0.1:${h2Port}/elsewhere`])).status,
      404,
    );
  }
});
