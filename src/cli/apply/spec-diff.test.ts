import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffValues, formatChange, normalizeSpec } from './spec-diff.ts';

test('normalized specs ignore key order and null members', () => {
  assert.deepEqual(normalizeSpec({ b: 1, a: { d: null, c: [{ y: 2, x: undefined }] } }), {
    a: { c: [{ y: 2 }] },
    b: 1,
  });
});

test('diffs name the deepest changed fields', () => {
  const before = normalizeSpec({ route: { targets: [{ node: 'a', weight: 80 }], retry: { max: 2 } } });
  const after = normalizeSpec({ route: { targets: [{ node: 'a', weight: 50 }], priority: 1 } });
  assert.deepEqual(diffValues(before, after, 'spec').map(formatChange), [
    '+ spec.route.priority: 1',
    '- spec.route.retry: {"max":2}',
    '~ spec.route.targets[0].weight: 80 -> 50',
  ]);
  assert.deepEqual(diffValues([1], [1, 2], 'spec.list').map(formatChange), ['~ spec.list: [1] -> [1,2]']);
});
