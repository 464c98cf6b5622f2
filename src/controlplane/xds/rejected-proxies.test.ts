import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RejectedProxies } from './rejected-proxies.ts';

test('a rejected node is listed with its reason and attempts until it connects or ages out', () => {
  let nowMs = 1_000_000;
  const rejected = new RejectedProxies({ forgetAfterMs: 60_000, maxEntries: 2, now: () => nowMs });
  rejected.record('mesh/m/virtualNode/typo', 'envoy 1.30', 'NOT_FOUND', 'no such node');
  nowMs += 1000;
  rejected.record('mesh/m/virtualNode/typo', 'envoy 1.30', 'NOT_FOUND', 'no such node');
  const [entry] = rejected.list();
  assert.equal(entry?.attempts, 2);
  assert.equal(entry?.reason, 'no such node');
  assert.equal(entry?.code, 'NOT_FOUND');

  rejected.accepted('mesh/m/virtualNode/typo');
  assert.deepEqual(rejected.list(), []);

  rejected.record('a', '', 'NOT_FOUND', 'x');
  rejected.record('b', '', 'NOT_FOUND', 'x');
  rejected.record('c', '', 'NOT_FOUND', 'x');
  assert.deepEqual(
    rejected.list().map((r) => r.nodeId),
    ['b', 'c'],
    'bounded: the least recently rejected goes first',
  );
  nowMs += 60_001;
  assert.deepEqual(rejected.list(), []);
});
