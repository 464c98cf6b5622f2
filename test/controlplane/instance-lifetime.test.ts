// Instances live as long as their proxy (issue 17.5, control-plane side): SIGKILL a proxy that presented a
// token on its xDS stream, and its instance leaves its callers' endpoints once the grace period has passed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { parseControlPlaneConfig } from '../../src/controlplane/control-plane-config.ts';
import { startControlPlane, type RunningControlPlane } from '../../src/controlplane/control-plane.ts';
import { unpackAny } from '../../src/xds/protos/any.ts';
import type { DiscoveryResponse__Output, Node } from '../../src/xds/protos/message-types.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { AdsTestClient, testNode, type SotwStream } from '../xds/ads-test-client.ts';
import { MeshApiClient } from '../support/mesh-api-client.ts';

const graceMs = 500;
const mesh = 'life';
const egressCluster = `cds_egress_${mesh}_b_http_8080`;
const token = 'proxy-token-0001';
const nodeBin = path.join(import.meta.dirname, '../../node_modules/.bin/node');
const leasedProxy = path.join(import.meta.dirname, 'support/leased-proxy.ts');

let running: RunningControlPlane;
let dataDir: string;
let endpoint: string;
let api: MeshApiClient;
let ads: AdsTestClient;
const children: ChildProcess[] = [];

before(async () => {
  dataDir = await makeTempDir('lifetime');
  const config = parseControlPlaneConfig({
    apiAddr: '127.0.0.1:0',
    xdsAddr: '127.0.0.1:0',
    dataDir,
    region: 'us-east-1',
    accountId: '111122223333',
    instanceGraceMs: String(graceMs),
  });
  running = await startControlPlane(config, pino({ level: 'silent' }));
  endpoint = `http://127.0.0.1:${running.apiAddress.port}`;
  api = new MeshApiClient(endpoint);
  await api.createMesh(mesh);
  const httpNode = (name: string) => ({
    listeners: [{ portMapping: { port: 8080, protocol: 'http' as const } }],
    serviceDiscovery: { awsCloudMap: { namespaceName: 'life.local', serviceName: name } },
  });
  await api.createNode(mesh, 'b', httpNode('b'));
  await api.createService(mesh, 'b.life.local', { provider: { virtualNode: { virtualNodeName: 'b' } } });
  await api.createNode(mesh, 'n', {
    ...httpNode('n'),
    backends: [{ virtualService: { virtualServiceName: 'b.life.local' } }],
  });
  ads = new AdsTestClient(running.xdsAddress.port);
});

after(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  ads?.close();
  api?.close();
  await running?.close();
  await removeDir(dataDir);
});

/** Starts the token-presenting xDS client for node b and waits until the control plane has answered it. */
async function startLeasedProxy(): Promise<ChildProcess> {
  const child = spawn(
    nodeBin,
    [leasedProxy, String(running.xdsAddress.port), `mesh/${mesh}/virtualNode/b`, token],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`leased proxy exited with ${String(code)}`);
    }),
  ])) as [string];
  assert.equal(line, 'connected');
  return child;
}

async function register(id: string, port: number, attributes: Record<string, string> = {}): Promise<void> {
  const response = await fetch(
    `${endpoint}/switchyard/v1/registry/meshes/${mesh}/virtualNodes/b/instances/${id}`,
    {
      method: 'PUT',
      body: JSON.stringify({ address: '127.0.0.1', port, attributes }),
    },
  );
  assert.equal(response.status, 201, await response.text());
}

const callerNode: Node = { ...testNode(`mesh/${mesh}/virtualNode/n`), user_agent_name: 'envoy' };

function endpointsOf(response: DiscoveryResponse__Output): string[] {
  return response.resources
    .map(
      (r) =>
        unpackAny(r) as {
          endpoints: {
            lb_endpoints: {
              endpoint: { address: { socket_address: { address: string; port_value: number } } };
            }[];
          }[];
        },
    )
    .flatMap((assignment) => assignment.endpoints.flatMap((l) => l.lb_endpoints))
    .map(
      (e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`,
    )
    .sort();
}

async function ack(s: SotwStream, response: DiscoveryResponse__Output, names: string[]): Promise<void> {
  s.send({
    type_url: response.type_url,
    resource_names: names,
    response_nonce: response.nonce,
    version_info: response.version_info,
  });
}

test('SIGKILL a proxy: its instance leaves the callers’ endpoints after the grace period, others stay', async () => {
  const proxy = await startLeasedProxy();
  await register('b-leased', 9001, { SWITCHYARD_PROXY_TOKEN: token });
  await register('b-manual', 9002);

  const caller = ads.sotw();
  caller.send({ node: callerNode, type_url: typeUrls.cluster, resource_names: [] });
  const clusters = await caller.inbox.next(typeUrls.cluster);
  assert.equal(
    clusters.control_plane?.identifier,
    `switchyard api=${endpoint}`,
    'the registry address travels with every xDS response',
  );
  await ack(caller, clusters, []);
  caller.send({ type_url: typeUrls.clusterLoadAssignment, resource_names: [egressCluster] });
  const first = await caller.inbox.next(typeUrls.clusterLoadAssignment);
  assert.deepEqual(endpointsOf(first), ['127.0.0.1:9001', '127.0.0.1:9002']);
  await ack(caller, first, [egressCluster]);

  const killedAt = performance.now();
  proxy.kill('SIGKILL');
  await once(proxy, 'exit');
  const update = await caller.inbox.next('the endpoints without the killed proxy');
  const removedAfterMs = performance.now() - killedAt;
  assert.equal(update.type_url, typeUrls.clusterLoadAssignment);
  assert.deepEqual(endpointsOf(update), ['127.0.0.1:9002'], 'the manual instance has no proxy and stays');
  assert.ok(
    removedAfterMs >= graceMs - 50,
    `removed after ${removedAfterMs} ms, before the ${graceMs} ms grace`,
  );
  assert.ok(removedAfterMs < graceMs + 5000, `removed after ${removedAfterMs} ms`);
  process.stdout.write(
    `# instance removed ${Math.round(removedAfterMs)} ms after SIGKILL (grace ${graceMs} ms)\n`,
  );
  const gone = await fetch(
    `${endpoint}/switchyard/v1/registry/namespaces/life.local/services/b/instances/b-leased`,
  );
  assert.equal(gone.status, 404);
});

test('--instance-grace-ms takes whole milliseconds from 1 to a day', () => {
  const raw = {
    apiAddr: '127.0.0.1:0',
    xdsAddr: '127.0.0.1:0',
    dataDir,
    region: 'us-east-1',
    accountId: '111122223333',
  };
  assert.equal(parseControlPlaneConfig(raw).instanceGraceMs, 30_000);
  for (const bad of ['0', '1.5', '30s', '', '86400001']) {
    assert.throws(
      () => parseControlPlaneConfig({ ...raw, instanceGraceMs: bad }),
      new RegExp(
        `--instance-grace-ms must be a whole number of milliseconds from 1 to 86400000, got "${bad}"`,
      ),
    );
  }
});
