// The proxy's metrics reporter against the control plane's receiver over real gRPC: identity from the first
// message, and counts surviving a control plane restart (reconnect with back-off, nothing counted twice).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { MetricsReceiver } from '../../src/controlplane/metrics/metrics-receiver.ts';
import {
  MetricsWindow,
  bucketsOf,
  countOf,
  requestsOf,
} from '../../src/controlplane/metrics/metrics-window.ts';
import { metricsServiceDefinition, type StreamMetricsMessage } from '../../src/xds/protos/metrics-service.ts';
import { systemClock } from '../../src/proxy/clock.ts';
import { MeshMetrics } from '../../src/proxy/mesh-metrics/mesh-metrics.ts';
import { MetricsReporter } from '../../src/proxy/mesh-metrics/metrics-reporter.ts';
import { freePort } from '../support/free-ports.ts';
import { waitFor } from '../support/wait-for.ts';

const logger = pino({ level: 'silent' });
const window = new MetricsWindow({ now: Date.now });
const cleanups: (() => void | Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function serve(port: number): Promise<{ receiver: MetricsReceiver; stop: () => Promise<void> }> {
  const receiver = new MetricsReceiver({ window, logger });
  const server = new grpc.Server();
  receiver.addTo(server);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) =>
      e ? reject(e) : resolve(),
    ),
  );
  return {
    receiver,
    stop: async () => {
      receiver.close();
      server.forceShutdown();
    },
  };
}

const outcome = (responseCode: number, responseFlags = '') => ({
  routeName: 'color-route',
  clusterName: 'cds_egress_demo_blue_http_8080',
  responseCode,
  responseFlags,
});

function total(): { requests: number; errors: number } {
  const rows = window.sum(3_600_000, 'demo');
  const counts = rows.find((r) => r.labels.sourceName === 'front')?.counts;
  if (!counts) return { requests: 0, errors: 0 };
  return { requests: requestsOf(counts), errors: countOf(counts, '5xx') + countOf(counts, 'reset') };
}

test('counts reach the control plane, survive its restart, and are never counted twice', async () => {
  const port = await freePort();
  let cp = await serve(port);
  const metrics = new MeshMetrics();
  const reporter = new MetricsReporter({
    metrics,
    node: { id: 'mesh/demo/virtualNode/front' },
    server: () => `127.0.0.1:${port}`,
    intervalMs: 100,
    clock: systemClock,
    logger,
    backOff: { baseMs: 50, maxMs: 200 },
  });
  reporter.start();
  cleanups.push(
    () => reporter.close(),
    () => cp.stop(),
  );
  for (let i = 0; i < 5; i++) metrics.record('color.demo.local_80', outcome(200), 2);
  metrics.record('color.demo.local_80', outcome(503), 2);
  metrics.record('color.demo.local_80', outcome(200, 'UPE'), 2);
  // The inbound side (its own app's cluster) is not a mesh pair.
  metrics.record('ingress_http_8080', { ...outcome(200), clusterName: 'cds_ingress_demo_blue_http_8080' }, 1);
  await waitFor('the first counts', () => total().requests === 7);
  assert.deepEqual(total(), { requests: 7, errors: 2 });
  const [row] = window.sum(3_600_000, 'demo');
  assert.deepEqual(
    { kind: row!.labels.sourceKind, vh: row!.labels.virtualHost, route: row!.labels.route },
    { kind: 'virtualNode', vh: 'color.demo.local_80', route: 'color-route' },
  );

  await cp.stop();
  await waitFor('the reporter sees the stream end', () => !reporter.streaming);
  for (let i = 0; i < 3; i++) metrics.record('color.demo.local_80', outcome(200), 2);
  // Reports fail while it is down (the reporter backs off); their counts go back into the table meanwhile.
  const ended = reporter.endedStreams;
  await waitFor('a report attempted while it is down', () => reporter.endedStreams >= ended + 2);
  cp = await serve(port);
  await waitFor('the counts made while it was down', () => total().requests === 10, { timeoutMs: 10_000 });
  assert.equal(cp.receiver.reporters, 1);
  // Nothing arrives twice: a few more intervals leave the figure as it is.
  const sentBefore = reporter.sent;
  await waitFor('more reports', () => reporter.sent >= sentBefore + 3);
  assert.deepEqual(total(), { requests: 10, errors: 2 });
});

