// Names, client tokens, tags and owner ids: the limits App Mesh documents, plus our no-'/' rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate, type Shape } from './shape.ts';
import {
  clientTokenShape,
  meshOwnerShape,
  resourceNameShape,
  serviceNameShape,
  tagKeysShape,
  tagListShape,
} from './names.ts';

function messages(shape: Shape<unknown>, value: unknown): string[] {
  return validate(shape, value, 'x').map((v) => `${v.path}: ${v.message}`);
}

test('resource names are 1–255 characters without / or control characters', () => {
  for (const ok of ['color-mesh', 'a', 'x'.repeat(255), 'colorteller_red.v2', 'ünïcode']) {
    assert.deepEqual(messages(resourceNameShape, ok), [], ok);
  }
  assert.deepEqual(messages(resourceNameShape, ''), ['x: must not be empty']);
  assert.deepEqual(messages(resourceNameShape, 'x'.repeat(256)), [
    'x: must be at most 255 characters long, got 256',
  ]);
  assert.deepEqual(messages(resourceNameShape, 'mesh/node'), ["x: must not contain '/'"]);
  assert.deepEqual(messages(resourceNameShape, 'tab\there'), ['x: must not contain control characters']);
  assert.deepEqual(messages(resourceNameShape, 'del\u007f'), ['x: must not contain control characters']);
  assert.deepEqual(messages(resourceNameShape, 42), ['x: must be a string, got number 42']);
});

test('service names follow the same rules and allow DNS names', () => {
  assert.deepEqual(messages(serviceNameShape, 'colorteller.color.svc.cluster.local'), []);
  assert.deepEqual(messages(serviceNameShape, 'a/b'), ["x: must not contain '/'"]);
  assert.deepEqual(messages(serviceNameShape, ''), ['x: must not be empty']);
});

test('client tokens are up to 36 of [A-Za-z0-9_-]', () => {
  assert.deepEqual(messages(clientTokenShape, '3f2504e0-4f89-41d3-9a0c-0305e82c3301'), []);
  assert.deepEqual(messages(clientTokenShape, 'token_1'), []);
  assert.deepEqual(messages(clientTokenShape, ''), ['x: must not be empty']);
  assert.equal(messages(clientTokenShape, 'x'.repeat(37)).length, 1);
  assert.match(messages(clientTokenShape, 'has space')[0] ?? '', /must match the pattern/);
});

test('tag lists: key 1–128, value 0–256, both required, at most 50, keys unique', () => {
  assert.deepEqual(messages(tagListShape, []), []);
  assert.deepEqual(
    messages(tagListShape, [
      { key: 'team', value: '' },
      { key: 'k'.repeat(128), value: 'v'.repeat(256) },
    ]),
    [],
  );
  assert.deepEqual(messages(tagListShape, [{ key: '', value: 'v' }]), ['x[0].key: must not be empty']);
  assert.deepEqual(messages(tagListShape, [{ key: 'k'.repeat(129), value: 'v' }]), [
    'x[0].key: must be at most 128 characters long, got 129',
  ]);
  assert.deepEqual(messages(tagListShape, [{ key: 'k', value: 'v'.repeat(257) }]), [
    'x[0].value: must be at most 256 characters long, got 257',
  ]);
  assert.deepEqual(messages(tagListShape, [{ key: 'k' }]), ['x[0].value: is required']);
  assert.deepEqual(messages(tagListShape, [{ key: 'k', value: 'v', extra: 1 }]), [
    'x[0].extra: is not a known member',
  ]);
  const fiftyOne = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' }));
  assert.deepEqual(messages(tagListShape, fiftyOne.slice(0, 50)), []);
  assert.deepEqual(messages(tagListShape, fiftyOne), ['x: must have at most 50 items, got 51']);
  assert.deepEqual(
    messages(tagListShape, [
      { key: 'team', value: 'a' },
      { key: 'team', value: 'b' },
    ]),
    ['x[1].key: duplicates the key of x[0]'],
  );
});

test('tag keys: 1–128 characters, at most 50', () => {
  assert.deepEqual(messages(tagKeysShape, ['team', 'k'.repeat(128)]), []);
  assert.deepEqual(messages(tagKeysShape, ['']), ['x[0]: must not be empty']);
  assert.deepEqual(messages(tagKeysShape, Array(51).fill('k')), ['x: must have at most 50 items, got 51']);
});

test('mesh owners are exactly 12 digits', () => {
  assert.deepEqual(messages(meshOwnerShape, '111122223333'), []);
  for (const bad of ['11112222333', '1111222233334', '11112222333a', '']) {
    assert.deepEqual(messages(meshOwnerShape, bad), ['x: must be exactly 12 digits'], bad);
  }
});
