// Each xDS resource is decoded once, when it arrives, and an update rebuilds only what it changed: an RDS update
// decodes one RouteConfiguration and compiles one route table; an EDS update compiles none.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { MeshProxy } from '../../src/proxy/index.ts';
import { createSidecarNode } from '../../src/proxy/sidecar/index.ts';
import { XdsClient } from '../../src/proxy/xds-client/index.ts';
import { AdsServer, Snapshot, SnapshotCache } from '../../src/xds/server/index.ts';
import { createResource, typeUrls } from '../../src/xds/protos/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  vhost,
} from '../proxy/envoy-fixtures.ts';
import { startHttpApp } from '../support/echo-apps.ts';
import { ProxyClient } from '../support/http-client.ts';
import { waitFor } from '../support/wait-for.ts';

const nodeId = 'mesh/x/virtualNode/n';
const cleanup: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

function config(teapotOnA: boolean, appPort: number): Snapshot {
  const r = <T>(typeUrl: string, m: T) => createResource(typeUrl as typeof typeUrls.cluster, m as never);
  const teapot = { match: { prefix: '/teapot' }, direct_response: { status: 418 } };
  return new Snapshot([
    r(typeUrls.listener, httpListener('a', { routeConfigName: 'ra' })),
    r(typeUrls.listener, httpListener('b', { routeConfigName: 'rb' })),
    r(
      typeUrls.routeConfiguration,
      routeConfig('ra', [vhost('all', ['*'], [...(teapotOnA ? [teapot] : []), prefixRoute('/', 'app')])]),
    ),
    r(typeUrls.routeConfiguration, routeConfig('rb', [vhost('all', ['*'], [prefixRoute('/', 'app')])])),
    r(typeUrls.cluster, cluster('app')),
    r(typeUrls.clusterLoadAssignment, endpoints('app', [appPort])),
  ]);
}

test('an RDS update decodes one RouteConfiguration and rebuilds one route table; an EDS update rebuilds none', async () => {
  const app = await startHttpApp('app');
  cleanup.push(() => app.close());
  const moved = await startHttpApp('moved');
  cleanup.push(() => moved.close());
  const cache = new SnapshotCache();
  const server = new AdsServer({ cache });
  const xdsPort = await server.listen('127.0.0.1:0');
  cleanup.push(() => server.close());
  const proxy = new MeshProxy();
  cleanup.push(() => proxy.close(0));
  const decodes: string[] = [];
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
    logger: pino({ level: 'silent' }),
    onDecode: (kind, name) => decodes.push(`${kind} ${name}`),
  });
  cleanup.push(() => client.close());
  const builds = () => ({
    tables: proxy.stats.counter('switchyard.config.route_table_builds').value,
    scopes: proxy.stats.counter('switchyard.config.listener_scope_builds').value,
  });

  cache.setSnapshot(nodeId, config(false, app.port));
  client.start();
  await waitFor('the first config applied', () => client.appliedCount === 1);
  assert.deepEqual(decodes.toSorted(), [
    'cluster app',
    'clusterLoadAssignment app',
    'listener a',
    'listener b',
    'routeConfiguration ra',
    'routeConfiguration rb',
  ]);
  assert.deepEqual(builds(), { tables: 2, scopes: 2 });
  const a = new ProxyClient(proxy.listenerPort('a') ?? 0);
  const b = new ProxyClient(proxy.listenerPort('b') ?? 0);
  cleanup.push(() => a.close());
  cleanup.push(() => b.close());
  assert.equal((await a.get('x', '/teapot')).status, 200);

  decodes.length = 0;
  cache.setSnapshot(nodeId, config(true, app.port));
  await waitFor('the RDS update applied', () => client.appliedCount === 2);
  assert.deepEqual(decodes, ['routeConfiguration ra']);
  assert.deepEqual(
    builds(),
    { tables: 3, scopes: 3 },
    "only listener a's route table and scope were rebuilt",
  );
  assert.equal((await a.get('x', '/teapot')).status, 418);
  assert.equal((await b.get('x', '/teapot')).status, 200);

  decodes.length = 0;
  cache.setSnapshot(nodeId, config(true, moved.port));
  await waitFor('the EDS update applied', () => client.appliedCount === 3);
  assert.deepEqual(decodes, ['clusterLoadAssignment app']);
  assert.deepEqual(builds(), { tables: 3, scopes: 3 }, 'no route table or scope was rebuilt');
  assert.equal((await b.get('x', '/')).body, 'moved /');
  assert.equal(client.nackCount, 0);
});
