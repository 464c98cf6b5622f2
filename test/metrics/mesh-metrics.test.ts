// Golden metrics end to end: traffic through real sidecars reaches the control plane over the MetricsService
// stream, and its figures per pair match what the client observed (edges JSON, series, /metrics, `top`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../cli/cli-harness.ts';
import { startHttpApp, startHttpServer, type HttpApp, type TestServer } from '../support/echo-apps.ts';
import { ProxyClient } from '../support/http-client.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { latencyBucketOf } from '../../src/xds/protos/mesh-metric-families.ts';
import { parsePrometheusText } from './prometheus-parse.ts';

const mesh = 'gm';
const service = 'color.gm.local';
const reportArgs = ['--metrics-interval-ms', '300'];

interface Edge {
  source: { kind: string; name: string };
  destination: Record<string, string>;
  requests: number;
  requestsPerSecond: number;
  successRate: number | null;
  errors: number;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null };
}

let h: MeshHarness;
/** Answers after the delay its path names (`…/delay/<ms>`), so the latency distribution is the test's. */
let blue: TestServer;
let green: HttpApp;
let client: ProxyClient;
/** What the client saw per route: answers by status and each request's duration. */
const observed = new Map<string, { statuses: number[]; durationsMs: number[] }>();

async function send(route: string, path: string): Promise<number> {
  const started = performance.now();
  const answer = await client.get(`${service}:80`, path);
  const seen = observed.get(route) ?? { statuses: [], durationsMs: [] };
  seen.statuses.push(answer.status);
  seen.durationsMs.push(performance.now() - started);
  observed.set(route, seen);
  return answer.status;
}

async function edges(windowSeconds = 3600): Promise<Edge[]> {
  const response = await fetch(
    `${h.cp.endpoint}/switchyard/v1/metrics/meshes/${mesh}/edges?windowSeconds=${windowSeconds}`,
  );
  assert.equal(response.status, 200, await response.clone().text());
  const body = (await response.json()) as { meshName: string; windowSeconds: number; edges: Edge[] };
  assert.equal(body.meshName, mesh);
  assert.equal(body.windowSeconds, windowSeconds);
  return body.edges;
}

function edgeOf(all: readonly Edge[], route: string): Edge | undefined {
  return all.find((e) => e.destination.routeName === route);
}

before(async () => {
  h = await startMesh();
  [blue, green] = await Promise.all([
    startHttpServer((req, res) => {
      req.resume();
      const delayMs = Number(/\/delay\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      setTimeout(() => res.end('blue'), delayMs);
    }),
    startHttpApp('green'),
  ]);
  const api = h.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'blue', servingNode('blue', blue.port));
  await api.createNode(mesh, 'green', servingNode('green', green.port));
  await api.createRouter(mesh, 'color', { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] });
  const route = (name: string, priority: number, prefix: string, node: string) =>
    api.createRoute(mesh, 'color', name, {
      priority,
      httpRoute: { match: { prefix }, action: { weightedTargets: [{ virtualNode: node, weight: 1 }] } },
    });
  await route('warm', 1, '/warm', 'blue');
  await route('to-blue', 2, '/blue', 'blue');
  await route('to-green', 3, '/green', 'green');
  await api.createService(mesh, service, { provider: { virtualRouter: { virtualRouterName: 'color' } } });
  await api.createNode(mesh, 'front', clientNode(service));
  const node = (n: string): string => `mesh/${mesh}/virtualNode/${n}`;
  const [, , front] = await Promise.all([
    h.sidecar(node('blue'), { args: reportArgs }),
    h.sidecar(node('green'), { args: reportArgs }),
    h.sidecar(node('front'), { args: reportArgs }),
  ]);
  client = new ProxyClient(front.outboundPort);
  // Warm-up goes through its own route, so the measured routes see only the measured requests.
  await waitFor(
    'the color service is reachable',
    async () => (await client.get(`${service}:80`, '/warm')).status === 200,
  );
  await waitFor('both targets are reachable', async () => {
    const a = await client.get(`${service}:80`, '/warm');
    return a.status === 200 && (await fetch(`http://127.0.0.1:${green.port}/`)).status === 200;
  });
});

