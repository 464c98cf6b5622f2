import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFieldValidation, pruneUnknownFields } from './prune-unknown-fields.ts';

test('members the App Mesh shape lacks are removed at every depth, the input is left alone', () => {
  const spec = {
    listeners: [{ portMapping: { port: 8080, protocol: 'http', name: 'web' }, extra: {} }],
    serviceDiscovery: { dns: { hostname: 'a.local', ttl: 5 } },
    colour: 'red',
  };
  const pruned = pruneUnknownFields('virtualNode', spec);
  assert.deepEqual(pruned.spec, {
    listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    serviceDiscovery: { dns: { hostname: 'a.local' } },
  });
  assert.deepEqual(pruned.removed.sort(), [
    'spec.colour',
    'spec.listeners[0].extra',
    'spec.listeners[0].portMapping.name',
    'spec.serviceDiscovery.dns.ttl',
  ]);
  assert.equal(spec.colour, 'red');
});

test('a key a path cannot spell (with a dot) leaves the spec whole for validation to refuse', () => {
  const spec = {
    listeners: [{ portMapping: { port: 8080, protocol: 'http', name: 'web' } }],
    // Its violation path, spec.listeners[0], also names the real first listener.
    'listeners[0]': 1,
  };
  const pruned = pruneUnknownFields('virtualRouter', spec);
  assert.deepEqual(pruned.removed, []);
  assert.deepEqual(pruned.spec, spec);
});

test('other violations are not touched', () => {
  const spec = { listeners: [{ portMapping: { port: 0, protocol: 'http' } }] };
  assert.deepEqual(pruneUnknownFields('virtualRouter', spec), { spec, removed: [] });
});

test('--validate takes kubectl values', () => {
  assert.equal(parseFieldValidation('true'), 'strict');
  assert.equal(parseFieldValidation('false'), 'ignore');
  assert.equal(parseFieldValidation('warn'), 'warn');
  assert.throws(() => parseFieldValidation('yes'), /--validate expects strict, warn or ignore, got "yes"/);
});
