// Routing through a real proxy: virtual hosts, path/header/query matching, weighted clusters, proxy mode, rewrites.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';
import { startHttpServer, startNamedServer, type TestServer } from '../support/echo-apps.ts';
import { closeClientAgent, request } from './harness.ts';

describe('routing', () => {
  const servers: TestServer[] = [];
  const proxy = new MeshProxy();
  let port = 0;
  let echo: TestServer;

  before(async () => {
    for (const name of ['a', 'b', 'c', 'v1', 'v2']) servers.push(await startNamedServer(name));
    echo = await startHttpServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, host: req.headers.host }));
    });
    const names = ['a', 'b', 'c', 'v1', 'v2'];
    await proxy.applyConfig(
      snapshot({
        listeners: [httpListener('out')],
        routeConfigurations: [
          routeConfig('out', [
            vhost('exact', ['svc-a', 'svc-a:8080'], [prefixRoute('/', 'a')]),
            vhost('suffix', ['*.b.local'], [prefixRoute('/', 'b')]),
            vhost('prefix', ['c.*'], [prefixRoute('/', 'c')]),
            vhost(
              'split',
              ['split'],
              [
                {
                  match: { prefix: '/' },
                  route: {
                    weighted_clusters: {
                      clusters: [
                        { name: 'v1', weight: { value: 30 } },
                        { name: 'v2', weight: { value: 70 } },
                      ],
                    },
                  },
                },
              ],
            ),
            vhost(
              'matching',
              ['match'],
              [
                prefixRoute(
                  '/',
                  'v2',
                  {},
                  { headers: [{ name: 'x-canary', string_match: { exact: 'yes' } }] },
                ),
                prefixRoute('/', 'c', {}, { query_parameters: [{ name: 'beta', present_match: true }] }),
                { match: { path: '/exact' }, route: { cluster: 'b' } },
                { match: { safe_regex: { regex: '/items/[0-9]+' } }, route: { cluster: 'a' } },
                {
                  match: { prefix: '/direct' },
                  direct_response: { status: 418, body: { inline_string: 'teapot' } },
                },
                prefixRoute('/old/', 'echo', {
                  prefix_rewrite: '/new/',
                  host_rewrite_literal: 'rewritten.local',
                }),
                prefixRoute('/', 'v1'),
              ],
            ),
            vhost('fallback', ['*'], [prefixRoute('/', 'echo')]),
          ]),
        ],
        clusters: [...names, 'echo'].map((n) => cluster(n)),
        clusterLoadAssignments: [
          ...names.map((n, i) => endpoints(n, [servers[i]?.port ?? 0])),
          endpoints('echo', [echo.port]),
        ],
      }),
    );
    port = proxy.listenerPort('out') ?? 0;
  });

  after(async () => {
    await proxy.close();
    for (const s of servers) await s.close();
    await echo.close();
    closeClientAgent();
  });

  test('virtual hosts: exact, port-qualified, suffix and prefix wildcards, catch-all', async () => {
    assert.equal((await request(port, '/', { host: 'svc-a' })).body, 'a');
    assert.equal((await request(port, '/', { host: 'svc-a:8080' })).body, 'a');
    assert.equal((await request(port, '/', { host: 'x.b.local' })).body, 'b');
    assert.equal((await request(port, '/', { host: 'c.anything' })).body, 'c');
    // A port the domains do not list falls through to the catch-all virtual host.
    const other = await request(port, '/', { host: 'svc-a:9999' });
    assert.equal(JSON.parse(other.body).host, 'svc-a:9999');
  });

  test('routes: header, query, exact path, regex, direct response, first match wins', async () => {
    assert.equal((await request(port, '/x', { host: 'match', headers: { 'x-canary': 'yes' } })).body, 'v2');
    assert.equal((await request(port, '/x?beta=1', { host: 'match' })).body, 'c');
    assert.equal((await request(port, '/exact', { host: 'match' })).body, 'b');
    assert.equal((await request(port, '/exact/more', { host: 'match' })).body, 'v1');
    assert.equal((await request(port, '/items/42', { host: 'match' })).body, 'a');
    assert.equal((await request(port, '/items/42x', { host: 'match' })).body, 'v1');
    const direct = await request(port, '/direct', { host: 'match' });
    assert.equal(direct.status, 418);
    assert.equal(direct.body, 'teapot');
  });

  test('prefix rewrite and host rewrite reach the upstream', async () => {
    const res = await request(port, '/old/thing?q=1', { host: 'match' });
    assert.deepEqual(JSON.parse(res.body), { url: '/new/thing?q=1', host: 'rewritten.local' });
  });

  test('HTTP proxy mode: an absolute-form URI selects the virtual host by its authority', async () => {
    const res = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: 'http://svc-a:8080/via-proxy', headers: { host: 'svc-a:8080' } },
        (r) => {
          let body = '';
          r.on('data', (c: Buffer) => (body += c.toString()));
          r.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(res, 'a');
  });

  test('weighted clusters split 30/70 within ±3 points over 2,000 requests', async () => {
    const counts = { v1: 0, v2: 0 };
    for (let batch = 0; batch < 40; batch++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => request(port, '/', { host: 'split' })),
      );
      for (const r of results) counts[r.body as 'v1' | 'v2']++;
    }
    const v1Share = (counts.v1 / 2000) * 100;
    assert.ok(Math.abs(v1Share - 30) <= 3, `v1 got ${v1Share}%`);
    assert.equal(counts.v1 + counts.v2, 2000);
  });

  test('an unknown cluster answers 503 and an unmatched host 404', async () => {
    const p2 = new MeshProxy();
    try {
      await p2.applyConfig(
        snapshot({
          listeners: [httpListener('l')],
          routeConfigurations: [routeConfig('l', [vhost('v', ['svc'], [prefixRoute('/', 'missing')])])],
        }),
      );
      const lp = p2.listenerPort('l') ?? 0;
      assert.equal((await request(lp, '/')).status, 503);
      assert.equal((await request(lp, '/', { host: 'nope' })).status, 404);
    } finally {
      await p2.close();
    }
  });
});
