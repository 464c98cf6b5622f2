// Whole-config swaps: in-flight requests keep their config, endpoint and weight changes drop nothing, bad configs
// (and configs whose listeners cannot bind) are refused whole.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { ServerResponse } from 'node:http';
import net from 'node:net';
import { after, test } from 'node:test';
import { ConfigError, ListenerBindError, MeshProxy } from '../../src/proxy/index.ts';
import type { EnvoySnapshot } from '../../src/proxy/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  tcpListener,
  vhost,
} from './envoy-fixtures.ts';
import { startHttpServer, startNamedServer } from '../support/echo-apps.ts';
import { waitFor } from '../support/wait-for.ts';
import { closeClientAgent, request } from './harness.ts';

after(() => closeClientAgent());

function split(v1: number, v2: number, v1Port: number, v2Port: number, listenerPort = 0): EnvoySnapshot {
  return snapshot({
    listeners: [httpListener('out', { port: listenerPort })],
    routeConfigurations: [
      routeConfig('out', [
        vhost(
          'svc',
          ['svc'],
          [
            {
              match: { prefix: '/' },
              route: {
                weighted_clusters: {
                  clusters: [
                    { name: 'v1', weight: { value: v1 } },
                    { name: 'v2', weight: { value: v2 } },
                  ],
                },
              },
            },
          ],
        ),
      ]),
    ],
    clusters: [cluster('v1'), cluster('v2')],
    clusterLoadAssignments: [endpoints('v1', [v1Port]), endpoints('v2', [v2Port])],
  });
}

test('a weight change takes effect live without a failed request', async () => {
  const v1 = await startNamedServer('v1');
  const v2 = await startNamedServer('v2');
  const proxy = new MeshProxy();
  try {
    await proxy.applyConfig(split(100, 0, v1.port, v2.port));
    const port = proxy.listenerPort('out') ?? 0;
    let failures = 0;
    let running = true;
    const seen: string[] = [];
    const load = (async () => {
      while (running) {
        const rs = await Promise.all(
          Array.from({ length: 10 }, () => request(port, '/').catch(() => ({ status: 0, body: '' }))),
        );
        for (const r of rs) {
          if (r.status !== 200) failures++;
          seen.push(r.body);
        }
      }
    })();
    await waitFor('traffic', () => seen.length > 100, { timeoutMs: 5000 });
    await proxy.applyConfig(split(0, 100, v1.port, v2.port));
    const mark = seen.length;
    await waitFor('traffic after the change', () => seen.length > mark + 100, { timeoutMs: 5000 });
    running = false;
    await load;
    assert.equal(failures, 0);
    assert.ok(
      seen.slice(mark + 20).every((b) => b === 'v2'),
      'all later requests go to v2',
    );
    assert.equal(proxy.listenerPort('out'), port, 'the listener was kept, not rebound');
  } finally {
    await proxy.close();
    await v1.close();
    await v2.close();
  }
});

test('an endpoint update does not drop in-flight requests, and removed hosts get no new ones', async () => {
  const held: ServerResponse[] = [];
  const old = await startHttpServer((req, res) => {
    req.resume();
    held.push(res);
  });
  const fresh = await startNamedServer('fresh');
  const proxy = new MeshProxy();
  const config = (port: number) =>
    snapshot({
      listeners: [httpListener('out')],
      routeConfigurations: [routeConfig('out', [vhost('svc', ['svc'], [prefixRoute('/', 'c')])])],
      clusters: [cluster('c')],
      clusterLoadAssignments: [endpoints('c', [port])],
    });
  try {
    await proxy.applyConfig(config(old.port));
    const port = proxy.listenerPort('out') ?? 0;
    const inflight = request(port, '/slow');
    await waitFor('the request at the old endpoint', () => held.length === 1, { timeoutMs: 5000 });
    await proxy.applyConfig(config(fresh.port));
    assert.equal((await request(port, '/')).body, 'fresh');
    held[0]?.end('old but finished');
    const res = await inflight;
    assert.equal(res.status, 200);
    assert.equal(res.body, 'old but finished');
  } finally {
    held.forEach((r) => r.destroy());
    await proxy.close();
    await old.close();
    await fresh.close();
  }
});

