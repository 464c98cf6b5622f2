import { test } from 'node:test';
import assert from 'node:assert/strict';
import { integer, list, oneOf, required, string, struct, union, validate } from './shape.ts';

const portMapping = struct({
  port: required(integer({ min: 1, max: 65535 })),
  protocol: required(oneOf(['http', 'tcp'] as const)),
});

test('struct reports every violation with its path', () => {
  const violations = validate(portMapping, { port: 0, extra: 1 }, 'spec.portMapping');
  assert.deepEqual(violations, [
    { path: 'spec.portMapping.extra', message: 'is not a known member' },
    { path: 'spec.portMapping.port', message: 'must be between 1 and 65535, got 0' },
    { path: 'spec.portMapping.protocol', message: 'is required' },
  ]);
});

test('union needs exactly one member', () => {
  const shape = union({ a: string({ min: 1 }), b: string({ min: 1 }) });
  assert.equal(validate(shape, { a: 'x' }, 'u').length, 0);
  assert.deepEqual(validate(shape, {}, 'u'), [{ path: 'u', message: 'must set exactly one of a, b' }]);
  assert.deepEqual(validate(shape, { a: 'x', b: 'y' }, 'u'), [
    { path: 'u', message: 'must set exactly one of a, b, got a and b' },
  ]);
});

test('list checks bounds and items', () => {
  const shape = list(integer({ min: 1 }), { min: 1, max: 2 });
  assert.deepEqual(validate(shape, [], 'l'), [{ path: 'l', message: 'must have at least 1 item' }]);
  assert.deepEqual(validate(shape, [1, 0, 3], 'l'), [
    { path: 'l', message: 'must have at most 2 items, got 3' },
    { path: 'l[1]', message: 'must be at least 1, got 0' },
  ]);
});

test('wrong types are named', () => {
  assert.deepEqual(validate(integer(), 1.5, 'n'), [
    { path: 'n', message: 'must be a whole number, got number 1.5' },
  ]);
  assert.deepEqual(validate(string({ max: 3 }), 'abcd', 's'), [
    { path: 's', message: 'must be at most 3 characters long, got 4' },
  ]);
});
