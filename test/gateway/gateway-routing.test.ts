// Gateway routes end to end, configured through the App Mesh API: a gateway proxy in front of two services,
// each app behind its own sidecar, answering which version saw which method, path and Host. Every match kind
// (hostname exact/suffix, headers with invert, query parameters, method, path, prefix), every rewrite (path,
// prefix value and default, Host default and DISABLED), priority order, and the router's weights and retries
// behind the gateway.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { GatewayRouteSpec } from '@aws-sdk/client-app-mesh';
import { freePorts } from '../support/free-ports.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { curl, hasCurl } from './support/curl.ts';
import type { Echo } from '../support/echo-apps.ts';
import { startGatewayHarness, type GatewayHarness, type GatewayProcess } from './support/gateway-harness.ts';
import { httpRequest, type HttpRequestOptions } from '../support/http-client.ts';

const mesh = 'gw';
const alpha = 'alpha.gw.local';
const beta = 'beta.gw.local';

let h: GatewayHarness;
let gw: GatewayProcess;
let port: number;

type HttpMatch = NonNullable<GatewayRouteSpec['httpRoute']>['match'];
type HttpRewrite = NonNullable<NonNullable<NonNullable<GatewayRouteSpec['httpRoute']>['action']>['rewrite']>;

function route(priority: number, target: string, match: HttpMatch, rewrite?: HttpRewrite): GatewayRouteSpec {
  return {
    priority,
    httpRoute: { match, action: { target: { virtualService: { virtualServiceName: target } }, rewrite } },
  };
}

const keepPrefix: HttpRewrite = { prefix: { defaultPrefix: 'DISABLED' } };

/** In priority order; created in reverse so that creation order cannot be what orders them. */
const gatewayRoutes: [string, GatewayRouteSpec][] = [
  ['host-exact', route(0, beta, { prefix: '/', hostname: { exact: 'beta.example.com' } })],
  ['host-suffix', route(1, alpha, { prefix: '/', hostname: { suffix: '.example.org' } })],
  [
    'header',
    route(2, beta, { prefix: '/hdr', headers: [{ name: 'x-canary', match: { exact: 'yes' } }] }, keepPrefix),
  ],
  [
    'header-inverted',
    route(
      3,
      alpha,
      { prefix: '/hdr', headers: [{ name: 'x-canary', invert: true, match: { exact: 'yes' } }] },
      keepPrefix,
    ),
  ],
  ['path-rewrite', route(4, alpha, { path: { exact: '/old/page' } }, { path: { exact: '/new/page' } })],
  ['prefix-rewrite', route(5, alpha, { prefix: '/shop/' }, { prefix: { value: '/store/' } })],
  ['chapter', route(6, beta, { prefix: '/chapter' })],
  [
    'keep-host',
    route(
      7,
      beta,
      { prefix: '/keep-host/' },
      { hostname: { defaultTargetHostname: 'DISABLED' }, ...keepPrefix },
    ),
  ],
  [
    'query',
    route(
      8,
      beta,
      { prefix: '/q', queryParameters: [{ name: 'fish', match: { exact: 'nemo' } }] },
      keepPrefix,
    ),
  ],
  ['method', route(9, beta, { prefix: '/m', method: 'POST' }, keepPrefix)],
  ['first', route(10, beta, { prefix: '/p/' }, keepPrefix)],
  ['second-more-specific', route(11, alpha, { prefix: '/p/special' }, keepPrefix)],
  ['to-alpha', route(12, alpha, { prefix: '/alpha/' })],
  ['query-otherwise', route(13, alpha, { prefix: '/q' }, keepPrefix)],
  ['method-otherwise', route(14, alpha, { prefix: '/m' }, keepPrefix)],
];

