// Per-backend local ports (`switchyard proxy --backend svc:port=local`): apps that cannot use HTTP proxy mode
// reach a virtual service by dialing a fixed local port, plain HTTP and gRPC alike.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { freePorts } from '../support/free-ports.ts';
import { EchoClientCtor, startGrpcApp, type EchoClient, type Msg } from '../support/grpc-echo-apps.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'local';
let h: MeshHarness;
let web: HttpApp;
let grpcApp: { port: number; close(): Promise<void> };
let webPort: number;
let echoPort: number;
let strayPort: number;
let echo: EchoClient;
let hostSeen = '';
let hostProbe: http.Server;

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function unary(text: string): Promise<Msg> {
  return new Promise<Msg>((resolve, reject) =>
    echo.echo({ text }, new grpc.Metadata(), (err, r) => (err ? reject(err) : resolve(r!))),
  );
}

before(async () => {
  h = await startMesh();
  web = await startHttpApp('web');
  grpcApp = await startGrpcApp();
  hostProbe = http.createServer((req, res) => {
    hostSeen = String(req.headers.host);
    res.end('probe');
  });
  await new Promise<void>((resolve) => hostProbe.listen(0, '127.0.0.1', resolve));
  const probePort = (hostProbe.address() as { port: number }).port;
  await h.api.createMesh(mesh);
  await h.api.createNode(mesh, 'web', servingNode('web', web.port));
  await h.api.createNode(mesh, 'probe', servingNode('probe', probePort));
  await h.api.createNode(mesh, 'echo', servingNode('echo', grpcApp.port, 'grpc'));
  await h.api.createRouter(mesh, 'web', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] });
  await h.api.createRoute(mesh, 'web', 'probe', {
    priority: 0,
    httpRoute: {
      match: { prefix: '/probe' },
      action: { weightedTargets: [{ virtualNode: 'probe', weight: 1 }] },
    },
  });
  await h.api.createRoute(mesh, 'web', 'all', {
    priority: 1,
    httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'web', weight: 1 }] } },
  });
  await h.api.createService(mesh, 'web.local', { provider: { virtualRouter: { virtualRouterName: 'web' } } });
  await h.api.createService(mesh, 'echo.local', { provider: { virtualNode: { virtualNodeName: 'echo' } } });
  await h.api.createNode(mesh, 'client', clientNode('web.local', 'echo.local'));
  [webPort, echoPort, strayPort] = (await freePorts(3)) as [number, number, number];
  const node = (n: string): string => `mesh/${mesh}/virtualNode/${n}`;
  await Promise.all([
    h.sidecar(node('web')),
    h.sidecar(node('probe')),
    h.sidecar(node('echo')),
    h.sidecar(node('client'), {
      args: [
        '--backend', `web.local:8080=${webPort}`,
        '--backend', `echo.local:${grpcApp.port}=${echoPort}`,
        '--backend', `nowhere.local:80=${strayPort}`,
      ], // prettier-ignore
    }),
  ]);
  echo = new EchoClientCtor(`127.0.0.1:${echoPort}`, grpc.credentials.createInsecure());
  // The echo sidecar registers itself asynchronously; wait until its endpoint reached the client's sidecar.
  await waitFor('echo reachable on its local port', () =>
    unary('ready').then(
      (res) => res.text === 'echo:ready',
      () => false,
    ),
  );
  await waitFor(
    'web reachable on its local port',
    async () => (await get(webPort, '/x').catch(() => ({ status: 0 }))).status === 200,
  );
});

after(async () => {
  echo?.close();
  await web?.close();
  await grpcApp?.close();
  hostProbe?.closeAllConnections();
  await new Promise((resolve) => hostProbe?.close(resolve));
  await h?.close();
});

test('an HTTP backend on its local port: the mesh routes apply and the app sees the service as Host', async () => {
  const answer = await get(webPort, '/hello');
  assert.deepEqual(answer, { status: 200, body: 'web /hello' });
  assert.equal((await get(webPort, '/probe')).body, 'probe');
  assert.equal(hostSeen, 'web.local:8080');
});

test('a gRPC client dials the local port with no proxy settings at all', async () => {
  assert.equal((await unary('local')).text, 'echo:local');
});

test('a local port for a service the mesh does not route answers 404', async () => {
  assert.equal((await get(strayPort, '/')).status, 404);
});
