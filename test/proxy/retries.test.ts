// Retries through a real proxy: 503s and resets retried per policy, and not when the policy or the body forbids.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ms } from './envoy-fixtures.ts';
import { counter, startSingleRouteProxy } from './harness.ts';
import { closeClientAgent, request, startHttpServer } from './upstream-servers.ts';

after(() => closeClientAgent());

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
  const h = await startSingleRouteProxy([up.port], {
    retry_policy: { retry_on: '5xx', num_retries: { value: 2 } },
  });
  try {
    for (let i = 0; i < 20; i++) {
      const res = await request(h.port, '/');
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

test('connection resets are retried under retry_on reset', async () => {
  const up = await flakyServer('reset');
  const h = await startSingleRouteProxy([up.port], {
    retry_policy: { retry_on: 'reset,connect-failure', num_retries: { value: 1 } },
  });
  try {
    for (let i = 0; i < 10; i++) assert.equal((await request(h.port, '/')).status, 200);
  } finally {
    await h.close();
    await up.close();
  }
});

test('no retry without a policy, or when retry_on does not cover the failure', async () => {
  const up = await flakyServer('status503');
  const none = await startSingleRouteProxy([up.port]);
  const other = await startSingleRouteProxy([up.port], {
    retry_policy: { retry_on: 'connect-failure', num_retries: { value: 3 } },
  });
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
  const h = await startSingleRouteProxy([up.port], {
    retry_policy: { retry_on: 'gateway-error', num_retries: { value: 2 } },
  });
  try {
    const res = await request(h.port, '/');
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
  const h = await startSingleRouteProxy([up.port], {
    retry_policy: { retry_on: '5xx', num_retries: { value: 3 } },
  });
  try {
    const small = await request(h.port, '/', { method: 'POST', body: Buffer.alloc(10 * 1024, 1) });
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
  );
  try {
    for (let i = 0; i < 6; i++) assert.equal((await request(h.port, '/')).body, 'good');
    assert.ok(counter(h.proxy, 'cluster.svc.upstream_cx_connect_fail') >= 1);
  } finally {
    await h.close();
    await good.close();
  }
});
