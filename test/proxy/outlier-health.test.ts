// Outlier ejection and return, and active health checks (HTTP, TCP, gRPC) taking endpoints out and back, with
// their intervals and ejection times on a ManualClock: the probes and requests are real, the waiting is not.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ManualClock } from '../../src/proxy/index.ts';
import { startHttpServer } from '../support/echo-apps.ts';
import { waitFor } from '../support/wait-for.ts';
import { ms } from './envoy-fixtures.ts';
import { closeClientAgent, counter, request, startSingleRouteProxy } from './harness.ts';

after(() => closeClientAgent());

test('a failing endpoint is ejected by outlier detection and returns after the ejection time', async () => {
  const good = await startHttpServer((req, res) => {
    req.resume();
    res.end('good');
  });
  let badFails = true;
  const bad = await startHttpServer((req, res) => {
    req.resume();
    res.writeHead(badFails ? 500 : 200);
    res.end('bad');
  });
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [good.port, bad.port],
    {},
    {
      outlier_detection: {
        consecutive_5xx: { value: 3 },
        interval: ms(50),
        base_ejection_time: ms(300),
        max_ejection_percent: { value: 50 },
      },
    },
    { clock },
  );
  try {
    const badHost = () =>
      h.proxy
        .cluster('svc')
        ?.hosts()
        .find((x) => x.port === bad.port);
    for (let i = 0; i < 6; i++) await request(h.port, '/');
    assert.equal(badHost()?.ejected, true);
    assert.equal(counter(h.proxy, 'cluster.svc.outlier_detection.ejections_enforced_total'), 1);
    assert.equal(h.proxy.stats.gauge('cluster.svc.outlier_detection.ejections_active').value, 1);
    bad.hits = 0;
    for (let i = 0; i < 10; i++) assert.equal((await request(h.port, '/')).body, 'good');
    assert.equal(bad.hits, 0, 'an ejected host gets no traffic');
    badFails = false;
    // Ejected at 0; the detector's interval ticks at 50, 100, … return it at the first tick 300 ms on.
    clock.advance(299);
    assert.equal(badHost()?.ejected, true, 'still ejected before the ejection time');
    clock.advance(1);
    assert.equal(badHost()?.ejected, false, 'returned at the ejection time');
    const bodies = new Set<string>();
    for (let i = 0; i < 10; i++) bodies.add((await request(h.port, '/')).body);
    assert.deepEqual([...bodies].sort(), ['bad', 'good']);
  } finally {
    await h.close();
    await good.close();
    await bad.close();
  }
});

test('max_ejection_percent keeps hosts in service, but one host is always ejectable', async () => {
  const failing = await Promise.all(
    [1, 2].map(() =>
      startHttpServer((req, res) => {
        req.resume();
        res.writeHead(503);
        res.end();
      }),
    ),
  );
  const h = await startSingleRouteProxy(
    failing.map((s) => s.port),
    {},
    {
      outlier_detection: {
        consecutive_5xx: { value: 2 },
        interval: ms(1000),
        base_ejection_time: ms(30000),
        max_ejection_percent: { value: 10 },
      },
    },
    { clock: new ManualClock() },
  );
  try {
    for (let i = 0; i < 8; i++) await request(h.port, '/');
    const ejected = h.proxy
      .cluster('svc')
      ?.hosts()
      .filter((x) => x.ejected).length;
    assert.equal(ejected, 1);
    assert.ok(counter(h.proxy, 'cluster.svc.outlier_detection.ejections_overflow') >= 1);
  } finally {
    await h.close();
    for (const s of failing) await s.close();
  }
});

