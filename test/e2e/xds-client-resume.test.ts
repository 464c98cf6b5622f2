// The sidecar's xDS client in-process against our own ADS server: an unknown node is retried, and after the
// server restarts the client resumes with initial_resource_versions, so nothing unchanged is resent.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { MeshProxy } from '../../src/proxy/index.ts';
import { createSidecarNode } from '../../src/proxy/sidecar/index.ts';
import { XdsClient } from '../../src/proxy/xds-client/index.ts';
import { AdsServer, Snapshot, SnapshotCache } from '../../src/xds/server/index.ts';
import type { ResponseEvent } from '../../src/xds/server/index.ts';
import { createResource, typeUrls } from '../../src/xds/protos/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  vhost,
} from '../proxy/envoy-fixtures.ts';
import { freePorts } from '../support/free-ports.ts';
import { waitFor } from '../support/wait-for.ts';

const nodeId = 'mesh/x/virtualNode/n';
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

function snapshot(listenerPort: number): Snapshot {
  const r = <T>(typeUrl: string, m: T) => createResource(typeUrl as typeof typeUrls.cluster, m as never);
  return new Snapshot([
    r(typeUrls.listener, httpListener('front', { port: listenerPort, routeConfigName: 'routes' })),
    r(typeUrls.routeConfiguration, routeConfig('routes', [vhost('all', ['*'], [prefixRoute('/', 'app')])])),
    r(typeUrls.cluster, cluster('app')),
    r(typeUrls.clusterLoadAssignment, endpoints('app', [9])),
  ]);
}

test('unknown node retried; after a server restart the client resumes without any resource resent', async () => {
  const [xdsPort, listenerPort] = (await freePorts(2)) as [number, number];
  const cache = new SnapshotCache();
  const responses: ResponseEvent[] = [];
  const startServer = async (): Promise<AdsServer> => {
    const server = new AdsServer({
      cache,
      callbacks: { onResponse: (_c, e) => responses.push(e) },
      // Like the control plane: a node it does not know fails the stream.
      resolveNode: (node) =>
        cache.getSnapshot(node.id)
          ? { ok: true, key: node.id }
          : { ok: false, code: 5, message: `no virtual node ${node.id}` },
    });
    await server.listen(`127.0.0.1:${xdsPort}`);
    return server;
  };
  let server = await startServer();
  cleanup.push(() => server.close());
  const proxy = new MeshProxy();
  cleanup.push(() => proxy.close(0));
  let connected = 0;
  const logLines: string[] = [];
  const client = new XdsClient({
    server: `127.0.0.1:${xdsPort}`,
    node: createSidecarNode({
      id: nodeId,
      inboundPort: 15000,
      outboundPort: 15001,
      appHost: '127.0.0.1',
      version: 't',
    }),
    target: proxy,
    logger: pino({ level: 'warn' }, { write: (line: string) => logLines.push(line) }),
    reconnect: { baseMs: 20, maxMs: 100 },
    onConnected: () => connected++,
  });
  cleanup.push(() => client.close());
  client.start();

  await waitFor('three NOT_FOUND rounds', () => logLines.filter((l) => /NOT_FOUND/.test(l)).length >= 3);
  assert.equal(client.appliedCount, 0);
  cache.setSnapshot(nodeId, snapshot(listenerPort));
  await waitFor('the first config applied', () => client.appliedCount === 1);
  assert.ok(proxy.ready);
  assert.equal(proxy.listenerPort('front'), listenerPort);

  await server.close();
  server = await startServer();
  responses.length = 0;
  await waitFor('reconnected', () => connected === 2);
  // The server answered the wildcard types (it owes a first answer) but carried nothing: all versions matched.
  await waitFor('first answers', () => responses.length >= 2);
  assert.equal(
    responses.reduce((n, r) => n + r.resources, 0),
    0,
    JSON.stringify(responses),
  );
  assert.equal(client.appliedCount, 1);
  assert.equal(client.nackCount, 0);
});