after(async () => {
  client?.close();
  await h?.close();
  await Promise.all([blue?.close(), green?.close()]);
});

test('the control plane counts each pair exactly as the client saw it', async () => {
  // 95 quick answers and 5 slow ones: the p50 and p99 sit in different buckets, far above the client's overhead.
  for (let i = 0; i < 100; i++) await send('to-blue', `/blue/delay/${i % 20 === 19 ? 120 : 20}`);
  // Six 503s from green's app; App Mesh's default retry policy (two retries of 5xx) hides some from the client.
  green.mode = '503';
  green.modeBudget = 6;
  for (let i = 0; i < 30; i++) await send('to-green', `/green/${i}`);
  const blueSeen = observed.get('to-blue')!;
  const greenSeen = observed.get('to-green')!;
  const clientErrors = greenSeen.statuses.filter((s) => s === 503).length;
  assert.ok(clientErrors > 0 && clientErrors < 30);

  const all = await waitFor(
    'the reports reach the control plane',
    async () => {
      const got = await edges();
      const ok = edgeOf(got, 'to-blue')?.requests === 100 && edgeOf(got, 'to-green')?.requests === 30;
      return ok ? got : undefined;
    },
    { timeoutMs: 30_000 },
  );
  const toGreen = edgeOf(all, 'to-green')!;
  assert.deepEqual(toGreen.source, { kind: 'virtualNode', name: 'front' });
  assert.deepEqual(toGreen.destination, {
    virtualServiceName: service,
    virtualRouterName: 'color',
    routeName: 'to-green',
    virtualNodeName: 'green',
  });
  assert.equal(toGreen.errors, clientErrors);
  assert.equal(toGreen.successRate, (30 - clientErrors) / 30);
  assert.equal(
    toGreen.successRate,
    greenSeen.statuses.filter((s) => s < 500).length / greenSeen.statuses.length,
  );
  const toBlue = edgeOf(all, 'to-blue')!;
  assert.equal(toBlue.errors, 0);
  assert.equal(toBlue.successRate, 1);
  assert.equal(toBlue.destination.virtualNodeName, 'blue');
  assert.equal(toBlue.requestsPerSecond, Math.round((100 / 3600) * 1000) / 1000);
  // The sidecar measures inside the client's measurement: within one bucket of what the client saw.
  const quantile = (values: readonly number[], q: number): number =>
    [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1]!;
  for (const [name, q] of [
    ['p50', 0.5],
    ['p99', 0.99],
  ] as const) {
    const reported = toBlue.latencyMs[name]!;
    const seen = quantile(blueSeen.durationsMs, q);
    const distance = Math.abs(latencyBucketOf(reported) - latencyBucketOf(seen));
    assert.ok(distance <= 1, `${name}: reported ${reported} ms, the client saw ${seen} ms`);
  }
  assert.ok(toBlue.latencyMs.p99! >= 100, `p99 ${toBlue.latencyMs.p99} ms: the slow answers are the tail`);
  // The warm-up route is a pair of its own; nothing else was reported.
  assert.deepEqual(all.map((e) => e.destination.routeName).sort(), ['to-blue', 'to-green', 'warm']);
});

test('the series holds the same requests in 10 s steps', async () => {
  const response = await fetch(
    `${h.cp.endpoint}/switchyard/v1/metrics/meshes/${mesh}/series?windowSeconds=600`,
  );
  assert.equal(response.status, 200);
  const body = (await response.json()) as {
    stepSeconds: number;
    series: { destination: Record<string, string>; points: { requests: number; errors: number }[] }[];
  };
  assert.equal(body.stepSeconds, 10);
  const green = body.series.find((s) => s.destination.routeName === 'to-green')!;
  assert.equal(green.points.length, 60);
  assert.equal(
    green.points.reduce((n, p) => n + p.requests, 0),
    30,
  );
  const clientErrors = observed.get('to-green')!.statuses.filter((s) => s === 503).length;
  assert.equal(
    green.points.reduce((n, p) => n + p.errors, 0),
    clientErrors,
  );
});

