// Reads what a registry request carries: a JSON body checked against a shape, and list filters in the query.

import { struct, type Shape } from '../../model/shape.ts';
import { RegistryValidationError } from '../registry-errors.ts';
import { assertValid, instanceHealthValues, type InstanceHealth } from '../registry-model.ts';
import type { InstanceFilter } from '../registry-store.ts';

export const emptyBodyShape = struct({});

/** Parses a raw body (absent or empty means `{}`) and checks it against `shape`. */
export function parseBody<T>(raw: unknown, shape: Shape<T>): T {
  let text: string;
  if (raw === undefined || raw === null) text = '';
  else if (Buffer.isBuffer(raw)) text = raw.toString('utf8');
  else if (typeof raw === 'string') text = raw;
  else text = JSON.stringify(raw);
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RegistryValidationError([{ path: 'body', message: `is not valid JSON: ${reason}` }], {
        cause: error,
      });
    }
  }
  assertValid(shape, value);
  return value;
}

/** Rejects any query parameter: the operation takes none. */
export function assertNoQuery(query: URLSearchParams): void {
  const names = [...new Set(query.keys())];
  if (names.length > 0) {
    throw new RegistryValidationError(
      names.map((name) => ({ path: `query.${name}`, message: 'is not a parameter of this operation' })),
    );
  }
}

const attributePrefix = 'attr.';

/** `?attr.version=v1&health=HEALTHY,UNKNOWN`: attribute pairs that must all match, and allowed health states. */
export function parseInstanceFilter(query: URLSearchParams): InstanceFilter {
  const attributes: Record<string, string> = {};
  let health: InstanceHealth[] | undefined;
  const problems: { path: string; message: string }[] = [];
  for (const [name, value] of query) {
    if (name.startsWith(attributePrefix) && name.length > attributePrefix.length) {
      const key = name.slice(attributePrefix.length);
      if (attributes[key] !== undefined && attributes[key] !== value) {
        problems.push({ path: `query.${name}`, message: 'is given twice with different values' });
      }
      attributes[key] = value;
    } else if (name === 'health') {
      const states = value.split(',').filter((state) => state !== '');
      const unknown = states.filter((state) => !(instanceHealthValues as readonly string[]).includes(state));
      if (states.length === 0 || unknown.length > 0) {
        problems.push({
          path: 'query.health',
          message: `must be a comma-separated list of ${instanceHealthValues.join(', ')}; got "${value}"`,
        });
      }
      health = [...(health ?? []), ...(states as InstanceHealth[])];
    } else {
      problems.push({ path: `query.${name}`, message: 'is not a filter; use attr.<key>=<value> or health=' });
    }
  }
  if (problems.length > 0) throw new RegistryValidationError(problems);
  return { attributes, ...(health ? { health } : {}) };
}
