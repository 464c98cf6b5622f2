// Route timeouts (504), per-try timeouts with retries, and gRPC-aware local replies.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { ms } from './envoy-fixtures.ts';
import { counter, startSingleRouteProxy } from './harness.ts';
import { closeClientAgent, request, startHttpServer } from './upstream-servers.ts';

after(() => closeClientAgent());

/** Never answers; responses are kept so the test can end them at cleanup. */
async function hangingServer() {
  const pending: ServerResponse[] = [];
  const server = await startHttpServer((req, res) => {
    req.resume();
    pending.push(res);
  });
  return { server, release: () => pending.forEach((r) => r.destroy()) };
}

test('a hanging upstream hits the route timeout: 504 and upstream_rq_timeout', async () => {
  const { server, release } = await hangingServer();
  const h = await startSingleRouteProxy([server.port], { timeout: ms(200) });
  try {
    const started = performance.now();
    const res = await request(h.port, '/');
    const elapsed = performance.now() - started;
    assert.equal(res.status, 504);
    assert.equal(res.body, 'upstream request timeout');
    assert.ok(elapsed >= 190 && elapsed < 2000, `answered after ${elapsed} ms`);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_timeout'), 1);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_504'), 1);
  } finally {
    release();
    await h.close();
    await server.close();
  }
});

test('the route timeout also covers a response body still streaming: the client is reset', async () => {
  const pending: ServerResponse[] = [];
  const server = await startHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first part');
    pending.push(res);
  });
  const h = await startSingleRouteProxy([server.port], { timeout: ms(200) });
  try {
    const started = performance.now();
    await assert.rejects(request(h.port, '/'), /aborted|socket hang up|ECONNRESET/);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 190 && elapsed < 5000, `reset after ${elapsed} ms`);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_timeout'), 1);
  } finally {
    pending.forEach((r) => r.destroy());
    await h.close();
    await server.close();
  }
});

test('per_try_timeout abandons a slow attempt and the retry succeeds', async () => {
  const pending: ServerResponse[] = [];
  const server = await startHttpServer((req, res, hit) => {
    req.resume();
    if (hit === 1) pending.push(res);
    else res.end('second try');
  });
  const h = await startSingleRouteProxy([server.port], {
    timeout: ms(5000),
    retry_policy: { retry_on: '5xx', num_retries: { value: 1 }, per_try_timeout: ms(150) },
  });
  try {
    const res = await request(h.port, '/');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'second try');
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_per_try_timeout'), 1);
  } finally {
    pending.forEach((r) => r.destroy());
    await h.close();
    await server.close();
  }
});

test('the route timeout includes retries: a timed-out request is not retried past it', async () => {
  const { server, release } = await hangingServer();
  const h = await startSingleRouteProxy([server.port], {
    timeout: ms(300),
    retry_policy: { retry_on: '5xx', num_retries: { value: 5 }, per_try_timeout: ms(100) },
  });
  try {
    const started = performance.now();
    const res = await request(h.port, '/');
    const elapsed = performance.now() - started;
    assert.equal(res.status, 504);
    assert.ok(elapsed < 1500, `answered after ${elapsed} ms`);
    assert.ok(server.hits >= 2 && server.hits <= 4, `${server.hits} attempts`);
  } finally {
    release();
    await h.close();
    await server.close();
  }
});

test('timeout 0 disables the route timeout', async () => {
  const server = await startHttpServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('late'), 300);
  });
  const h = await startSingleRouteProxy([server.port], { timeout: ms(0) });
  try {
    assert.equal((await request(h.port, '/')).body, 'late');
  } finally {
    await h.close();
    await server.close();
  }
});

test('gRPC requests get a trailers-only local reply with grpc-status', async () => {
  const { server, release } = await hangingServer();
  const h = await startSingleRouteProxy([server.port], { timeout: ms(100) });
  try {
    const res = await request(h.port, '/pkg.Svc/Method', {
      method: 'POST',
      headers: { 'content-type': 'application/grpc' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['grpc-status'], '4');
    assert.equal(res.headers['content-type'], 'application/grpc');
  } finally {
    release();
    await h.close();
    await server.close();
  }
});