test('an invalid snapshot is refused with a precise message and the last good config keeps serving', async () => {
  const v1 = await startNamedServer('v1');
  const proxy = new MeshProxy();
  try {
    await proxy.applyConfig(split(1, 0, v1.port, v1.port));
    const port = proxy.listenerPort('out') ?? 0;
    const bad = snapshot({
      ...split(1, 0, v1.port, v1.port),
      routeConfigurations: [
        routeConfig('out', [
          vhost('a', ['svc'], [{ match: { safe_regex: { regex: '(' } }, route: { cluster: 'v1' } }]),
          vhost('b', ['svc'], [prefixRoute('/', 'v1', { retry_policy: { retry_on: 'sometimes' } })]),
        ]),
      ],
    });
    await assert.rejects(
      () => proxy.applyConfig(bad),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /virtual_hosts\[0\]\.routes\[0\]\.match\.safe_regex\.regex: invalid regex/);
        assert.match(
          err.message,
          /virtual_hosts\[1\]\.routes\[0\]\.route\.retry_policy\.retry_on: unknown retry condition "sometimes"/,
        );
        assert.match(err.message, /domain "svc" is already used by virtual host "a"/);
        return true;
      },
    );
    assert.equal((await request(port, '/')).body, 'v1');
  } finally {
    await proxy.close();
    await v1.close();
  }
});

test('moving a listener to another port drains the old one: its in-flight request still completes', async () => {
  const held: ServerResponse[] = [];
  const up = await startHttpServer((req, res) => {
    req.resume();
    if (req.url === '/slow') held.push(res);
    else res.end('fast');
  });
  const proxy = new MeshProxy();
  const config = (listenerPort: number, statPrefix: string) =>
    snapshot({
      listeners: [httpListener('out', { port: listenerPort, statPrefix })],
      routeConfigurations: [routeConfig('out', [vhost('svc', ['svc'], [prefixRoute('/', 'c')])])],
      clusters: [cluster('c')],
      clusterLoadAssignments: [endpoints('c', [up.port])],
    });
  try {
    await proxy.applyConfig(config(0, 'first'));
    const oldPort = proxy.listenerPort('out') ?? 0;
    const inflight = request(oldPort, '/slow');
    await waitFor('slow request upstream', () => held.length === 1, { timeoutMs: 5000 });
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const freePort = (free.address() as net.AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    await proxy.applyConfig(config(freePort, 'second'));
    const newPort = proxy.listenerPort('out') ?? 0;
    assert.equal(newPort, freePort);
    assert.equal((await request(newPort, '/')).body, 'fast');
    held[0]?.end('drained');
    assert.equal((await inflight).body, 'drained');
    await assert.rejects(() => request(oldPort, '/'), /ECONNREFUSED|ECONNRESET|socket hang up/);
  } finally {
    held.forEach((r) => r.destroy());
    await proxy.close();
    await up.close();
  }
});

/** A GET on a new connection (a TCP proxy picks its upstream per connection); the body, or `error: ...`. */
function freshGet(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/', agent: false, headers: { host: 'svc' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(`${res.statusCode} ${Buffer.concat(chunks).toString()}`));
        res.on('error', (e) => resolve(`error: ${e.message}`));
      },
    );
    req.on('error', (e) => resolve(`error: ${e.message}`));
  });
}

