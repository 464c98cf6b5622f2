// The OTLP exporter against a local receiver: spans arrive decoded as sent; a collector that fails or hangs
// leaves the queue bounded, drops counted, and add() as cheap as ever.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ManualClock } from '../../src/proxy/clock.ts';
import { StatsStore } from '../../src/proxy/stats/stats-store.ts';
import { OtlpSpanExporter } from '../../src/proxy/tracing/otlp-span-exporter.ts';
import { SpanKind, SpanRecord } from '../../src/proxy/tracing/span-record.ts';
import { newSpanId, newTraceId } from '../../src/proxy/tracing/trace-ids.ts';
import { otlpKind, startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.ts';
import { waitFor } from '../support/wait-for.ts';

let receiver: OtlpReceiver;
before(async () => (receiver = await startOtlpReceiver()));
after(() => receiver.close());

const origin = {
  resource: resourceFromAttributes({ 'service.name': 'unit' }),
  scope: { name: 'switchyard-proxy', version: 'test' },
};

function span(traceId = newTraceId(), parentSpanId = ''): SpanRecord {
  const s = new SpanRecord(
    origin,
    'ingress example:80',
    SpanKind.SERVER,
    { traceId, spanId: newSpanId(), parentSpanId, parentIsRemote: true, traceState: 'a=1' },
    1_700_000_000_123.5,
    { 'http.request.method': 'GET', 'http.response.status_code': 503 },
  );
  s.endEpochMs = 1_700_000_000_223.25;
  s.fail('HTTP 503');
  return s;
}

function exporter(maxQueueSpans: number, exportTimeoutMs = 1000) {
  const clock = new ManualClock();
  const stats = new StatsStore();
  const e = new OtlpSpanExporter(
    { endpoint: receiver.url, maxQueueSpans, maxBatchSpans: 100, scheduleDelayMs: 1000, exportTimeoutMs },
    clock,
    stats,
  );
  const count = (name: string) => stats.counter(`tracing.opentelemetry.${name}`).value;
  return { e, clock, count };
}

test('a batch reaches the collector as OTLP protobuf with every field', async () => {
  receiver.mode = 'ok';
  const { e, clock, count } = exporter(100);
  const parent = newSpanId();
  const sent = span(undefined, parent);
  e.add(sent);
  assert.equal(receiver.requests, 0, 'nothing is sent before the schedule delay');
  clock.advance(1000);
  const got = await waitFor('the span at the receiver', () =>
    receiver.spans.find((s) => s.spanId === sent.spanId),
  );
  assert.equal(got.traceId, sent.traceId);
  assert.equal(got.parentSpanId, parent);
  assert.equal(got.traceState, 'a=1');
  assert.equal(got.kind, otlpKind.server);
  assert.equal(got.startNs, 1_700_000_000_123_500_000n);
  assert.equal(got.endNs, 1_700_000_000_223_250_000n);
  assert.deepEqual(got.attributes, { 'http.request.method': 'GET', 'http.response.status_code': 503 });
  assert.equal(got.statusCode, 2);
  assert.equal(got.resource['service.name'], 'unit');
  await waitFor('spans_sent counted', () => count('spans_sent') === 1);
});

test('a failing collector: bounded queue, drops counted, back-off before the next try', async () => {
  receiver.mode = 'fail';
  const { e, clock, count } = exporter(200);
  const started = performance.now();
  for (let i = 0; i < 10_000; i++) e.add(span());
  const addMs = performance.now() - started;
  assert.ok(e.queuedSpans <= 200, `queue ${e.queuedSpans}`);
  const requestsBefore = receiver.requests;
  // The queue filled past a batch: the first export goes at once (timer 0).
  clock.advance(0);
  await waitFor('the first export to fail', () => count('export_failures') === 1);
  assert.equal(receiver.requests, requestsBefore + 1);
  // Backing off: nothing more until a second has passed.
  clock.advance(999);
  assert.equal(receiver.requests, requestsBefore + 1);
  clock.advance(1);
  await waitFor('the second export to fail', () => count('export_failures') === 2);
  // Every span is accounted for: dropped at add (queue full) or with a failed batch, or still queued.
  assert.equal(count('spans_dropped') + e.queuedSpans, 10_000);
  assert.equal(count('spans_sent'), 0);
  console.log(`# 10,000 add() with a failing collector: ${addMs.toFixed(1)} ms`);
  await e.shutdown(2000);
  assert.equal(count('spans_dropped'), 10_000);
});

test('a collector that hangs is cut off by the export timeout; shutdown is bounded', async () => {
  receiver.mode = 'hang';
  const { e, clock, count } = exporter(50, 200);
  for (let i = 0; i < 10; i++) e.add(span());
  clock.advance(1000);
  await waitFor('the export to time out', () => count('export_failures') === 1);
  for (let i = 0; i < 10; i++) e.add(span());
  const started = performance.now();
  await e.shutdown(300);
  assert.ok(performance.now() - started < 2000);
  assert.equal(count('spans_dropped'), 20);
  receiver.mode = 'ok';
});
