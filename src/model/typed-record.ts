// Records and specs typed by their kind's descriptor: the one place a stored JSON spec is read as its kind's type.
//
// The store keeps specs as JSON and accepts only specs that passed `specShapes[kind]`, so a spec handed back
// for a kind has that kind's spec type; callers narrow here, after checking the kind, instead of casting.

import type { ResourceKey } from './resource-key.ts';
import type { KindName } from './resource-kinds.ts';
import type { ResourceRecord } from './resource-record.ts';
import type { SpecOf } from './specs/index.ts';

/** `R` (a record, or a stored record with its revision) carrying the spec type of kind `K`. */
export type TypedRecord<K extends KindName, R extends ResourceRecord = ResourceRecord> = Omit<
  R,
  'kind' | 'spec'
> & { readonly kind: K; readonly spec: SpecOf<K> };

/** A record of any kind; switching on `kind` narrows `spec`. */
export type AnyTypedRecord<R extends ResourceRecord = ResourceRecord> = {
  [K in KindName]: TypedRecord<K, R>;
}[KindName];

/** A spec paired with the kind that gives its type; switching on `kind` narrows `spec`. */
export type KindSpec = { [K in KindName]: { readonly kind: K; readonly spec: SpecOf<K> } }[KindName];

/** A record was asked for as one kind but holds another: a programming error, never a client's. */
export class KindMismatchError extends Error {
  constructor(expected: KindName, record: ResourceKey) {
    super(`expected a ${expected} record, got ${record.kind} ${record.name} in mesh ${record.meshName}`);
    this.name = 'KindMismatchError';
  }
}

/** `record` with its spec typed as `kind`'s; undefined stays undefined (a lookup that found nothing). */
export function recordOfKind<K extends KindName, R extends ResourceRecord>(
  record: R,
  kind: K,
): TypedRecord<K, R>;
export function recordOfKind<K extends KindName, R extends ResourceRecord>(
  record: R | undefined,
  kind: K,
): TypedRecord<K, R> | undefined;
export function recordOfKind<K extends KindName, R extends ResourceRecord>(
  record: R | undefined,
  kind: K,
): TypedRecord<K, R> | undefined {
  if (record === undefined) return undefined;
  if (record.kind !== kind) throw new KindMismatchError(kind, record);
  return record as unknown as TypedRecord<K, R>;
}

/** `record` as the typed record of its own kind. */
export function typedRecord<R extends ResourceRecord>(record: R): AnyTypedRecord<R> {
  return record as unknown as AnyTypedRecord<R>;
}

/** `spec` paired with `kind`; `spec` must have passed `specShapes[kind]` (a validated request or a stored spec). */
export function kindSpec(kind: KindName, spec: unknown): KindSpec {
  return { kind, spec } as KindSpec;
}

/** `spec` typed as `kind`'s; `spec` must have passed `specShapes[kind]`. */
export function specOfKind<K extends KindName>(kind: K, spec: unknown): SpecOf<K> {
  return spec as SpecOf<K>;
}