async function takenPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('a config whose new listener cannot bind is refused whole: every old listener and cluster serves on', async () => {
  const v1 = await startNamedServer('v1');
  const v2 = await startNamedServer('v2');
  const taken = await takenPort();
  const proxy = new MeshProxy();
  const config = (upstream: number, extra: ReturnType<typeof httpListener>[] = []) =>
    snapshot({
      listeners: [httpListener('web'), tcpListener('db', 'db'), ...extra],
      routeConfigurations: [routeConfig('web', [vhost('svc', ['svc'], [prefixRoute('/', 'app')])])],
      clusters: [cluster('app'), cluster('db')],
      clusterLoadAssignments: [endpoints('app', [upstream]), endpoints('db', [upstream])],
    });
  try {
    await proxy.applyConfig(config(v1.port));
    const applied = proxy.config;
    const web = proxy.listenerPort('web') ?? 0;
    const db = proxy.listenerPort('db') ?? 0;
    const answers: string[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        const rs = await Promise.all([
          ...Array.from({ length: 4 }, () =>
            request(web, '/').then(
              (r) => `${r.status} ${r.body}`,
              (e: Error) => `error: ${e.message}`,
            ),
          ),
          freshGet(db),
          freshGet(db),
        ]);
        answers.push(...rs);
      }
    })();
    await waitFor('traffic before', () => answers.length > 60, { timeoutMs: 5000 });

    // The new config moves both clusters to v2 and adds two listeners, one on a port something else holds.
    const bad = config(v2.port, [
      httpListener('fresh', { routeConfigName: 'web' }),
      httpListener('blocked', { port: taken.port, routeConfigName: 'web' }),
    ]);
    await assert.rejects(
      () => proxy.applyConfig(bad),
      (err: unknown) => {
        assert.ok(err instanceof ListenerBindError, String(err));
        assert.deepEqual(
          err.failures.map((f) => [f.listener, f.port]),
          [['blocked', taken.port]],
        );
        assert.match(err.message, /listener "blocked" cannot bind 127\.0\.0\.1:\d+: .*EADDRINUSE/);
        return true;
      },
    );
    const mark = answers.length;
    await waitFor('traffic after', () => answers.length > mark + 60, { timeoutMs: 5000 });
    running = false;
    await load;

    assert.deepEqual(
      answers.filter((a) => a !== '200 v1'),
      [],
      'every request before, during and after went to the old cluster endpoints',
    );
    assert.equal(proxy.config, applied, 'the applied config is still the old one');
    assert.equal(proxy.listenerPort('web'), web);
    assert.equal(proxy.listenerPort('db'), db);
    assert.equal(proxy.listenerPort('fresh'), undefined, 'the listener that did bind was closed again');
    assert.equal(proxy.listenerPort('blocked'), undefined);
    assert.equal(v2.hits, 0, 'the new endpoints never got a request');

    // Once the port is free, the same config applies.
    await taken.close();
    await proxy.applyConfig(bad);
    assert.equal(await freshGet(proxy.listenerPort('blocked') ?? 0), '200 v2');
    assert.equal(await freshGet(db), '200 v2');
  } finally {
    await proxy.close();
    await taken.close().catch(() => {});
    await v1.close();
    await v2.close();
  }
});

test('a listener that changes codec on the same port is rebound there (the old one lets go of it first)', async () => {
  const v1 = await startNamedServer('v1');
  const [port] = await freePortList(1);
  const proxy = new MeshProxy();
  const config = (codec: string) =>
    snapshot({
      listeners: [httpListener('web', { port, codec })],
      routeConfigurations: [routeConfig('web', [vhost('svc', ['svc'], [prefixRoute('/', 'app')])])],
      clusters: [cluster('app')],
      clusterLoadAssignments: [endpoints('app', [v1.port])],
    });
  try {
    await proxy.applyConfig(config('AUTO'));
    assert.equal(await freshGet(port!), '200 v1');
    await proxy.applyConfig(config('HTTP1'));
    assert.equal(proxy.listenerPort('web'), port);
    const filter = proxy.config?.listeners.get('web')?.filter;
    assert.equal(filter?.kind === 'http' ? filter.codec : undefined, 'HTTP1');
    assert.equal(await freshGet(port!), '200 v1');
  } finally {
    await proxy.close();
    await v1.close();
  }
});

async function freePortList(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = await takenPort();
    ports.push(t.port);
    await t.close();
  }
  return ports;
}

test('when a listener cannot take over the port of a replaced one, the replaced one is started again', async () => {
  const v1 = await startNamedServer('v1');
  const [port] = await freePortList(1);
  const proxy = new MeshProxy();
  const routes = routeConfig('web', [vhost('svc', ['svc'], [prefixRoute('/', 'app')])]);
  const base = { clusters: [cluster('app')], clusterLoadAssignments: [endpoints('app', [v1.port])] };
  try {
    await proxy.applyConfig(
      snapshot({ ...base, listeners: [httpListener('web', { port })], routeConfigurations: [routes] }),
    );
    const applied = proxy.config;
    // Both new listeners want the port only after "web" lets go of it; the IPv4-mapped twin then collides.
    const twin = httpListener('twin', { port, routeConfigName: 'web' });
    const twinAddress = twin.address!.socket_address!;
    const clash = snapshot({
      ...base,
      listeners: [
        httpListener('web', { port, codec: 'HTTP1' }),
        {
          ...twin,
          address: { ...twin.address!, socket_address: { ...twinAddress, address: '::ffff:127.0.0.1' } },
        },
      ],
      routeConfigurations: [routes],
    });
    await assert.rejects(
      () => proxy.applyConfig(clash),
      (err: unknown) => err instanceof ListenerBindError && err.failures.length === 1,
    );
    assert.equal(proxy.config, applied);
    assert.equal(proxy.listenerPort('twin'), undefined);
    assert.equal(proxy.listenerPort('web'), port);
    assert.equal(await freshGet(port!), '200 v1');
  } finally {
    await proxy.close();
    await v1.close();
  }
});
