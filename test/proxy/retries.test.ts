// Retries through a real proxy: 503s and resets retried per policy, and not when the policy or the body forbids.
// The back-off between tries runs on a ManualClock, advanced once the proxy has counted the retry (and so set the
// back-off timer): Envoy's 25 ms base interval jitters the first back-off below 25 ms, the second below 75 ms.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ManualClock } from '../../src/proxy/index.ts';
import type { MeshProxy } from '../../src/proxy/index.ts';
import { startHttpServer } from '../support/echo-apps.ts';
import { settle, waitFor } from '../support/wait-for.ts';
import { ms } from './envoy-fixtures.ts';
import { closeClientAgent, counter, request, startSingleRouteProxy, type SimpleResponse } from './harness.ts';

after(() => closeClientAgent());

/** Largest back-off before retry `n` (1-based) with the default 25 ms base: (2^n − 1) · 25. */
const maxBackOffMs = (n: number): number => (2 ** n - 1) * 25;

/**
 * Sends one request and walks it through up to `retries` back-offs: each time the proxy counts a retry, the clock
 * jumps past the longest back-off that retry can draw. (A request may need fewer: a reused connection that the
 * upstream reset is retried at once, uncounted, as a stale connection.)
 */
async function requestWithRetries(
  proxy: MeshProxy,
  clock: ManualClock,
  port: number,
  retries: number,
  send: () => Promise<SimpleResponse> = () => request(port, '/'),
): Promise<SimpleResponse> {
  const before = counter(proxy, 'cluster.svc.upstream_rq_retry');
  let settled = false;
  const answer = send().finally(() => (settled = true));
  for (let n = 1; n <= retries; n++) {
    await waitFor(
      `retry ${n}`,
      () => settled || counter(proxy, 'cluster.svc.upstream_rq_retry') === before + n,
      { intervalMs: 1 },
    );
    if (settled) break;
    clock.advance(maxBackOffMs(n));
  }
  return answer;
}

/** Fails every odd request with `fail`, answers even ones 200. */
function flakyServer(fail: 'status503' | 'reset') {
  return startHttpServer((req, res, hit) => {
    req.resume();
    if (hit % 2 === 1) {
      if (fail === 'reset') req.socket.destroy();
      else {
        res.writeHead(503);
        res.end('busy');
      }
      return;
    }
    res.end('ok');
  });
}

test('503s are retried under retry_on 5xx with no client-visible error', async () => {
  const up = await flakyServer('status503');
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [up.port],
    { retry_policy: { retry_on: '5xx', num_retries: { value: 2 } } },
    {},
    { clock },
  );
  try {
    for (let i = 0; i < 20; i++) {
      const res = await requestWithRetries(h.proxy, clock, h.port, 1);
      assert.equal(res.status, 200);
      assert.equal(res.body, 'ok');
    }
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_retry'), 20);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_retry_success'), 20);
    assert.equal(counter(h.proxy, 'cluster.svc.retry.upstream_rq_503'), 20);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_200'), 20);
  } finally {
    await h.close();
    await up.close();
  }
});

test('a retry waits its jittered back-off on the clock before the next try', async () => {
  const up = await flakyServer('status503');
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [up.port],
    {
      retry_policy: {
        retry_on: '5xx',
        num_retries: { value: 1 },
        retry_back_off: { base_interval: ms(100) },
      },
    },
    {},
    { clock, random: () => 0.5 },
  );
  try {
    const answer = request(h.port, '/');
    await waitFor('the retry', () => counter(h.proxy, 'cluster.svc.upstream_rq_retry') === 1, {
      intervalMs: 1,
    });
    // Before retry 1: 0.5 of (2^1 − 1) · 100 ms = 50 ms.
    clock.advance(49);
    await settle();
    assert.equal(up.hits, 1, 'no second try during the back-off');
    clock.advance(1);
    assert.equal((await answer).body, 'ok');
    assert.equal(up.hits, 2);
  } finally {
    await h.close();
    await up.close();
  }
});

test('connection resets are retried under retry_on reset', async () => {
  const up = await flakyServer('reset');
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [up.port],
    { retry_policy: { retry_on: 'reset,connect-failure', num_retries: { value: 1 } } },
    {},
    { clock },
  );
  try {
    for (let i = 0; i < 10; i++)
      assert.equal((await requestWithRetries(h.proxy, clock, h.port, 1)).status, 200);
  } finally {
    await h.close();
    await up.close();
  }
});

test('no retry without a policy, or when retry_on does not cover the failure', async () => {
  const up = await flakyServer('status503');
  const none = await startSingleRouteProxy([up.port], {}, {}, { clock: new ManualClock() });
  const other = await startSingleRouteProxy(
    [up.port],
    { retry_policy: { retry_on: 'connect-failure', num_retries: { value: 3 } } },
    {},
    { clock: new ManualClock() },
  );
  try {
    up.hits = 0;
    assert.equal((await request(none.port, '/')).status, 503);
    assert.equal(up.hits, 1);
    up.hits = 0;
    assert.equal((await request(other.port, '/')).status, 503);
    assert.equal(up.hits, 1);
  } finally {
    await none.close();
    await other.close();
    await up.close();
  }
});

test('num_retries is a limit: exhausted retries return the last answer and count limit_exceeded', async () => {
  const up = await startHttpServer((req, res) => {
    req.resume();
    res.writeHead(503);
    res.end();
  });
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [up.port],
    { retry_policy: { retry_on: 'gateway-error', num_retries: { value: 2 } } },
    {},
    { clock },
  );
  try {
    const res = await requestWithRetries(h.proxy, clock, h.port, 2);
    assert.equal(res.status, 503);
    assert.equal(up.hits, 3);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_retry_limit_exceeded'), 1);
  } finally {
    await h.close();
    await up.close();
  }
});

test('a body larger than the replay buffer is never retried', async () => {
  const up = await flakyServer('status503');
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [up.port],
    { retry_policy: { retry_on: '5xx', num_retries: { value: 3 } } },
    {},
    { clock },
  );
  try {
    const small = await requestWithRetries(h.proxy, clock, h.port, 1, () =>
      request(h.port, '/', { method: 'POST', body: Buffer.alloc(10 * 1024, 1) }),
    );
    assert.equal(small.status, 200, 'a small body is replayed');
    up.hits = 0;
    const big = await request(h.port, '/', { method: 'POST', body: Buffer.alloc(512 * 1024, 1) });
    assert.equal(big.status, 503, 'a body past the 64 KiB buffer cannot be replayed');
    assert.equal(up.hits, 1);
  } finally {
    await h.close();
    await up.close();
  }
});

test('retries go to another host and connect failures are retried under connect-failure', async () => {
  const good = await startHttpServer((req, res) => {
    req.resume();
    res.end('good');
  });
  const dead = await startHttpServer(() => {});
  const deadPort = dead.port;
  await dead.close();
  const h = await startSingleRouteProxy(
    [deadPort, good.port],
    {
      retry_policy: {
        retry_on: 'connect-failure',
        num_retries: { value: 2 },
        retry_back_off: { base_interval: ms(5) },
      },
    },
    { lb_policy: 'ROUND_ROBIN' },
    // Jitter 0 makes every back-off 0 ms: no timer, so host choice is all this test sees of the clock.
    { clock: new ManualClock(), random: () => 0 },
  );
  try {
    for (let i = 0; i < 6; i++) assert.equal((await request(h.port, '/')).body, 'good');
    assert.ok(counter(h.proxy, 'cluster.svc.upstream_cx_connect_fail') >= 1);
  } finally {
    await h.close();
    await good.close();
  }
});
