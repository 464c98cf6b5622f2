import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRequestId } from './request-id.ts';

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('request ids are version-4 UUIDs, all different, across many refills of the random pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const id = newRequestId();
    assert.match(id, uuidV4);
    seen.add(id);
  }
  assert.equal(seen.size, 10_000);
});

test('every hex digit position carries randomness (no digit stuck at one value)', () => {
  const values = Array.from({ length: 36 }, () => new Set<string>());
  for (let i = 0; i < 2_000; i++) {
    const id = newRequestId();
    for (let c = 0; c < 36; c++) values[c]!.add(id[c]!);
  }
  for (let c = 0; c < 36; c++) {
    const expected = [8, 13, 18, 23].includes(c) ? 1 : c === 14 ? 1 : c === 19 ? 4 : 16;
    assert.equal(values[c]!.size, expected, `position ${c}`);
  }
});
