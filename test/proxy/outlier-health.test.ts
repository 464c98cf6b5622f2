// Outlier ejection and return, and active health checks (HTTP, TCP, gRPC) taking endpoints out and back.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ms } from './envoy-fixtures.ts';
import { counter, startSingleRouteProxy } from './harness.ts';
import { closeClientAgent, request, startHttpServer, waitFor } from './upstream-servers.ts';

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
    await waitFor(() => badHost()?.ejected === false, 3000, 'the host to return');
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
  );
  try {
    const hostB = () =>
      h.proxy
        .cluster('svc')
        ?.hosts()
        .find((x) => x.port === b.port);
    await waitFor(() => hostB()?.activeHealth === 'unhealthy', 3000, 'b to fail its check');
    await waitFor(
      () =>
        h.proxy
          .cluster('svc')
          ?.hosts()
          .find((x) => x.port === a.port)?.activeHealth === 'healthy',
      3000,
      'a healthy',
    );
    for (let i = 0; i < 10; i++) assert.equal((await request(h.port, '/')).body, 'a');
    healthy = true;
    await waitFor(() => hostB()?.activeHealth === 'healthy', 3000, 'b to pass twice');
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
  );
  try {
    await waitFor(
      () => h.proxy.stats.gauge('cluster.svc.membership_healthy').value === 1,
      3000,
      'one healthy host',
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
  );
  try {
    const host = () => h.proxy.cluster('svc')?.hosts()[0];
    await waitFor(() => host()?.activeHealth === 'healthy', 3000, 'SERVING');
    serving = false;
    await waitFor(() => host()?.activeHealth === 'unhealthy', 3000, 'NOT_SERVING');
  } finally {
    await h.close();
    server.forceShutdown();
  }
});
