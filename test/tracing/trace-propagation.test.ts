// Propagation formats read and written as their specs say: precedence, malformed values ignored, lengths capped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutgoingHttpHeaders } from 'node:http';
import {
  extractTrace,
  formatAws,
  formatB3Multi,
  formatB3Single,
  formatW3c,
  injectTrace,
} from '../../src/proxy/tracing/trace-propagation.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

test('W3C traceparent and tracestate', () => {
  const t = extractTrace({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'a=1, b=2' });
  assert.deepEqual(t, { traceId, spanId, sampled: true, traceState: 'a=1, b=2', formats: formatW3c });
  assert.equal(extractTrace({ traceparent: `00-${traceId}-${spanId}-00` })?.sampled, false);
  // A later version may append fields; version 00 may not.
  assert.equal(extractTrace({ traceparent: `01-${traceId}-${spanId}-01-extra` })?.traceId, traceId);
  assert.equal(extractTrace({ traceparent: `00-${traceId}-${spanId}-01-extra` }), undefined);
});

test('malformed W3C values start a new trace (undefined)', () => {
  for (const bad of [
    `ff-${traceId}-${spanId}-01`,
    `00-${'0'.repeat(32)}-${spanId}-01`,
    `00-${traceId}-${'0'.repeat(16)}-01`,
    `00-${traceId.toUpperCase()}-${spanId}-01`,
    `00-${traceId}-${spanId}`,
    `00-${traceId.slice(1)}-${spanId}-01`,
    `00-${traceId}-${spanId}-01${'x'.repeat(400)}`,
    '',
  ])
    assert.equal(extractTrace({ traceparent: bad }), undefined, bad);
});

test('tracestate beyond 512 characters keeps the leading entries that fit', () => {
  const entries = Array.from({ length: 40 }, (_, i) => `k${i}=${'v'.repeat(20)}`);
  const t = extractTrace({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: entries.join(',') });
  assert.ok(t!.traceState.length <= 512);
  assert.ok(t!.traceState.startsWith('k0='));
  assert.equal(t!.traceState.split(',').length, Math.floor(513 / 25));
});

test('B3 single, with 64-bit ids padded, lone decisions and bad values', () => {
  assert.deepEqual(extractTrace({ b3: `${traceId}-${spanId}-1-${spanId}` }), {
    traceId,
    spanId,
    sampled: true,
    traceState: '',
    formats: formatB3Single,
  });
  assert.equal(
    extractTrace({ b3: `a3ce929d0e0e4736-${spanId}` })?.traceId,
    `0000000000000000a3ce929d0e0e4736`,
  );
  assert.equal(extractTrace({ b3: `${traceId}-${spanId}` })?.sampled, undefined, 'deferred');
  assert.equal(extractTrace({ b3: `${traceId}-${spanId}-d` })?.sampled, true, 'debug');
  assert.deepEqual(extractTrace({ b3: '0' }), {
    traceId: '',
    spanId: '',
    sampled: false,
    traceState: '',
    formats: 0,
  });
  for (const bad of [`${traceId}-${spanId}-x`, `${traceId}`, `${traceId}-abc`, `${traceId}-${spanId}-1-zz`])
    assert.equal(extractTrace({ b3: bad }), undefined, bad);
});

test('B3 multi: sampled, debug flag, deferred', () => {
  const t = extractTrace({ 'x-b3-traceid': traceId, 'x-b3-spanid': spanId, 'x-b3-sampled': '0' });
  assert.deepEqual(t, { traceId, spanId, sampled: false, traceState: '', formats: formatB3Multi });
  assert.equal(
    extractTrace({ 'x-b3-traceid': traceId, 'x-b3-spanid': spanId, 'x-b3-sampled': '0', 'x-b3-flags': '1' })
      ?.sampled,
    true,
  );
  assert.equal(extractTrace({ 'x-b3-traceid': traceId, 'x-b3-spanid': spanId })?.sampled, undefined);
  assert.equal(extractTrace({ 'x-b3-traceid': traceId }), undefined);
});

test('X-Amzn-Trace-Id: fields in any order, Sampled optional, bad roots ignored', () => {
  const header = `Sampled=1;Parent=${spanId};Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
  assert.deepEqual(extractTrace({ 'x-amzn-trace-id': header }), {
    traceId,
    spanId,
    sampled: true,
    traceState: '',
    formats: formatAws,
  });
  assert.equal(
    extractTrace({ 'x-amzn-trace-id': `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId}` })
      ?.sampled,
    undefined,
  );
  assert.equal(
    extractTrace({ 'x-amzn-trace-id': `Root=2-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId}` }),
    undefined,
  );
  assert.equal(
    extractTrace({ 'x-amzn-trace-id': `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)}` }),
    undefined,
  );
});

test('precedence W3C > B3 single > B3 multi > AWS; every valid format is remembered', () => {
  const other = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const t = extractTrace({
    traceparent: `00-${traceId}-${spanId}-01`,
    b3: `${other}-${spanId}-0`,
    'x-b3-traceid': other,
    'x-b3-spanid': spanId,
    'x-amzn-trace-id': 'Root=bad',
  });
  assert.equal(t?.traceId, traceId);
  assert.equal(t?.sampled, true);
  assert.equal(t?.formats, formatW3c | formatB3Single | formatB3Multi);
  assert.equal(extractTrace({ traceparent: 'garbage', b3: `${other}-${spanId}-0` })?.traceId, other);
});

test('inject writes W3C always and each format the request came with', () => {
  const headers: OutgoingHttpHeaders = {
    'x-amzn-trace-id':
      'Root=1-00000000-000000000000000000000000;Parent=1111111111111111;Sampled=0;Lineage=a:1;Self=x',
    'x-b3-flags': '1',
  };
  const out = { traceId, spanId: '1234567890abcdef', parentSpanId: spanId, sampled: true, traceState: 'a=1' };
  injectTrace(headers, out, formatB3Single | formatB3Multi | formatAws);
  assert.equal(headers.traceparent, `00-${traceId}-1234567890abcdef-01`);
  assert.equal(headers.tracestate, 'a=1');
  assert.equal(headers.b3, `${traceId}-1234567890abcdef-1`);
  assert.equal(headers['x-b3-traceid'], traceId);
  assert.equal(headers['x-b3-spanid'], '1234567890abcdef');
  assert.equal(headers['x-b3-parentspanid'], spanId);
  assert.equal(headers['x-b3-sampled'], '1');
  assert.equal(headers['x-b3-flags'], undefined);
  assert.equal(
    headers['x-amzn-trace-id'],
    `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=1234567890abcdef;Sampled=1;Lineage=a:1`,
  );
  const plain: OutgoingHttpHeaders = { tracestate: 'stale=1' };
  injectTrace(plain, { ...out, sampled: false, traceState: '' }, 0);
  assert.deepEqual(plain, { traceparent: `00-${traceId}-1234567890abcdef-00` });
});
