// Tracing through real sidecars on the demo's mesh (gateway → front → color): one trace per request with the
// right parent/child spans and mesh attributes at a local OTLP receiver, each propagation format honoured, and
// a sampled-out request leaving no span.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createServer, type Server } from 'node:http';
import { AppMeshClient } from '../../src/cli/api-client.ts';
import { colorVersions, createColorApp, demoMeshName } from '../../src/cli/demo/color-app.ts';
import { startFrontApp } from '../../src/cli/demo/demo-apps.ts';
import { freePorts } from '../support/free-ports.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import {
  otlpKind,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../support/otlp-receiver.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

let h: MeshHarness;
let receiver: OtlpReceiver;
let gatewayUrl: string;
const servers: Server[] = [];

/**
 * The demo's color app, except that a request whose tracestate says `fail=1` is answered 503 the first time its
 * trace id is seen (the color route retries server errors, so the retry shows in the trace).
 */
async function startColorApp(color: string, port: number): Promise<Server> {
  const failed = new Set<string>();
  const server = createServer((req, res) => {
    req.resume();
    const traceId = String(req.headers.traceparent ?? '').split('-')[1] ?? '';
    if (String(req.headers.tracestate ?? '').includes('fail=1') && !failed.has(traceId)) {
      failed.add(traceId);
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ color }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

before(async () => {
  receiver = await startOtlpReceiver();
  // The control plane also configures Envoy's tracer (for stock Envoys); our sidecars must accept that config.
  h = await startMesh(['--otlp-endpoint', receiver.url]);
  const [red, green, blue, front, gateway] = (await freePorts(5)) as [number, number, number, number, number];
  await createColorApp(new AppMeshClient(h.cp.endpoint), { apps: { red, green, blue, front }, gateway });
  const tracing = [
    '--otlp-endpoint',
    receiver.url,
    '--trace-sampler',
    'parentbased_always_on',
    '--trace-batch-delay-ms',
    '50',
  ];
  const appPorts = { red, green, blue };
  await Promise.all(
    colorVersions.map(async (color) => {
      servers.push(await startColorApp(color, appPorts[color]));
      await h.sidecar(`mesh/${demoMeshName}/virtualNode/color-${color}`, {
        args: [...tracing, '--service-name', `color-${color}`],
      });
    }),
  );
  // The front app needs its sidecar's outbound port before the sidecar is ready.
  const frontSidecar: SidecarProcess = await h.sidecar(`mesh/${demoMeshName}/virtualNode/front`, {
    args: tracing,
    waitReady: false,
  });
  servers.push(await startFrontApp(front, frontSidecar.outboundPort));
  await frontSidecar.waitReady();
  await h.sidecar(`mesh/${demoMeshName}/virtualGateway/color-gateway`, { args: tracing });
  gatewayUrl = `http://127.0.0.1:${gateway}/`;
  await waitFor('the gateway answers through front and color', async () => (await fetch(gatewayUrl)).ok, {
    timeoutMs: 60_000,
  });
});

after(async () => {
  await h?.close();
  await Promise.all(
    servers.map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
  await receiver?.close();
});

function spansOf(traceId: string): ReceivedSpan[] {
  return receiver.spans.filter((s) => s.traceId === traceId);
}

/** Every hop makes two spans (its own and its upstream attempt's): gateway, front ingress, front egress, color. */
const spansPerRequest = 8;

async function traceOf(traceId: string): Promise<ReceivedSpan[]> {
  return waitFor(`${spansPerRequest} spans of trace ${traceId}`, () => {
    const spans = spansOf(traceId);
    return spans.length >= spansPerRequest ? spans : undefined;
  });
}

function randomHex(digits: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(digits / 2))).toString('hex');
}

test('one request through gateway → front → color is one trace of parent/child spans', async () => {
  const traceId = randomHex(32);
  const callerSpan = randomHex(16);
  const response = await fetch(gatewayUrl, {
    headers: { traceparent: `00-${traceId}-${callerSpan}-01`, tracestate: 'caller=1' },
  });
  assert.equal(response.status, 200);
  const color = ((await response.json()) as { color: string }).color;

  const spans = await traceOf(traceId);

  assert.equal(spans.length, spansPerRequest, JSON.stringify(spans.map((s) => s.name)));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans.filter((s) => !byId.has(s.parentSpanId));
  assert.equal(roots.length, 1, 'one root span');
  const path: ReceivedSpan[] = [roots[0]!];
  for (;;) {
    const children = spans.filter((s) => s.parentSpanId === path[path.length - 1]!.spanId);
    if (children.length === 0) break;
    assert.equal(children.length, 1, 'a single chain (one attempt per hop)');
    path.push(children[0]!);
  }
  assert.equal(path.length, spansPerRequest, 'every span is on the chain from the caller to the color app');
  const [gwServer, , frontIn, , frontOut, , colorIn, colorClient] = path as ReceivedSpan[] & { length: 8 };
  assert.equal(gwServer!.parentSpanId, callerSpan, "the gateway's span is a child of the caller's");
  assert.equal(gwServer!.traceState, 'caller=1');
  const { server, client } = otlpKind;
  assert.deepEqual(
    path.map((s) => s.kind),
    [server, client, server, client, client, client, server, client],
  );
  assert.equal(gwServer!.attributes['appmesh.virtual_gateway'], 'color-gateway');
  assert.equal(gwServer!.resource['service.name'], 'color-gateway');
  assert.equal(frontIn!.attributes['appmesh.virtual_node'], 'front');
  assert.equal(frontOut!.attributes['switchyard.direction'], 'egress');
  assert.equal(colorIn!.attributes['appmesh.virtual_node'], `color-${color}`);
  assert.equal(colorIn!.resource['service.name'], `color-${color}`);
  for (const s of path) {
    assert.equal(s.attributes['http.response.status_code'], 200, s.name);
    assert.ok(s.endNs >= s.startNs, s.name);
    assert.equal(s.statusCode, 0, s.name);
  }
  for (const hop of [gwServer!, frontIn!, frontOut!, colorIn!]) {
    assert.equal(hop.attributes['appmesh.mesh'], demoMeshName);
    assert.equal(hop.attributes['http.request.method'], 'GET');
    assert.equal(hop.attributes['appmesh.retry_count'], 0);
    assert.equal(typeof hop.attributes['appmesh.route'], 'string');
    assert.equal(typeof hop.attributes['guid:x-request-id'], 'string');
  }
  assert.match(String(frontOut!.attributes['appmesh.upstream_cluster']), new RegExp(`color-${color}`));
  for (const attempt of path.filter((s) => s.name.startsWith('router ')))
    assert.equal(typeof attempt.attributes['appmesh.upstream_host'], 'string');
  // The hops nest in time as they nest in the tree.
  assert.ok(gwServer!.startNs <= colorClient!.startNs && colorClient!.endNs <= gwServer!.endNs);
});

test('a new trace started by the gateway keeps x-request-id and the trace id one value', async () => {
  const known = new Set(receiver.spans.map((s) => s.traceId));
  assert.equal((await fetch(gatewayUrl)).status, 200);
  const root = await waitFor('a new trace', () =>
    receiver.spans.find((s) => !known.has(s.traceId) && s.parentSpanId === ''),
  );
  const requestId = String(root.attributes['guid:x-request-id']);
  assert.equal(requestId.replaceAll('-', ''), root.traceId);
  const all = await traceOf(root.traceId);
  for (const s of all.filter((x) => x.kind === otlpKind.server))
    assert.equal(s.attributes['guid:x-request-id'], requestId, 'the app passed the request id on');
});

const formats: [string, (traceId: string, spanId: string) => Record<string, string>, number][] = [
  ['B3 single', (t, s) => ({ b3: `${t}-${s}-1` }), 32],
  ['B3 single (64-bit trace id)', (t, s) => ({ b3: `${t}-${s}-1` }), 16],
  ['B3 multi', (t, s) => ({ 'x-b3-traceid': t, 'x-b3-spanid': s, 'x-b3-sampled': '1' }), 32],
  [
    'X-Amzn-Trace-Id',
    (t, s) => ({ 'x-amzn-trace-id': `Root=1-${t.slice(0, 8)}-${t.slice(8)};Parent=${s};Sampled=1` }),
    32,
  ],
];

for (const [name, headers, digits] of formats) {
  test(`an incoming ${name} context keeps its trace id across every hop`, async () => {
    const traceId = randomHex(digits);
    const spanId = randomHex(16);
    assert.equal((await fetch(gatewayUrl, { headers: headers(traceId, spanId) })).status, 200);
    const spans = await traceOf(traceId.padStart(32, '0'));
    assert.equal(spans.length, spansPerRequest);
    const gateway = spans.find((s) => s.kind === otlpKind.server && s.attributes['appmesh.virtual_gateway']);
    assert.equal(gateway?.parentSpanId, spanId);
  });
}

test('a sampled-out request produces no spans, and its decision travels to every hop', async () => {
  const rootsBefore = receiver.spans.filter((s) => s.parentSpanId === '').length;
  const unsampled = randomHex(32);
  const deny = { traceparent: `00-${unsampled}-${randomHex(16)}-00` };
  assert.equal((await fetch(gatewayUrl, { headers: deny })).status, 200);
  assert.equal((await fetch(gatewayUrl, { headers: { b3: '0' } })).status, 200);
  // A later sampled request's spans arrive from every sidecar after anything the earlier ones could have made.
  const later = randomHex(32);
  const sampled = { traceparent: `00-${later}-${randomHex(16)}-01` };
  assert.equal((await fetch(gatewayUrl, { headers: sampled })).status, 200);
  await traceOf(later);
  assert.deepEqual(spansOf(unsampled), []);
  assert.equal(
    receiver.spans.filter((s) => s.parentSpanId === '').length,
    rootsBefore,
    '`b3: 0` started no trace',
  );
});

test('a retried attempt is its own client span, with the resend count and the retry count on the hop', async () => {
  const traceId = randomHex(32);
  const headers = { traceparent: `00-${traceId}-${randomHex(16)}-01`, tracestate: 'fail=1' };
  assert.equal((await fetch(gatewayUrl, { headers })).status, 200);
  // gateway 2, front ingress 2, front egress 1 + 2 attempts, color 2 per attempt.
  const spans = await waitFor('11 spans', () => {
    const all = spansOf(traceId);
    return all.length >= 11 ? all : undefined;
  });
  assert.equal(spans.length, 11);
  const egress = spans.find((s) => s.attributes['switchyard.direction'] === 'egress')!;
  assert.equal(egress.attributes['appmesh.retry_count'], 1);
  assert.equal(egress.attributes['http.response.status_code'], 200);
  const attempts = spans
    .filter((s) => s.parentSpanId === egress.spanId)
    .sort((a, b) => Number(a.startNs - b.startNs));
  assert.deepEqual(
    attempts.map((a) => [
      a.attributes['http.response.status_code'],
      a.attributes['http.request.resend_count'],
      a.statusCode,
    ]),
    [
      [503, undefined, 2],
      [200, 1, 0],
    ],
  );
  // Each attempt reached a color sidecar whose hop span is its child.
  for (const attempt of attempts) {
    const served = spans.filter((s) => s.parentSpanId === attempt.spanId);
    assert.equal(served.length, 1);
    assert.equal(served[0]!.kind, otlpKind.server);
  }
});
