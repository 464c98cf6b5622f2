// Whole-config swaps: in-flight requests keep their config, endpoint and weight changes drop nothing, bad configs are refused.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import net from 'node:net';
import { after, test } from 'node:test';
import { ConfigError, MeshProxy } from '../../src/proxy/index.ts';
import type { EnvoySnapshot } from '../../src/proxy/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';
import { closeClientAgent, request, startHttpServer, startNamedServer, waitFor } from './upstream-servers.ts';

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
    await waitFor(() => seen.length > 100, 5000, 'traffic');
    await proxy.applyConfig(split(0, 100, v1.port, v2.port));
    const mark = seen.length;
    await waitFor(() => seen.length > mark + 100, 5000, 'traffic after the change');
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
    await waitFor(() => held.length === 1, 5000, 'the request at the old endpoint');
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
    await waitFor(() => held.length === 1, 5000, 'slow request upstream');
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
