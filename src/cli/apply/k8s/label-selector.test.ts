import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesSelector } from './label-selector.ts';

test('label selectors: matchLabels and every matchExpressions operator', () => {
  const labels = { mesh: 'shop', tier: 'web' };
  assert.equal(matchesSelector({}, labels), true);
  assert.equal(matchesSelector({ matchLabels: { mesh: 'shop' } }, labels), true);
  assert.equal(matchesSelector({ matchLabels: { mesh: 'other' } }, labels), false);
  assert.equal(
    matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, labels),
    true,
  );
  assert.equal(
    matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, labels),
    false,
  );
  assert.equal(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels), true);
  assert.equal(
    matchesSelector({ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, labels),
    true,
  );
  assert.equal(
    matchesSelector({ matchExpressions: [{ key: 'team', operator: 'Sometimes' }] }, labels),
    false,
  );
});
