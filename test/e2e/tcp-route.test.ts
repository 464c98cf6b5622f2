// A TCP route through two sidecars: the client's sidecar serves the backend's TCP port on a local port
// (--backend-port), the server's sidecar forwards its inbound TCP listener to the app.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startTcpApp, type TcpApp } from '../support/echo-apps.ts';
import { freePorts } from '../support/free-ports.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 't';
let h: MeshHarness;
let app: TcpApp;
let localPort: number;

/** Writes `text`, half-closes, and returns everything the far side sent back before closing. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (got += c));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

before(async () => {
  h = await startMesh();
  // Answers once the client has finished sending, so half-close must travel both hops.
  app = await startTcpApp('answer-at-end');
  const appPort = app.port;
  [localPort] = (await freePorts(1)) as [number];
  const api = h.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'db', servingNode('db', appPort, 'tcp'));
  await api.createRouter(mesh, 'db', { listeners: [{ portMapping: { port: 7000, protocol: 'tcp' } }] });
  await api.createRoute(mesh, 'db', 'db', {
    tcpRoute: { action: { weightedTargets: [{ virtualNode: 'db', weight: 1 }] } },
  });
  await api.createService(mesh, 'db.e2e.local', { provider: { virtualRouter: { virtualRouterName: 'db' } } });
  await api.createNode(mesh, 'client', clientNode('db.e2e.local'));
  await h.sidecar(`mesh/${mesh}/virtualNode/db`);
  await h.sidecar(`mesh/${mesh}/virtualNode/client`, { args: ['--backend-port', `7000=${localPort}`] });
  await waitFor('the TCP route answering', async () =>
    (await exchange(localPort, 'ping')).startsWith('tcp-app'),
  );
});

after(async () => {
  await h?.close();
  await app?.close();
});

test('bytes and half-close cross both sidecars over the TCP route', async () => {
  assert.equal(await exchange(localPort, 'hello over tcp'), 'tcp-app got 14 bytes: hello over tcp');
});

test('a larger payload passes intact', async () => {
  const payload = 'x'.repeat(4 * 1024 * 1024);
  assert.equal(await exchange(localPort, payload), `tcp-app got ${payload.length} bytes: ${'x'.repeat(20)}`);
});
