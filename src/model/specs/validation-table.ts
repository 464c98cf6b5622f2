// Test support: runs tables of "valid example passes, invalid example fails at this path" rows
// against the spec shapes, and derives examples from a base spec by patching members.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '../shape.ts';
import type { KindName } from '../resource-kinds.ts';
import { specShapes } from './index.ts';

export interface ValidationRow {
  /** The constraint the row demonstrates. */
  readonly rule: string;
  readonly kind: KindName;
  readonly valid: unknown;
  readonly invalid: unknown;
  /** Path of the violation the invalid example must produce (rooted at `spec`). */
  readonly path: string;
  /** A fragment of that violation's message. */
  readonly message: string;
}

export function runValidationTable(rows: readonly ValidationRow[]): void {
  for (const row of rows) {
    test(`${row.kind}: ${row.rule}`, () => {
      assert.deepEqual(validate(specShapes[row.kind], row.valid, 'spec'), [], 'the valid example must pass');
      const violations = validate(specShapes[row.kind], row.invalid, 'spec');
      const hit = violations.some((v) => v.path === row.path && v.message.includes(row.message));
      assert.ok(hit, `expected ${row.path}: …${row.message}… among ${JSON.stringify(violations, null, 1)}`);
    });
  }
}

function segmentsOf(path: string): (string | number)[] {
  return path
    .split('.')
    .flatMap((part) => part.split(/\[(\d+)\]/).filter((piece) => piece !== ''))
    .map((piece) => (/^\d+$/.test(piece) ? Number(piece) : piece));
}

/**
 * A deep copy of `base` with each `path → value` applied (`a.b[0].c`); `undefined` deletes the member.
 * Missing intermediate objects are created.
 */
export function patched(base: unknown, changes: Readonly<Record<string, unknown>>): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    const segments = segmentsOf(path);
    const last = segments.pop() as string | number;
    let node = copy;
    for (const segment of segments) {
      node[segment] ??= {};
      node = node[segment] as Record<string | number, unknown>;
    }
    if (value === undefined) delete node[last];
    else node[last] = structuredClone(value);
  }
  return copy;
}

type Changes = Readonly<Record<string, unknown>>;

/** Rows for one kind derived from one base spec: `valid` and `invalid` are patches of `base`. */
export function rowsFrom(kind: KindName, base: unknown) {
  return (rule: string, valid: Changes, invalid: Changes, path: string, message: string): ValidationRow => ({
    rule,
    kind,
    valid: patched(base, valid),
    invalid: patched(base, invalid),
    path,
    message,
  });
}
