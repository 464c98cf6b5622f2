// A virtual node with two listeners behind one sidecar: without iptables to tell them apart, the sidecar serves
// each on its own inbound port (inbound port + index) and registers one instance per listener.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePorts } from '../support/free-ports.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { clientNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { ProxyClient } from '../support/http-client.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'multi';
let h: MeshHarness;
let first: HttpApp;
let second: HttpApp;
let client: ProxyClient;
let inboundPort: number;

/** Two consecutive free ports (the node's two inbound listeners). */
async function consecutivePorts(): Promise<number> {
  for (;;) {
    const [a, b] = (await freePorts(2)) as [number, number];
    if (b === a + 1) return a;
  }
}

before(async () => {
  h = await startMesh();
  [first, second] = await Promise.all([startHttpApp('first'), startHttpApp('second')]);
  await h.api.createMesh(mesh);
  await h.api.createNode(mesh, 'multi', {
    listeners: [
      { portMapping: { port: first.port, protocol: 'http' } },
      { portMapping: { port: second.port, protocol: 'http' } },
    ],
    serviceDiscovery: { awsCloudMap: { namespaceName: 'e2e.local', serviceName: 'multi' } },
  });
  await h.api.createService(mesh, 'multi.local', { provider: { virtualNode: { virtualNodeName: 'multi' } } });
  await h.api.createNode(mesh, 'client', clientNode('multi.local'));
  inboundPort = await consecutivePorts();
  const [, clientSidecar] = await Promise.all([
    h.sidecar(`mesh/${mesh}/virtualNode/multi`, { args: ['--inbound-port', String(inboundPort)] }),
    h.sidecar(`mesh/${mesh}/virtualNode/client`),
  ]);
  client = new ProxyClient(clientSidecar.outboundPort);
  await waitFor('both listeners reachable', async () => {
    const [a, b] = await Promise.all([
      client.get(`multi.local:${first.port}`, '/'),
      client.get(`multi.local:${second.port}`, '/'),
    ]);
    return a.status === 200 && b.status === 200;
  });
});

after(async () => {
  await first?.close();
  await second?.close();
  await h?.close();
});

test('each listener port of the service reaches the app behind that listener', async () => {
  for (let i = 0; i < 20; i++) {
    assert.equal((await client.get(`multi.local:${first.port}`, '/a')).body, 'first /a');
    assert.equal((await client.get(`multi.local:${second.port}`, '/b')).body, 'second /b');
  }
});

test('the sidecar registered one instance per listener, on consecutive inbound ports', async () => {
  const instances = await h.api.instancesOf('e2e.local', 'multi');
  assert.deepEqual(instances.map((i) => i.port).sort(), [inboundPort, inboundPort + 1]);
});
