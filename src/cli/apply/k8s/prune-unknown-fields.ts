// Unknown fields of converted manifests, handled as `kubectl apply` does with the controller's CRDs: with field
// validation `Warn` (the default since Kubernetes 1.25) they are pruned with a warning; `Strict` refuses them.

import type { KindName } from '../../../model/resource-kinds.ts';
import { validate } from '../../../model/shape.ts';
import { specShapes } from '../../../model/specs/index.ts';

/** kubectl's `--validate` values: `true` is `strict`, `false` is `ignore`. */
export type FieldValidation = 'strict' | 'warn' | 'ignore';

export function parseFieldValidation(text: string): FieldValidation {
  switch (text) {
    case 'strict':
    case 'true':
      return 'strict';
    case 'warn':
      return 'warn';
    case 'ignore':
    case 'false':
      return 'ignore';
    default:
      throw new Error(`--validate expects strict, warn or ignore, got ${JSON.stringify(text)}`);
  }
}

// The shape validator's wording for a member the schema does not have.
const unknownMemberMessage = 'is not a known member';

/** `spec.listeners[0].tls.mode` → ['listeners', 0, 'tls', 'mode'] (below `spec`). */
function segmentsOf(path: string): (string | number)[] | undefined {
  const match = /^spec((?:\.[^.[\]]+|\[\d+\])+)$/.exec(path);
  if (!match) return undefined;
  return [...match[1]!.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[1] !== undefined ? m[1] : Number(m[2]),
  );
}

function removeAt(spec: Record<string, unknown>, segments: readonly (string | number)[]): boolean {
  let node: unknown = spec;
  for (const segment of segments.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string | number, unknown>)[segment];
  }
  const last = segments.at(-1)!;
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, last))
    return false;
  delete (node as Record<string | number, unknown>)[last];
  return true;
}

/** Whether some key holds '.', '[' or ']', which would make a violation's path name more than one member. */
function hasAmbiguousKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasAmbiguousKeys);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, member]) => /[.[\]]/.test(key) || hasAmbiguousKeys(member));
}

export interface PrunedSpec {
  readonly spec: Record<string, unknown>;
  /** API field paths (`spec.backendDefaults.clientPolicy.tls.mode`) of what was removed. */
  readonly removed: string[];
}

/**
 * A copy of `spec` without the members the App Mesh schema of `kind` does not have. When a key holds '.' or
 * '[' the violations' paths could name the wrong member, so nothing is removed and validation refuses them.
 */
export function pruneUnknownFields(kind: KindName, spec: Record<string, unknown>): PrunedSpec {
  if (hasAmbiguousKeys(spec)) return { spec, removed: [] };
  const copy = structuredClone(spec);
  const removed: string[] = [];
  for (const violation of validate(specShapes[kind], copy, 'spec')) {
    if (violation.message !== unknownMemberMessage) continue;
    const segments = segmentsOf(violation.path);
    if (segments && removeAt(copy, segments)) removed.push(violation.path);
  }
  return { spec: copy, removed };
}