test('HTTP health checks take a failing endpoint out and bring it back', async () => {
  let healthy = false;
  const a = await startHttpServer((req, res) => {
    req.resume();
    res.end('a');
  });
  const b = await startHttpServer((req, res) => {
    req.resume();
    if (req.url === '/health') res.writeHead(healthy ? 200 : 503);
    res.end('b');
  });
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [a.port, b.port],
    {},
    {
      health_checks: [
        {
          timeout: ms(200),
          interval: ms(50),
          unhealthy_threshold: { value: 1 },
          healthy_threshold: { value: 2 },
          http_health_check: { path: '/health' },
        },
      ],
    },
    { clock },
  );
  try {
    const hostB = () =>
      h.proxy
        .cluster('svc')
        ?.hosts()
        .find((x) => x.port === b.port);
    clock.advance(0); // new hosts are probed at once
    await waitFor('b to fail its check', () => hostB()?.activeHealth === 'unhealthy');
    await waitFor(
      'a healthy',
      () =>
        h.proxy
          .cluster('svc')
          ?.hosts()
          .find((x) => x.port === a.port)?.activeHealth === 'healthy',
    );
    for (let i = 0; i < 10; i++) assert.equal((await request(h.port, '/')).body, 'a');
    healthy = true;
    clock.advance(50);
    await waitFor('b to pass once', () => hostB()?.hcSuccesses === 1);
    assert.equal(hostB()?.activeHealth, 'unhealthy', 'one pass is below the healthy threshold');
    clock.advance(50);
    await waitFor('b to pass twice', () => hostB()?.activeHealth === 'healthy');
    const bodies = new Set<string>();
    for (let i = 0; i < 10; i++) bodies.add((await request(h.port, '/')).body);
    assert.deepEqual([...bodies].sort(), ['a', 'b']);
    assert.ok(counter(h.proxy, 'cluster.svc.health_check.failure') >= 1);
  } finally {
    await h.close();
    await a.close();
    await b.close();
  }
});

test('TCP health checks mark a dead endpoint down', async () => {
  const a = await startHttpServer((req, res) => {
    req.resume();
    res.end('a');
  });
  const dead = await startHttpServer(() => {});
  const deadPort = dead.port;
  await dead.close();
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [a.port, deadPort],
    {},
    {
      health_checks: [
        {
          timeout: ms(200),
          interval: ms(50),
          unhealthy_threshold: { value: 1 },
          healthy_threshold: { value: 1 },
          tcp_health_check: {},
        },
      ],
    },
    { clock },
  );
  try {
    clock.advance(0);
    await waitFor(
      'one healthy host',
      () => h.proxy.stats.gauge('cluster.svc.membership_healthy').value === 1,
    );
    for (let i = 0; i < 10; i++) assert.equal((await request(h.port, '/')).status, 200);
    const deadHost = h.proxy
      .cluster('svc')
      ?.hosts()
      .find((x) => x.port === deadPort);
    assert.equal(deadHost?.healthFlags(), '/failed_active_hc');
  } finally {
    await h.close();
    await a.close();
  }
});

test('gRPC health checks use grpc.health.v1.Health/Check', async () => {
  let serving = true;
  const server = new grpc.Server();
  const raw = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
  server.addService(
    {
      check: {
        path: '/grpc.health.v1.Health/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: raw.serialize,
        requestDeserialize: raw.deserialize,
        responseSerialize: raw.serialize,
        responseDeserialize: raw.deserialize,
      },
    },
    {
      // HealthCheckResponse{status: SERVING (1) | NOT_SERVING (2)}
      check: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) =>
        cb(null, Buffer.from([0x08, serving ? 1 : 2])),
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const clock = new ManualClock();
  const h = await startSingleRouteProxy(
    [port],
    {},
    {
      health_checks: [
        {
          timeout: ms(500),
          interval: ms(50),
          unhealthy_threshold: { value: 1 },
          healthy_threshold: { value: 1 },
          grpc_health_check: { service_name: 'echo' },
        },
      ],
    },
    { clock },
  );
  try {
    const host = () => h.proxy.cluster('svc')?.hosts()[0];
    clock.advance(0);
    await waitFor('SERVING', () => host()?.activeHealth === 'healthy');
    serving = false;
    clock.advance(50);
    await waitFor('NOT_SERVING', () => host()?.activeHealth === 'unhealthy');
  } finally {
    await h.close();
    server.forceShutdown();
  }
});