before(async () => {
  // App Mesh's default quota is 10 gateway routes per gateway; this one shows 15 rules side by side.
  h = await startGatewayHarness(['--quota', 'gatewayRoutesPerVirtualGateway=20']);
  [port] = (await freePorts(1)) as [number];
  const [v1, v2, b1] = await Promise.all([
    h.startApp('alpha-v1'),
    h.startApp('alpha-v2'),
    h.startApp('beta-v1'),
  ]);
  const api = h.mesh.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'alpha-v1', servingNode('alpha-v1', v1!.port));
  await api.createNode(mesh, 'alpha-v2', servingNode('alpha-v2', v2!.port));
  await api.createNode(mesh, 'beta-v1', servingNode('beta-v1', b1!.port));
  await api.createRouter(mesh, 'alpha', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] });
  await api.createRoute(mesh, 'alpha', 'flaky', {
    priority: 0,
    httpRoute: {
      match: { prefix: '/fail-once/' },
      action: { weightedTargets: [{ virtualNode: 'alpha-v1', weight: 1 }] },
      retryPolicy: {
        maxRetries: 2,
        perRetryTimeout: { unit: 'ms', value: 2000 },
        httpRetryEvents: ['server-error'],
      },
    },
  });
  await api.createRoute(mesh, 'alpha', 'weighted', {
    priority: 1,
    httpRoute: {
      match: { prefix: '/' },
      action: {
        weightedTargets: [
          { virtualNode: 'alpha-v1', weight: 3 },
          { virtualNode: 'alpha-v2', weight: 1 },
        ],
      },
    },
  });
  await api.createService(mesh, alpha, { provider: { virtualRouter: { virtualRouterName: 'alpha' } } });
  await api.createService(mesh, beta, { provider: { virtualNode: { virtualNodeName: 'beta-v1' } } });
  await api.createGateway(mesh, 'edge', { listeners: [{ portMapping: { port, protocol: 'http' } }] });
  await h.requests.send(
    mesh,
    gatewayRoutes.toReversed().map(([gatewayRouteName, spec]) => ({
      kind: 'gatewayRoute',
      virtualGatewayName: 'edge',
      body: { gatewayRouteName, spec },
    })),
  );
  await Promise.all(
    ['alpha-v1', 'alpha-v2', 'beta-v1'].map((n, i) => h.sidecarFor(mesh, n, [v1, v2, b1][i]!)),
  );
  gw = await h.gateway(mesh, 'edge');
  // Every sidecar registered and its endpoint reached the gateway.
  await waitFor('both alpha versions and beta answering through the gateway', async () => {
    const apps = new Set<string>();
    for (let i = 0; i < 30; i++) apps.add((await get('/alpha/')).app);
    apps.add((await get('/chapter/x')).app);
    return apps.size === 3;
  });
});

after(async () => {
  await h?.close();
});

/** GET (or `options.method`) through the gateway; asserts 200 and returns what the app saw. */
async function get(path: string, options: HttpRequestOptions = {}): Promise<Echo> {
  const r = await httpRequest(port, path, options);
  assert.equal(
    r.status,
    200,
    `${options.method ?? 'GET'} ${path} (${JSON.stringify(options)}): ${r.status} ${r.body}`,
  );
  return JSON.parse(r.body) as Echo;
}

test('hostname exact: any case, with or without the port (strip_any_host_port); other hosts do not match', async () => {
  for (const host of [
    'beta.example.com',
    `beta.example.com:${port}`,
    'BETA.Example.COM',
    'beta.example.com:1',
  ]) {
    const seen = await get('/x/y?z=1', { host });
    assert.equal(seen.app, 'beta-v1', host);
    assert.equal(seen.path, '/x/y?z=1', 'prefix "/" is not rewritten');
  }
  assert.equal((await httpRequest(port, '/x', { host: 'www.beta.example.com' })).status, 404);
  if (hasCurl) {
    const r = await curl(['-H', 'Host: beta.example.com', `http://127.0.0.1:${port}/from-curl`]);
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body) as Echo).app, 'beta-v1');
  }
});

test('hostname suffix: any name ending in .example.org, not the bare domain', async () => {
  for (const host of ['shop.example.org', `a.b.example.org:${port}`, 'SHOP.EXAMPLE.ORG']) {
    assert.match((await get('/x', { host })).app, /^alpha-v[12]$/, host);
  }
  assert.equal((await httpRequest(port, '/x', { host: 'example.org' })).status, 404);
});

