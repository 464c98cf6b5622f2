// Narrowing stored records to their kind's typed record: the kind is checked, never assumed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceKey } from './resource-key.ts';
import type { ResourceRecord } from './resource-record.ts';
import { KindMismatchError, recordOfKind, typedRecord } from './typed-record.ts';

const stored = (kind: 'virtualNode' | 'virtualRouter', spec: Record<string, unknown>): ResourceRecord => ({
  ...resourceKey(kind, 'm', 'x'),
  arn: `arn:aws:appmesh:us-east-1:111122223333:mesh/m/${kind}/x`,
  uid: 'x',
  version: 1,
  createdAtMs: 0,
  lastUpdatedAtMs: 0,
  meshOwner: '111122223333',
  resourceOwner: '111122223333',
  spec,
  tags: [],
});

test('recordOfKind returns the record with its spec typed as the kind asked for', () => {
  const node = recordOfKind(
    stored('virtualNode', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] }),
    'virtualNode',
  );
  assert.equal(node.spec.listeners?.[0]?.portMapping.port, 8080);
  assert.equal(recordOfKind(undefined, 'virtualNode'), undefined);
});

test('recordOfKind refuses a record of another kind', () => {
  assert.throws(
    () => recordOfKind(stored('virtualRouter', {}), 'virtualNode'),
    (error: unknown) =>
      error instanceof KindMismatchError &&
      /expected a virtualNode record, got virtualRouter x/.test(error.message),
  );
});

test('typedRecord narrows by switching on the kind', () => {
  const record = typedRecord(
    stored('virtualRouter', { listeners: [{ portMapping: { port: 9, protocol: 'tcp' } }] }),
  );
  const ports =
    record.kind === 'virtualRouter' ? (record.spec.listeners ?? []).map((l) => l.portMapping.port) : [];
  assert.deepEqual(ports, [9]);
});
