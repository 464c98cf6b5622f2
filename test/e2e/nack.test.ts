// A malformed and then an invalid xDS resource reach a real sidecar from a tiny ADS server of our own: each is
// NACKed with a precise message, traffic continues on the last good config, and a good update still applies. So
// is a valid config whose new listener cannot bind: nothing of it takes effect.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { AdsServer, Snapshot, SnapshotCache } from '../../src/xds/server/index.ts';
import { Resource, createResource, typeUrls } from '../../src/xds/protos/index.ts';
import type { InputMessages } from '../../src/xds/protos/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  vhost,
} from '../proxy/envoy-fixtures.ts';
import { freePorts } from '../support/free-ports.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { ProxyClient } from '../support/http-client.ts';
import { startSidecar, type SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const nodeId = 'mesh/x/virtualNode/n';
const cache = new SnapshotCache();
const nacks: { typeUrl: string; message: string }[] = [];
const acks: { typeUrl: string; version: string }[] = [];
let ads: AdsServer;
let app: HttpApp;
let listenerPort: number;
let sidecar: SidecarProcess;
let client: ProxyClient;

type Input<U extends keyof InputMessages> = InputMessages[U];

function resource<U extends keyof InputMessages & string>(typeUrl: U, message: object): Resource {
  // The fixtures are decoded (`__Output`) messages; protobufjs re-encodes them as they are.
  return createResource(typeUrl as typeof typeUrls.listener, message as Input<typeof typeUrls.listener>);
}

function routes(extraRoute?: Record<string, unknown>): Resource {
  const r = [prefixRoute('/', 'app')];
  return resource(
    typeUrls.routeConfiguration,
    routeConfig('routes', [vhost('all', ['*'], extraRoute ? [extraRoute, ...r] : r)]),
  );
}

function publish(routeResource: Resource, extra: Resource[] = [], endpointPort = app.port): void {
  cache.setSnapshot(
    nodeId,
    new Snapshot([
      resource(typeUrls.listener, httpListener('front', { port: listenerPort, routeConfigName: 'routes' })),
      routeResource,
      resource(typeUrls.cluster, cluster('app')),
      resource(typeUrls.clusterLoadAssignment, endpoints('app', [endpointPort])),
      ...extra,
    ]),
  );
}

before(async () => {
  app = await startHttpApp('app');
  [listenerPort] = (await freePorts(1)) as [number];
  ads = new AdsServer({
    cache,
    callbacks: {
      onNack: (_client, e) => nacks.push({ typeUrl: e.typeUrl, message: e.message }),
      onAck: (_client, e) => acks.push({ typeUrl: e.typeUrl, version: e.version }),
    },
  });
  const xdsPort = await ads.listen('127.0.0.1:0');
  publish(routes());
  sidecar = await startSidecar({ node: nodeId, xdsPort, apiEndpoint: 'http://127.0.0.1:9' });
  client = new ProxyClient(listenerPort);
  assert.equal((await client.get('anything')).status, 200);
});

after(async () => {
  client?.close();
  await sidecar?.stop();
  await ads?.close();
  await app?.close();
});

test('a malformed resource (undecodable bytes) is NACKed and traffic continues on the last good config', async () => {
  publish(
    new Resource('routes', { type_url: typeUrls.routeConfiguration, value: Buffer.from([0x0a, 0xff]) }),
  );
  const nack = await waitFor('a NACK', () => nacks.find((n) => n.typeUrl === typeUrls.routeConfiguration));
  assert.match(nack.message, /routeConfiguration "routes": cannot decode/);
  for (let i = 0; i < 20; i++) assert.equal((await client.get('anything', `/${i}`)).body, `app /${i}`);
});

test('an invalid resource is NACKed with the field path and reason; a fixed one applies', async () => {
  nacks.length = 0;
  publish(routes(prefixRoute('/teapot', 'app', { retry_policy: { retry_on: '5xx,bogus-condition' } })));
  const nack = await waitFor('a NACK', () => nacks.find((n) => n.typeUrl === typeUrls.routeConfiguration));
  assert.match(nack.message, /RouteConfiguration "routes"/);
  assert.match(nack.message, /retry_on: unknown retry condition "bogus-condition"/);
  assert.equal((await client.get('anything', '/teapot')).status, 200, 'the old routes still serve');
  assert.ok(sidecar.logs.some((e) => e.msg === 'xds update rejected (NACK)'));

  // The control plane fixes it: the new route (a direct 418) is applied and ACKed.
  const acked = acks.length;
  publish(routes({ match: { prefix: '/teapot' }, direct_response: { status: 418 } }));
  await waitFor('the fix applied', async () => (await client.get('anything', '/teapot')).status === 418);
  assert.ok(acks.slice(acked).some((a) => a.typeUrl === typeUrls.routeConfiguration));
  assert.equal((await client.get('anything', '/other')).status, 200);
});

test('the admin interface shows the last good config', async () => {
  const dump = await (await fetch(`${sidecar.admin}/config_dump`)).text();
  assert.match(dump, /teapot/);
  assert.doesNotMatch(dump, /bogus-condition/);
});

test('a listener update that cannot bind is NACKed whole; later updates of other types still apply', async () => {
  const other = await startHttpApp('other');
  const [blockedPort] = (await freePorts(1)) as [number];
  const squatter = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(blockedPort, '127.0.0.1', resolve));
  // One LDS update: the serving listener answers 418 from inline routes, and a new one wants a taken port.
  const teapot = routeConfig('inline', [
    vhost('all', ['*'], [{ match: { prefix: '/' }, direct_response: { status: 418 } }]),
  ]);
  const listeners = [
    resource(typeUrls.listener, httpListener('front', { port: listenerPort, inlineRoutes: teapot as never })),
    resource(typeUrls.listener, httpListener('blocked', { port: blockedPort, routeConfigName: 'routes' })),
  ];
  const publishListeners = (endpointPort: number): void =>
    cache.setSnapshot(
      nodeId,
      new Snapshot([
        ...listeners,
        routes(),
        resource(typeUrls.cluster, cluster('app')),
        resource(typeUrls.clusterLoadAssignment, endpoints('app', [endpointPort])),
      ]),
    );
  try {
    nacks.length = 0;
    let running = true;
    const answers: string[] = [];
    const load = (async () => {
      for (let i = 0; running; i++) {
        const r = await client.get('anything', `/${i}`);
        answers.push(`${r.status} ${r.body.replace(/ \/\d+$/, '')}`);
      }
    })();
    await waitFor('traffic before', () => answers.length > 20);
    publishListeners(app.port);
    const nack = await waitFor('a NACK', () => nacks.find((n) => n.typeUrl === typeUrls.listener));
    assert.match(nack.message, new RegExp(`listener "blocked" cannot bind 127\\.0\\.0\\.1:${blockedPort}`));
    const logged = await sidecar.waitForLog(
      'the NACK log line',
      (e) => e.msg === 'xds update rejected (NACK)' && e.kind === 'bind',
    );
    assert.match(String(logged.problem), /EADDRINUSE/);
    let mark = answers.length;
    await waitFor('traffic after', () => answers.length > mark + 20);
    assert.deepEqual(
      answers.filter((a) => a !== '200 app'),
      [],
      'no request saw the refused routes',
    );

    // The refused listeners are not held: an endpoint update alone applies on the old listeners.
    publishListeners(other.port);
    await waitFor('the endpoint update applied', () => answers.at(-1) === '200 other');
    mark = answers.length;
    await waitFor('more traffic', () => answers.length > mark + 20);
    running = false;
    await load;
    assert.deepEqual(
      answers.slice(mark).filter((a) => a !== '200 other'),
      [],
    );
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    await other.close();
  }
});
