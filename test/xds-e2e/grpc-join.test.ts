// A grpc-js-xds client that starts before its virtual node exists: the control plane refuses the stream with
// NOT_FOUND, the client keeps retrying, and its first RPC completes once the node is created through the API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { rawEchoServiceName, startNamedBackend, type NamedBackend } from '../support/grpc-echo-apps.ts';
import { clientNode, MeshApiClient, registryNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { MeshGrpcClient } from './support/xds-grpc-client.ts';

const mesh = 'join';
const service = 'echo.join.local';

let cp: ControlPlaneProcess;
let api: MeshApiClient;
let backend: NamedBackend;
let client: MeshGrpcClient | undefined;

before(async () => {
  cp = await startControlPlaneProcess();
  api = new MeshApiClient(cp.endpoint);
  backend = await startNamedBackend('echo');
  await api.createMesh(mesh);
  await api.createNode(mesh, 'echo', registryNode('echo'));
  await api.registerInstance(mesh, 'echo', 'echo-1', backend.port);
  await api.createRouter(mesh, 'r', { listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }] });
  await api.createRoute(mesh, 'r', 'all', {
    grpcRoute: {
      match: { serviceName: rawEchoServiceName },
      action: { weightedTargets: [{ virtualNode: 'echo', weight: 1 }] },
    },
  });
  await api.createService(mesh, service, { provider: { virtualRouter: { virtualRouterName: 'r' } } });
});

after(async () => {
  await client?.close();
  api?.close();
  backend?.close();
  if (cp) {
    await cp.stop();
    await removeDir(cp.dataDir);
  }
});

test('a client whose node does not exist yet is served once the node is created', async (t) => {
  const xdsPort = cp.xdsPort;
  client = new MeshGrpcClient(xdsPort, `mesh/${mesh}/virtualNode/late`, service);
  const pending = client.call({ deadlineMs: 15_000 });
  const refusal = await waitFor(
    'the control plane to refuse the unknown node',
    () => cp.logs.find((l) => l.msg === 'xds stream failed'),
    { timeoutMs: 10_000, intervalMs: 10 },
  );
  assert.equal(refusal.code, 5, 'NOT_FOUND');
  assert.equal(
    refusal.message,
    'VirtualNode late does not exist in mesh join; create it through the App Mesh API (the proxy retries)',
  );
  const created = performance.now();
  await api.createNode(mesh, 'late', clientNode(service));
  const result = await pending;
  t.diagnostic(
    `first RPC completed ${(performance.now() - created).toFixed(0)} ms after the node was created`,
  );
  assert.deepEqual(result, { ok: true, backend: 'echo' });
});
