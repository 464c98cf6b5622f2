import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFigures } from './live-view.ts';
import { TrafficStats } from './traffic-stats.ts';

test('figures per version over the window: share, rate, success and percentiles', () => {
  const stats = new TrafficStats(10_000);
  const now = 1_000_000;
  for (let i = 0; i < 100; i += 1) stats.record(i < 75 ? 'blue' : 'red', i !== 99, i + 1, now - 1000);
  stats.record('blue', true, 5, now - 20_000);
  const [blue, red] = stats.figures(now);
  assert.deepEqual(blue, {
    version: 'blue',
    requestsPerSecond: 7.5,
    share: 0.75,
    successRate: 1,
    p50Ms: 38,
    p99Ms: 75,
  });
  assert.equal(red!.share, 0.25);
  assert.equal(red!.successRate, 24 / 25);
  assert.equal(red!.p50Ms, 88);
});

test('the table shows one row per version with a bar proportional to its share', () => {
  const lines = renderFigures([
    { version: 'blue', requestsPerSecond: 10, share: 1, successRate: 1, p50Ms: 2, p99Ms: 9.5 },
    { version: 'red', requestsPerSecond: 0, share: 0, successRate: 1, p50Ms: 0, p99Ms: 0 },
  ]);
  assert.match(lines[0]!, /^version\s+share\s+req\/s\s+success\s+p50\s+p99$/);
  assert.match(lines[1]!, /^blue\s+100%\s+10\.0\s+100\.0%\s+2\.0ms\s+9\.5ms\s+#{30}$/);
  assert.match(lines[2]!, /^red\s+0%\s+0\.0\s+/);
  assert.deepEqual(renderFigures([]).slice(1), ['(waiting for traffic)']);
});
