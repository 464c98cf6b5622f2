// Routes whose match has only a `port` (issue 17): on a router with two listeners, the port picks the route and
// every path on that port matches. The routes cross the ports over, so a pass-through could not fake it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePorts } from '../support/free-ports.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { clientNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { ProxyClient } from '../support/http-client.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'portonly';
let h: MeshHarness;
let first: HttpApp;
let second: HttpApp;
let client: ProxyClient;
let routerPorts: [number, number];

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
  // The router's ports are only names the client addresses; nothing listens on them.
  routerPorts = (await freePorts(2)) as [number, number];
  await h.api.createMesh(mesh);
  await h.api.createNode(mesh, 'multi', {
    listeners: [
      { portMapping: { port: first.port, protocol: 'http' } },
      { portMapping: { port: second.port, protocol: 'http' } },
    ],
    serviceDiscovery: { awsCloudMap: { namespaceName: 'e2e.local', serviceName: 'portonly' } },
  });
  await h.api.createRouter(mesh, 'router', {
    listeners: routerPorts.map((port) => ({ portMapping: { port, protocol: 'http' as const } })),
  });
  const crossed: [number, number][] = [
    [routerPorts[0], second.port],
    [routerPorts[1], first.port],
  ];
  for (const [routerPort, nodePort] of crossed) {
    await h.api.createRoute(mesh, 'router', `on-${routerPort}`, {
      httpRoute: {
        match: { port: routerPort },
        action: { weightedTargets: [{ virtualNode: 'multi', port: nodePort, weight: 1 }] },
      },
    });
  }
  await h.api.createService(mesh, 'svc.local', {
    provider: { virtualRouter: { virtualRouterName: 'router' } },
  });
  await h.api.createNode(mesh, 'client', clientNode('svc.local'));
  const inboundPort = await consecutivePorts();
  const [, clientSidecar] = await Promise.all([
    h.sidecar(`mesh/${mesh}/virtualNode/multi`, { args: ['--inbound-port', String(inboundPort)] }),
    h.sidecar(`mesh/${mesh}/virtualNode/client`),
  ]);
  client = new ProxyClient(clientSidecar.outboundPort);
  await waitFor('both router ports reachable', async () => {
    const [a, b] = await Promise.all([
      client.get(`svc.local:${routerPorts[0]}`, '/'),
      client.get(`svc.local:${routerPorts[1]}`, '/'),
    ]);
    return a.status === 200 && b.status === 200;
  });
});

after(async () => {
  await first?.close();
  await second?.close();
  await h?.close();
});

test('each router port reaches the listener its port-only route targets, whatever the path', async () => {
  for (const path of ['/', '/a', '/deep/path?q=1']) {
    assert.equal((await client.get(`svc.local:${routerPorts[0]}`, path)).body, `second ${path}`);
    assert.equal((await client.get(`svc.local:${routerPorts[1]}`, path)).body, `first ${path}`);
  }
});
