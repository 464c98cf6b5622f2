// gRPC and HTTP/2 through two sidecars: unary calls with status codes and trailers, bidirectional streaming,
// and plain HTTP/2 (h2c) end to end. The client dials its sidecar's outbound port; :authority picks the service.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { EchoClientCtor, startGrpcApp, type EchoClient, type Msg } from '../support/grpc-echo-apps.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'g';
let h: MeshHarness;
let grpcApp: { port: number; close(): Promise<void> };
let h2App: http2.Http2Server;
let h2Port: number;
let clientSidecar: SidecarProcess;
let echo: EchoClient;

function unary(
  text: string,
): Promise<{ err: grpc.ServiceError | null; res?: Msg; trailers?: grpc.Metadata }> {
  return new Promise((resolve) => {
    let trailers: grpc.Metadata | undefined;
    const call = echo.echo({ text }, new grpc.Metadata(), (err, res) => {
      // The status (and its trailers) arrives after the callback in some grpc-js paths; wait one turn.
      setImmediate(() => resolve({ err, res, trailers }));
    });
    call.on('status', (s: grpc.StatusObject) => (trailers = s.metadata));
  });
}

before(async () => {
  h = await startMesh();
  grpcApp = await startGrpcApp();
  h2App = http2.createServer((req, res) => {
    res.setHeader('x-http-version', req.httpVersion);
    res.end(`h2 ${req.url}`);
  });
  await new Promise<void>((resolve) => h2App.listen(0, '127.0.0.1', resolve));
  h2Port = (h2App.address() as AddressInfo).port;
  const api = h.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'echo', servingNode('echo', grpcApp.port, 'grpc'));
  await api.createNode(mesh, 'h2', servingNode('h2', h2Port, 'http2'));
  await api.createRouter(mesh, 'echo', { listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }] });
  await api.createRoute(mesh, 'echo', 'echo', {
    grpcRoute: {
      match: { serviceName: 'test.Echo' },
      action: { weightedTargets: [{ virtualNode: 'echo', weight: 1 }] },
    },
  });
  await api.createService(mesh, 'echo.e2e.local', {
    provider: { virtualRouter: { virtualRouterName: 'echo' } },
  });
  await api.createService(mesh, 'h2.e2e.local', { provider: { virtualNode: { virtualNodeName: 'h2' } } });
  await api.createNode(mesh, 'client', clientNode('echo.e2e.local', 'h2.e2e.local'));
  const node = (n: string): string => `mesh/${mesh}/virtualNode/${n}`;
  [, , clientSidecar] = await Promise.all([
    h.sidecar(node('echo')),
    h.sidecar(node('h2')),
    h.sidecar(node('client')),
  ]);
  echo = new EchoClientCtor(`127.0.0.1:${clientSidecar.outboundPort}`, grpc.credentials.createInsecure(), {
    'grpc.default_authority': 'echo.e2e.local:8080',
  });
  await waitFor('echo reachable', async () => (await unary('hi')).res?.text === 'echo:hi');
});

after(async () => {
  echo?.close();
  await h?.close();
  await grpcApp?.close();
  await new Promise((resolve) => h2App?.close(resolve));
});

test('gRPC unary: message and trailers pass through both sidecars', async () => {
  const { err, res, trailers } = await unary('mesh');
  assert.equal(err, null);
  assert.equal(res?.text, 'echo:mesh');
  assert.deepEqual(trailers?.get('x-trailer'), ['present']);
});

test('gRPC status codes, details and trailing metadata are preserved', async () => {
  const { err } = await unary('fail');
  assert.equal(err?.code, grpc.status.FAILED_PRECONDITION);
  assert.equal(err?.details, 'you asked for it');
  assert.deepEqual(err?.metadata.get('x-reason'), ['asked-to-fail']);
});

test('gRPC bidirectional streaming: interleaved messages both ways', async () => {
  const call = echo.chat();
  const got: Msg[] = [];
  for (let n = 0; n < 50; n++) {
    const next = new Promise<Msg>((resolve) => call.once('data', resolve));
    call.write({ text: `m${n}`, n });
    got.push(await next); // each answer arrives before the next message is sent
  }
  const ended = new Promise<void>((resolve) => call.on('status', () => resolve()));
  call.end();
  await ended;
  assert.deepEqual(
    got.map((m) => m.text),
    Array.from({ length: 50 }, (_, n) => `M${n}`),
  );
});

test('a gRPC call to a service outside the mesh (egress DROP_ALL: 404) fails UNIMPLEMENTED, as through Envoy', async () => {
  const other = new EchoClientCtor(
    `127.0.0.1:${clientSidecar.outboundPort}`,
    grpc.credentials.createInsecure(),
    {
      'grpc.default_authority': 'nowhere.e2e.local:8080',
    },
  );
  try {
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      other.echo({ text: 'x' }, new grpc.Metadata(), (e) => resolve(e)),
    );
    assert.equal(err?.code, grpc.status.UNIMPLEMENTED);
  } finally {
    other.close();
  }
});

test('HTTP/2 (h2c) end to end: the app is spoken to over HTTP/2', async () => {
  const session = http2.connect(`http://127.0.0.1:${clientSidecar.outboundPort}`);
  try {
    const answer = await new Promise<{ status: number; version: string; body: string }>((resolve, reject) => {
      const req = session.request({ ':path': '/h2/path', ':authority': `h2.e2e.local:${h2Port}` });
      let status = 0;
      let version = '';
      let body = '';
      req.on('response', (headers) => {
        status = Number(headers[':status']);
        version = String(headers['x-http-version']);
      });
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => resolve({ status, version, body }));
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(answer, { status: 200, version: '2.0', body: 'h2 /h2/path' });
  } finally {
    session.close();
  }
});
