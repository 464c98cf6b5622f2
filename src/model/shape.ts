// A small schema language for App Mesh shapes: one definition gives the TypeScript type and a validator
// that collects every violation with its field path (e.g. `spec.listeners[0].portMapping.port`).

export interface Violation {
  readonly path: string;
  readonly message: string;
}

export interface Shape<T> {
  /** Appends a violation for each way `value` breaks the shape; `path` names `value` in messages. */
  check(value: unknown, path: string, out: Violation[]): void;
  /** Phantom member carrying the TypeScript type; never set at run time. */
  readonly __type?: T;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

interface Required<T> {
  readonly required: true;
  readonly shape: Shape<T>;
}

type Member = Shape<unknown> | Required<unknown>;
type Members = Record<string, Member>;

type RequiredKeys<M extends Members> = {
  [K in keyof M]: M[K] extends Required<unknown> ? K : never;
}[keyof M];
type OptionalKeys<M extends Members> = Exclude<keyof M, RequiredKeys<M>>;
type MemberType<M> = M extends Required<infer T> ? T : M extends Shape<infer T> ? T : never;

export type StructOf<M extends Members> = { [K in RequiredKeys<M>]: MemberType<M[K]> } & {
  [K in OptionalKeys<M>]?: MemberType<M[K]>;
} extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

export function required<S extends Shape<unknown>>(shape: S): Required<Infer<S>> {
  return { required: true, shape: shape as Shape<Infer<S>> };
}

function isRequired(member: Member): member is Required<unknown> {
  return (member as Required<unknown>).required === true;
}

function shapeOf(member: Member): Shape<unknown> {
  return isRequired(member) ? member.shape : member;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

export interface StringRules {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

export function string(rules: StringRules = {}): Shape<string> {
  return {
    check(value, path, out) {
      if (typeof value !== 'string') {
        out.push({ path, message: `must be a string, got ${describe(value)}` });
        return;
      }
      const length = [...value].length;
      if (rules.min !== undefined && length < rules.min) {
        out.push({
          path,
          message: rules.min === 1 ? 'must not be empty' : `must be at least ${rules.min} characters long`,
        });
      }
      if (rules.max !== undefined && length > rules.max) {
        out.push({ path, message: `must be at most ${rules.max} characters long, got ${length}` });
      }
      if (rules.pattern !== undefined && !rules.pattern.test(value)) {
        out.push({ path, message: `must match the pattern ${rules.pattern.source}` });
      }
    },
  };
}

export interface NumberRules {
  readonly min?: number;
  readonly max?: number;
}

/** Integer (App Mesh `integer` and `long`); JSON numbers with a fractional part are rejected. */
export function integer(rules: NumberRules = {}): Shape<number> {
  return {
    check(value, path, out) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        out.push({ path, message: `must be a whole number, got ${describe(value)}` });
        return;
      }
      if (rules.min !== undefined && value < rules.min) {
        out.push({ path, message: rangeMessage(rules, value) });
      } else if (rules.max !== undefined && value > rules.max) {
        out.push({ path, message: rangeMessage(rules, value) });
      }
    },
  };
}

function rangeMessage(rules: NumberRules, value: number): string {
  if (rules.max === undefined) return `must be at least ${rules.min}, got ${value}`;
  if (rules.min === undefined) return `must be at most ${rules.max}, got ${value}`;
  return `must be between ${rules.min} and ${rules.max}, got ${value}`;
}

export function boolean(): Shape<boolean> {
  return {
    check(value, path, out) {
      if (typeof value !== 'boolean')
        out.push({ path, message: `must be true or false, got ${describe(value)}` });
    },
  };
}

export function oneOf<const V extends readonly string[]>(values: V): Shape<V[number]> {
  return {
    check(value, path, out) {
      if (typeof value !== 'string' || !values.includes(value)) {
        out.push({ path, message: `must be one of ${values.join(', ')}; got ${describe(value)}` });
      }
    },
  };
}

export interface ListRules {
  readonly min?: number;
  readonly max?: number;
}

export function list<T>(item: Shape<T>, rules: ListRules = {}): Shape<T[]> {
  return {
    check(value, path, out) {
      if (!Array.isArray(value)) {
        out.push({ path, message: `must be a list, got ${describe(value)}` });
        return;
      }
      if (rules.min !== undefined && value.length < rules.min) {
        out.push({ path, message: `must have at least ${rules.min} item${rules.min === 1 ? '' : 's'}` });
      }
      if (rules.max !== undefined && value.length > rules.max) {
        out.push({ path, message: `must have at most ${rules.max} items, got ${value.length}` });
      }
      value.forEach((element, index) => {
        if (isAbsent(element)) out.push({ path: `${path}[${index}]`, message: 'must not be null' });
        else item.check(element, `${path}[${index}]`, out);
      });
    },
  };
}

function checkObject(value: unknown, path: string, out: Violation[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.push({ path, message: `must be an object, got ${describe(value)}` });
    return false;
  }
  return true;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function checkMembers(
  members: Members,
  value: Record<string, unknown>,
  path: string,
  out: Violation[],
): void {
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(members, key)) out.push({ path: join(path, key), message: 'is not a known member' });
  }
  for (const [key, member] of Object.entries(members)) {
    const memberValue = value[key];
    if (isAbsent(memberValue)) {
      if (isRequired(member)) out.push({ path: join(path, key), message: 'is required' });
      continue;
    }
    shapeOf(member).check(memberValue, join(path, key), out);
  }
}

export function struct<M extends Members>(members: M): Shape<StructOf<M>> {
  return {
    check(value, path, out) {
      if (checkObject(value, path, out)) checkMembers(members, value, path, out);
    },
  };
}

type UnionOf<M extends Record<string, Shape<unknown>>> = {
  [K in keyof M]: { [P in K]: Infer<M[K]> } & { [P in Exclude<keyof M, K>]?: never };
}[keyof M];

/** An App Mesh UNION: exactly one member must be set. */
export function union<M extends Record<string, Shape<unknown>>>(members: M): Shape<UnionOf<M>> {
  return {
    check(value, path, out) {
      if (!checkObject(value, path, out)) return;
      checkMembers(members, value, path, out);
      const set = Object.keys(members).filter((key) => !isAbsent(value[key]));
      if (set.length !== 1) {
        const names = Object.keys(members).join(', ');
        out.push({
          path,
          message:
            set.length === 0
              ? `must set exactly one of ${names}`
              : `must set exactly one of ${names}, got ${set.join(' and ')}`,
        });
      }
    },
  };
}

/** A shape with extra rules that need the whole (already shape-valid) value. */
export function refine<T>(
  shape: Shape<T>,
  rule: (value: T, path: string, out: Violation[]) => void,
): Shape<T> {
  return {
    check(value, path, out) {
      const before = out.length;
      shape.check(value, path, out);
      if (out.length === before) rule(value as T, path, out);
    },
  };
}

export function validate(shape: Shape<unknown>, value: unknown, path: string): Violation[] {
  const out: Violation[] = [];
  shape.check(value, path, out);
  return out;
}