test('header match and its inverse pick different services', async () => {
  assert.equal((await get('/hdr', { headers: { 'x-canary': 'yes' } })).app, 'beta-v1');
  assert.match((await get('/hdr', { headers: { 'x-canary': 'no' } })).app, /^alpha-v[12]$/);
  assert.equal((await get('/hdr/deeper', { headers: { 'x-canary': 'yes' } })).path, '/hdr/deeper');
});

test('path rewrite: the app sees the new path (the query string is kept)', async () => {
  const seen = await get('/old/page?lang=en');
  assert.match(seen.app, /^alpha-v[12]$/);
  assert.equal(seen.path, '/new/page?lang=en');
  assert.equal(
    (await httpRequest(port, '/old/page/more')).status,
    404,
    'an exact path does not match longer paths',
  );
});

test('prefix rewrite: a custom prefix, and the default one (/chapter/1 → /1)', async () => {
  assert.equal((await get('/shop/items/42?x=1')).path, '/store/items/42?x=1');
  assert.equal((await get('/shop/')).path, '/store/');
  const chapter = await get('/chapter/1');
  assert.equal(chapter.app, 'beta-v1');
  assert.equal(chapter.path, '/1');
  assert.equal((await get('/chapter/1/section/2?q')).path, '/1/section/2?q');
  assert.equal((await get('/chapter')).path, '/');
});

test('Host: rewritten to the target service by default; kept (without its port) when DISABLED', async () => {
  assert.equal((await get('/chapter/1', { host: 'client.example.net:9999' })).host, beta);
  assert.equal((await get('/shop/a')).host, alpha);
  const kept = await get('/keep-host/a', { host: `client.example.net:${port}` });
  assert.equal(kept.app, 'beta-v1');
  assert.equal(kept.host, 'client.example.net');
  assert.equal(kept.path, '/keep-host/a');
});

test('query parameter match: fish=nemo goes to beta, anything else falls through to the next route', async () => {
  assert.equal((await get('/q?fish=nemo')).app, 'beta-v1');
  assert.equal((await get('/q?a=1&fish=nemo')).app, 'beta-v1');
  assert.match((await get('/q?fish=dory')).app, /^alpha-v[12]$/);
  assert.match((await get('/q')).app, /^alpha-v[12]$/);
});

test('method match: POST goes to beta, other methods fall through', async () => {
  const posted = await get('/m', { method: 'POST' });
  assert.deepEqual([posted.app, posted.method], ['beta-v1', 'POST']);
  assert.match((await get('/m')).app, /^alpha-v[12]$/);
  assert.match((await get('/m', { method: 'PUT' })).app, /^alpha-v[12]$/);
});

test('priority order wins over a more specific prefix and over creation order', async () => {
  assert.equal((await get('/p/special')).app, 'beta-v1');
  assert.equal((await get('/p/other')).app, 'beta-v1');
});

test("the router's weights apply behind the gateway (3:1 within ±8 points over 400 requests)", async () => {
  let v1 = 0;
  // fetch (undici) this time: any HTTP client will do when the Host does not matter.
  const once = async (): Promise<Echo> => {
    const r = await fetch(`http://127.0.0.1:${port}/alpha/split`);
    assert.equal(r.status, 200);
    return (await r.json()) as Echo;
  };
  const all = await Promise.all(Array.from({ length: 400 }, once));
  for (const seen of all) {
    assert.equal(seen.path, '/split');
    if (seen.app === 'alpha-v1') v1++;
  }
  const share = (v1 / 400) * 100;
  assert.ok(Math.abs(share - 75) <= 8, `alpha-v1 got ${share}% (want 75 ± 8)`);
});

test("the router's retry policy applies behind the gateway (a 503 is retried, counted at the gateway)", async () => {
  const before = await gw.proxy.stat('envoy_cluster_upstream_rq_retry', 'alpha-v1');
  const seen = await get(`/alpha/fail-once/${randomUUID()}`);
  assert.equal(seen.app, 'alpha-v1');
  assert.equal(await gw.proxy.stat('envoy_cluster_upstream_rq_retry', 'alpha-v1'), before + 1);
});

test('a request no gateway route takes gets 404', async () => {
  const r = await httpRequest(port, '/nowhere');
  assert.equal(r.status, 404);
  assert.equal(r.headers['x-app'], undefined);
});
