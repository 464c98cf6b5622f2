// Circuit breaking from connection pool limits: overflow is shed with 503 and counted.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { startHttpServer } from '../support/echo-apps.ts';
import { waitFor } from '../support/wait-for.ts';
import { closeClientAgent, counter, request, startSingleRouteProxy } from './harness.ts';

after(() => closeClientAgent());

test('max_connections + max_pending_requests overflow answers 503 and counts upstream_rq_pending_overflow', async () => {
  const held: ServerResponse[] = [];
  const server = await startHttpServer((req, res) => {
    req.resume();
    held.push(res);
  });
  const h = await startSingleRouteProxy(
    [server.port],
    {},
    {
      circuit_breakers: {
        thresholds: [
          {
            priority: 'DEFAULT',
            max_connections: { value: 1 },
            max_pending_requests: { value: 1 },
            max_requests: { value: 100 },
          },
        ],
      },
    },
  );
  try {
    const first = request(h.port, '/1');
    const second = request(h.port, '/2');
    await waitFor(
      'two active requests',
      () => h.proxy.stats.gauge('cluster.svc.upstream_rq_active').value === 2,
    );
    const third = await request(h.port, '/3');
    assert.equal(third.status, 503);
    assert.match(third.body, /overflow/);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_pending_overflow'), 1);
    // Only one connection is opened; the second request waits for it.
    assert.equal(held.length, 1);
    held.shift()?.end('one');
    await waitFor('the pending request to reach the upstream', () => held.length === 1);
    held.shift()?.end('two');
    assert.equal((await first).body, 'one');
    assert.equal((await second).body, 'two');
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_cx_total'), 1);
  } finally {
    held.forEach((r) => r.destroy());
    await h.close();
    await server.close();
  }
});

test('max_requests overflow answers 503', async () => {
  const held: ServerResponse[] = [];
  let hold = true;
  const server = await startHttpServer((req, res) => {
    req.resume();
    if (hold) held.push(res);
    else res.end('ok');
  });
  const h = await startSingleRouteProxy(
    [server.port],
    {},
    {
      circuit_breakers: { thresholds: [{ priority: 'DEFAULT', max_requests: { value: 2 } }] },
    },
  );
  try {
    const inflight = [request(h.port, '/1'), request(h.port, '/2')];
    await waitFor('two requests upstream', () => held.length === 2);
    assert.equal((await request(h.port, '/3')).status, 503);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_pending_overflow'), 1);
    hold = false;
    for (const r of held) r.end('ok');
    for (const r of await Promise.all(inflight)) assert.equal(r.status, 200);
    assert.equal((await request(h.port, '/4')).status, 200, 'capacity comes back');
  } finally {
    held.forEach((r) => r.destroy());
    await h.close();
    await server.close();
  }
});
