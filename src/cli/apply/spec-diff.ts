// Field-level differences between a stored spec and the one the files want, for `update` lines of the plan.

export interface FieldChange {
  readonly path: string;
  /** Absent when the field is added. */
  readonly before?: unknown;
  /** Absent when the field is removed. */
  readonly after?: unknown;
}

/** Drops null and absent members (App Mesh treats them alike) so that equal specs compare equal. */
export function normalizeSpec(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeSpec);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== null && member !== undefined) out[key] = normalizeSpec(member);
  }
  return out;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Changes from `before` to `after` (both normalized), deepest differing fields first in document order. */
export function diffValues(before: unknown, after: unknown, path: string): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const inBefore = key in before;
      const inAfter = key in after;
      const child = `${path}.${key}`;
      if (!inBefore) return [{ path: child, after: after[key] }];
      if (!inAfter) return [{ path: child, before: before[key] }];
      return diffValues(before[key], after[key], child);
    });
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => diffValues(item, after[i], `${path}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

export function formatChange(change: FieldChange): string {
  const show = (value: unknown) => JSON.stringify(value);
  if (!('before' in change)) return `+ ${change.path}: ${show(change.after)}`;
  if (!('after' in change)) return `- ${change.path}: ${show(change.before)}`;
  return `~ ${change.path}: ${show(change.before)} -> ${show(change.after)}`;
}