test('bad windows and unknown meshes are refused clearly', async () => {
  for (const window of ['5', '3601', 'abc', '1.5']) {
    const response = await fetch(
      `${h.cp.endpoint}/switchyard/v1/metrics/meshes/${mesh}/edges?windowSeconds=${window}`,
    );
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /windowSeconds must be/);
  }
  const missing = await fetch(`${h.cp.endpoint}/switchyard/v1/metrics/meshes/nope/edges`);
  assert.equal(missing.status, 404);
});

test('/metrics is Prometheus text with the mesh pairs and the control plane’s own metrics', async () => {
  const response = await fetch(`${h.cp.endpoint}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusText(await response.text());
  const requests = families.get('switchyard_mesh_requests_total')!;
  assert.equal(requests.type, 'counter');
  const value = (labels: Record<string, string>): number | undefined =>
    requests.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  const pair = {
    mesh,
    source: 'front',
    destination_service: service,
    route: 'to-green',
    target_node: 'green',
  };
  const clientErrors = observed.get('to-green')!.statuses.filter((s) => s === 503).length;
  assert.equal(value({ ...pair, code_class: '5xx' }), clientErrors);
  assert.equal(value({ ...pair, code_class: '2xx' }), 30 - clientErrors);
  const duration = families.get('switchyard_mesh_request_duration_seconds')!;
  assert.equal(duration.type, 'histogram');
  const count = duration.samples.find(
    (s) => s.name.endsWith('_count') && s.labels.route === 'to-green' && s.labels.target_node === 'green',
  );
  assert.equal(count?.value, 30);
  const inf = duration.samples.find((s) => s.labels.route === 'to-green' && s.labels.le === '+Inf');
  assert.equal(inf?.value, 30);
  assert.ok(
    families.get('switchyard_api_requests_total')!.samples.some((s) => s.labels.operation === 'CreateRoute'),
  );
  assert.ok(families.get('switchyard_xds_pushes_total')!.samples.length > 0);
  assert.equal(families.get('switchyard_xds_connected_proxies')!.samples[0]!.value, 3);
  assert.equal(families.get('switchyard_metrics_reporting_proxies')!.samples[0]!.value, 3);
});

test('switchyard top --once prints one frame of the pairs', async () => {
  const result = await runCli(h.cp.endpoint, ['top', '--mesh', mesh, '--window', '3600', '--once']);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines[0], `switchyard top: ${mesh} - last 3600s`);
  assert.match(
    lines[1]!,
    /^MESH\s+SOURCE\s+DESTINATION\s+ROUTE\s+TARGET\s+RPS\s+SUCCESS\s+P50\s+P99\s+REQUESTS$/,
  );
  // Busiest first: to-blue (40, plus warm-up counted separately), then to-green (30).
  const green = lines.find((l) => / to-green /.test(l))!;
  const clientErrors = observed.get('to-green')!.statuses.filter((s) => s === 503).length;
  const success = (((30 - clientErrors) / 30) * 100).toFixed(2).replace('.', '\\.');
  assert.match(
    green,
    new RegExp(
      `^${mesh}\\s+front\\s+${service.replace(/\./g, '\\.')}\\s+to-green\\s+green\\s+0\\.01\\s+${success}%\\s+\\S+ms\\s+\\S+ms\\s+30$`,
    ),
  );
  const json = await runCli(h.cp.endpoint, ['top', '--mesh', mesh, '--window', '3600', '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const frame = JSON.parse(json.stdout) as { edges: Edge[] };
  assert.equal(edgeOf(frame.edges, 'to-green')?.requests, 30);
  const bad = await runCli(h.cp.endpoint, ['top', '--window', '5', '--once']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--window must be a whole number of seconds from 10 to 3600/);
});
