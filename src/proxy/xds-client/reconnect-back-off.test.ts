import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconnectDelayMs } from './reconnect-back-off.ts';

const policy = { baseMs: 250, maxMs: 5_000 };

test('the ceiling doubles per attempt and is capped', () => {
  assert.equal(
    reconnectDelayMs(0, policy, () => 0.999999),
    250,
  );
  assert.equal(
    reconnectDelayMs(1, policy, () => 0.999999),
    500,
  );
  assert.equal(
    reconnectDelayMs(4, policy, () => 0.999999),
    4_000,
  );
  assert.equal(
    reconnectDelayMs(5, policy, () => 0.999999),
    5_000,
  );
  assert.equal(
    reconnectDelayMs(500, policy, () => 0.999999),
    5_000,
  );
});

test('jitter keeps at least half the ceiling', () => {
  assert.equal(
    reconnectDelayMs(0, policy, () => 0),
    125,
  );
  assert.equal(
    reconnectDelayMs(9, policy, () => 0),
    2_500,
  );
});
