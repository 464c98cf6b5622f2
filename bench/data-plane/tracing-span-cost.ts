// Per-request cost of the tracing parts on the sidecar's request path, measured in one process: the proxy's own
// span records against OpenTelemetry's SDK spans (TracerProvider + a span processor that only collects), plus
// the header work of a sampled-out request and the OTLP serialization per span. Run:
//   node bench/data-plane/tracing-span-cost.ts
// Prints ns per request (two spans: the hop and one attempt) and bytes allocated per request.

import { context, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  TracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { SpanKind as OurKind, SpanRecord } from '../../src/proxy/tracing/span-record.ts';
import { newSpanId, newTraceId } from '../../src/proxy/tracing/trace-ids.ts';
import { extractTrace, injectTrace } from '../../src/proxy/tracing/trace-propagation.ts';

const requests = 200_000;
const resource = resourceFromAttributes({ 'service.name': 'bench' });
const scope = { name: 'switchyard-proxy', version: 'bench' };
const hopAttributes = (): Attributes => ({
  'appmesh.mesh': 'bench',
  'appmesh.virtual_node': 'hop',
  'http.request.method': 'GET',
  'url.path': '/',
  'url.scheme': 'http',
  'server.address': '127.0.0.1',
  'server.port': 8080,
  'network.protocol.version': '1.1',
  'client.address': '127.0.0.1',
});

function measure(name: string, perRequest: (i: number) => void): void {
  for (let i = 0; i < 20_000; i++) perRequest(i);
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) perRequest(i);
  const ns = Number(process.hrtime.bigint() - started) / requests;
  const bytes = (process.memoryUsage().heapUsed - heapBefore) / requests;
  console.log(
    `${name.padEnd(58)} ${ns.toFixed(0).padStart(6)} ns/request${globalThis.gc ? `  ~${bytes.toFixed(0)} B retained` : ''}`,
  );
}

// Our records: what HopTrace does for a sampled request, minus the exporter queue (kept here in a ring).
const ring: SpanRecord[] = new Array(1024);
let slot = 0;
measure('own span records (hop + attempt), sampled', () => {
  const traceId = newTraceId();
  const hopId = newSpanId();
  const now = performance.timeOrigin + performance.now();
  const hop = new SpanRecord(
    { resource, scope },
    'ingress hop',
    OurKind.SERVER,
    { traceId, spanId: hopId, parentSpanId: '', parentIsRemote: true, traceState: '' },
    now,
    hopAttributes(),
  );
  const attempt = new SpanRecord(
    { resource, scope },
    'router app egress',
    OurKind.CLIENT,
    { traceId, spanId: newSpanId(), parentSpanId: hopId, parentIsRemote: false, traceState: '' },
    now,
    { 'http.request.method': 'GET', 'server.address': '127.0.0.1' },
  );
  const headers: Record<string, string> = {};
  injectTrace(
    headers,
    { traceId, spanId: attempt.spanId, parentSpanId: hopId, sampled: true, traceState: '' },
    0,
  );
  attempt.attributes['http.response.status_code'] = 200;
  attempt.endEpochMs = performance.timeOrigin + performance.now();
  hop.attributes['http.response.status_code'] = 200;
  hop.endEpochMs = attempt.endEpochMs;
  ring[slot++ & 1023] = attempt;
  ring[slot++ & 1023] = hop;
});

const collected: ReadableSpan[] = new Array(1024);
let sdkSlot = 0;
const collect: SpanProcessor = {
  onStart: () => {},
  onEnd: (span) => {
    collected[sdkSlot++ & 1023] = span;
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
const provider = new TracerProvider({ resource, sampler: new AlwaysOnSampler(), spanProcessors: [collect] });
const tracer = provider.getTracer('switchyard-proxy', 'bench');
measure('OpenTelemetry SDK spans (hop + attempt), sampled', () => {
  const hop = tracer.startSpan('ingress hop', { kind: SpanKind.SERVER, attributes: hopAttributes() });
  const ctx = trace.setSpan(context.active(), hop);
  const attempt = tracer.startSpan(
    'router app egress',
    { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': '127.0.0.1' } },
    ctx,
  );
  const sc = attempt.spanContext();
  const headers: Record<string, string> = {};
  injectTrace(
    headers,
    {
      traceId: sc.traceId,
      spanId: sc.spanId,
      parentSpanId: hop.spanContext().spanId,
      sampled: true,
      traceState: '',
    },
    0,
  );
  attempt.setAttribute('http.response.status_code', 200);
  attempt.end();
  hop.setAttribute('http.response.status_code', 200);
  hop.end();
});

measure('sampled out, new trace (ids + traceparent)', () => {
  const incoming: Record<string, string> = {};
  if (extractTrace(incoming) === undefined) {
    const headers: Record<string, string> = {};
    injectTrace(
      headers,
      { traceId: newTraceId(), spanId: newSpanId(), parentSpanId: '', sampled: false, traceState: '' },
      0,
    );
  }
});
const incoming = { traceparent: `00-${newTraceId()}-${newSpanId()}-00` };
measure('sampled out by the caller (traceparent parsed, passed on)', () => {
  extractTrace(incoming);
});

const batch = ring.filter(Boolean).slice(0, 512);
const started = process.hrtime.bigint();
let bytes = 0;
for (let i = 0; i < 200; i++) bytes = ProtobufTraceSerializer.serializeRequest(batch)!.length;
const perSpan = Number(process.hrtime.bigint() - started) / (200 * batch.length);
console.log(
  `${'OTLP protobuf serialization (off the request path)'.padEnd(58)} ${perSpan.toFixed(0).padStart(6)} ns/span, ${(bytes / batch.length).toFixed(0)} B/span`,
);

const sdkBatch = collected.filter(Boolean).slice(0, 512);
const sdkStarted = process.hrtime.bigint();
for (let i = 0; i < 200; i++) ProtobufTraceSerializer.serializeRequest(sdkBatch);
const sdkPerSpan = Number(process.hrtime.bigint() - sdkStarted) / (200 * sdkBatch.length);
console.log(
  `${'OTLP serialization of SDK spans, for comparison'.padEnd(58)} ${sdkPerSpan.toFixed(0).padStart(6)} ns/span`,
);
