// Route timeouts (504), per-try timeouts with retries, and gRPC-aware local replies, on a ManualClock.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { ManualClock } from '../../src/proxy/index.ts';
import { startHttpServer } from '../support/echo-apps.ts';
import { settle, waitFor } from '../support/wait-for.ts';
import { ms } from './envoy-fixtures.ts';
import { closeClientAgent, counter, request, startSingleRouteProxy } from './harness.ts';

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

/** Back-off jitter of 0: a retry follows at once, so only the timeouts under test are on the clock. */
const noJitter = (): number => 0;

test('a hanging upstream hits the route timeout: 504 and upstream_rq_timeout', async () => {
  const { server, release } = await hangingServer();
  const clock = new ManualClock();
  const h = await startSingleRouteProxy([server.port], { timeout: ms(200) }, {}, { clock });
  try {
    const answer = request(h.port, '/');
    await waitFor('the upstream to hold the request', () => server.hits === 1);
    clock.advance(199);
    await settle();
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_timeout'), 0, 'not answered before 200 ms');
    clock.advance(1);
    const res = await answer;
    assert.equal(res.status, 504);
    assert.equal(res.body, 'upstream request timeout');
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_timeout'), 1);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_504'), 1);
  } finally {
    release();
    await h.close();
    await server.close();
  }
});

/** A GET whose response head has arrived; `body` settles when the body ends or is cut off. */
function openResponse(port: number): Promise<{ res: http.IncomingMessage; body: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/', headers: { host: 'svc' }, agent: false },
      (res) => {
        const body = new Promise<string>((done, fail) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => done(text));
          res.on('error', fail);
          res.on('close', () => {
            if (!res.complete) fail(new Error('aborted'));
          });
        });
        resolve({ res, body });
      },
    );
    req.on('error', reject);
  });
}

test('the route timeout also covers a response body still streaming: the client is reset', async () => {
  const pending: ServerResponse[] = [];
  const server = await startHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first part');
    pending.push(res);
  });
  const clock = new ManualClock();
  const h = await startSingleRouteProxy([server.port], { timeout: ms(200) }, {}, { clock });
  try {
    const { res, body } = await openResponse(h.port);
    assert.equal(res.statusCode, 200);
    clock.advance(199);
    await settle();
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_timeout'), 0, 'not reset before 200 ms');
    clock.advance(1);
    await assert.rejects(body, /aborted|socket hang up|ECONNRESET/);
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
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [server.port],
    {
      timeout: ms(5000),
      retry_policy: { retry_on: '5xx', num_retries: { value: 1 }, per_try_timeout: ms(150) },
    },
    {},
    { clock, random: noJitter },
  );
  try {
    const answer = request(h.port, '/');
    await waitFor('the first attempt to reach the upstream', () => server.hits === 1);
    clock.advance(149);
    await settle();
    assert.equal(server.hits, 1, 'no second attempt before the per-try timeout');
    clock.advance(1);
    const res = await answer;
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
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [server.port],
    {
      timeout: ms(300),
      retry_policy: { retry_on: '5xx', num_retries: { value: 5 }, per_try_timeout: ms(100) },
    },
    {},
    { clock, random: noJitter },
  );
  try {
    const answer = request(h.port, '/');
    // Each per-try timeout starts the next attempt at once; the third is cut by the route timeout at 300 ms.
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitFor(`attempt ${attempt} to reach the upstream`, () => server.hits === attempt);
      clock.advance(100);
    }
    const res = await answer;
    assert.equal(res.status, 504);
    assert.equal(clock.now(), 300, 'answered at the route timeout');
    assert.ok(server.hits >= 2 && server.hits <= 4, `${server.hits} attempts`);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_timeout'), 1);
  } finally {
    release();
    await h.close();
    await server.close();
  }
});

test('timeout 0 disables the route timeout', async () => {
  const pending: ServerResponse[] = [];
  const server = await startHttpServer((req, res) => {
    req.resume();
    pending.push(res);
  });
  const clock = new ManualClock();
  const h = await startSingleRouteProxy([server.port], { timeout: ms(0) }, {}, { clock });
  try {
    const answer = request(h.port, '/');
    await waitFor('the upstream to hold the request', () => pending.length === 1);
    // Far past Envoy's 15 s default route timeout, still inside the 5 min stream idle timeout.
    clock.advance(60_000);
    await settle();
    pending[0]!.end('late');
    assert.equal((await answer).body, 'late');
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_timeout'), 0);
  } finally {
    pending.forEach((r) => r.destroy());
    await h.close();
    await server.close();
  }
});

test('gRPC requests get a trailers-only local reply with grpc-status', async () => {
  const { server, release } = await hangingServer();
  const clock = new ManualClock();
  const h = await startSingleRouteProxy([server.port], { timeout: ms(100) }, {}, { clock });
  try {
    const answer = request(h.port, '/pkg.Svc/Method', {
      method: 'POST',
      headers: { 'content-type': 'application/grpc' },
    });
    await waitFor('the upstream to hold the request', () => server.hits === 1);
    clock.advance(100);
    const res = await answer;
    assert.equal(res.status, 200);
    assert.equal(res.headers['grpc-status'], '4');
    assert.equal(res.headers['content-type'], 'application/grpc');
  } finally {
    release();
    await h.close();
    await server.close();
  }
});