test('a stream whose first message names no node is refused', async () => {
  const port = await freePort();
  const cp = await serve(port);
  cleanups.push(() => cp.stop());
  const reporter = new MetricsReporter({
    metrics: new MeshMetrics(),
    node: { id: 'not-a-node' },
    server: () => `127.0.0.1:${port}`,
    intervalMs: 50,
    clock: systemClock,
    logger,
    backOff: { baseMs: 1_000, maxMs: 1_000 },
  });
  reporter.start();
  cleanups.push(() => reporter.close());
  await waitFor('the refusal', () => cp.receiver.refusedStreams > 0);
  assert.equal(cp.receiver.reporters, 0);
});

test("a stock Envoy's cumulative cluster stats count as the difference between its messages", async () => {
  const port = await freePort();
  const cp = await serve(port);
  cleanups.push(() => cp.stop());
  const client = new (grpc.makeGenericClientConstructor(
    metricsServiceDefinition() as unknown as grpc.ServiceDefinition,
    'MetricsService',
  ))(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  cleanups.push(() => client.close());
  const call = (
    client as unknown as {
      StreamMetrics: (
        cb: (e: grpc.ServiceError | null) => void,
      ) => grpc.ClientWritableStream<StreamMetricsMessage>;
    }
  ).StreamMetrics(() => undefined);
  cleanups.push(() => void call.end());
  const cluster = 'cluster.cds_egress_shop_cart_http_8080';
  const stats = (
    ok: number,
    failed: number,
    cumulative: [number, number][],
  ): StreamMetricsMessage['envoy_metrics'] => [
    { name: `${cluster}.upstream_rq_2xx`, type: 'COUNTER', metric: [{ counter: { value: ok } }] },
    { name: `${cluster}.upstream_rq_5xx`, type: 'COUNTER', metric: [{ counter: { value: failed } }] },
    {
      name: 'cluster.cds_ingress_shop_web_http_8080.upstream_rq_2xx',
      type: 'COUNTER',
      metric: [{ counter: { value: 99 } }],
    },
    {
      name: `${cluster}.upstream_rq_time`,
      type: 'HISTOGRAM',
      metric: [
        {
          histogram: {
            sample_count: ok + failed,
            sample_sum: 0,
            bucket: cumulative.map(([bound, count]) => ({ upper_bound: bound, cumulative_count: count })),
          },
        },
      ],
    },
  ];
  // Envoy's first message: totals since it started, which set the baseline only.
  call.write({
    identifier: { node: { id: 'mesh/shop/virtualNode/web' } },
    envoy_metrics: stats(100, 4, [
      [5, 50],
      [10, 104],
    ]),
  });
  call.write({
    envoy_metrics: stats(130, 6, [
      [5, 60],
      [10, 136],
    ]),
  });
  const rows = await waitFor('the stock Envoy figures', () => {
    const got = window.sum(3_600_000, 'shop');
    return got.length > 0 && requestsOf(got[0]!.counts) === 32 ? got : undefined;
  });
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0]!.labels, {
    meshName: 'shop',
    sourceKind: 'virtualNode',
    sourceName: 'web',
    virtualHost: '',
    route: '',
    cluster: 'cds_egress_shop_cart_http_8080',
  });
  assert.equal(countOf(rows[0]!.counts, '5xx'), 2);
  assert.equal(
    bucketsOf(rows[0]!.counts).reduce((a, b) => a + b, 0),
    32,
  );
});
