// The generators' sample store: every latency kept in order across growth, and the generator's own lateness.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lateStartMs } from '../../bench/data-plane/load-result.ts';
import { MeasuredWindow } from '../../bench/data-plane/measured-window.ts';

test('latencies survive the store growing past its expected size, rounded to microseconds', () => {
  const window = new MeasuredWindow(2);
  const latencies = Array.from({ length: 100 }, (_, i) => i + 0.1234567);
  for (const ms of latencies) window.completed(ms);
  assert.equal(window.completedCount, 100);
  assert.deepEqual(
    window.latenciesMs(),
    latencies.map((ms) => Math.round(ms * 1000) / 1000),
  );
});

test('start lag: the worst delay is kept and only starts beyond the threshold count as late', () => {
  const window = new MeasuredWindow(10);
  window.started(100, 100.5);
  window.started(200, 200 + lateStartMs + 0.5);
  window.started(300, 312.25);
  window.started(400, 400);
  assert.equal(window.maxStartLagMs, 12.25);
  assert.equal(window.lateStarts, 2);
  assert.deepEqual(window.latenciesMs(), []);
});
