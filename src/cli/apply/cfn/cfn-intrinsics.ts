// Evaluates the CloudFormation intrinsic functions templates use: Ref, Fn::Sub, Fn::GetAtt, Fn::Join, Fn::Select,
// Fn::Split, Fn::FindInMap, Fn::ImportValue and the condition functions (Fn::If, Fn::Equals, Fn::Not, Fn::And,
// Fn::Or, Condition); anything else is reported, not guessed.

/** A template error at a path such as `Resources.Node.Properties.Spec.Listeners[0]`. */
export class CfnError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'CfnError';
    this.path = path;
  }
}

/**
 * Answers what the template's other sections and the command line know: Ref and Fn::GetAtt for parameters,
 * pseudo parameters and resources, conditions by name, Mappings, and the exports of other stacks. The optional
 * members are absent where a section cannot be used (the Conditions themselves take no Mappings, say); a
 * function that needs one is then an error.
 */
export interface CfnResolver {
  ref(name: string, path: string): unknown;
  getAtt(logicalId: string, attribute: string, path: string): unknown;
  condition?(name: string, path: string): boolean;
  findInMap?(mapName: string, topKey: string, secondKey: string, path: string): unknown;
  importValue?(exportName: string, path: string): unknown;
}

/** `Ref: AWS::NoValue` removes the property or list item that holds it. */
export const noValue: unique symbol = Symbol('AWS::NoValue');

type Resolve = (value: unknown, path: string) => unknown;

function expectList(value: unknown, length: number, path: string, name: string): unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new CfnError(path, `${name} takes a list of ${length} items`);
  }
  return value;
}

function scalarText(value: unknown, path: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new CfnError(
    path,
    `expected a string or number, got ${Array.isArray(value) ? 'a list' : typeof value}`,
  );
}

function substitute(
  template: string,
  variables: Record<string, unknown>,
  resolver: CfnResolver,
  path: string,
) {
  return template.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const trimmed = name.trim();
    if (trimmed in variables) return scalarText(variables[trimmed], path);
    const dot = trimmed.indexOf('.');
    const value =
      dot > 0
        ? resolver.getAtt(trimmed.slice(0, dot), trimmed.slice(dot + 1), path)
        : resolver.ref(trimmed, path);
    return scalarText(value, path);
  });
}

type IntrinsicFunction = (arg: unknown, resolve: Resolve, resolver: CfnResolver, path: string) => unknown;

const valueFunctions: Record<string, IntrinsicFunction> = {
  Ref(arg, _resolve, resolver, path) {
    if (typeof arg !== 'string') throw new CfnError(path, 'Ref takes a name');
    return arg === 'AWS::NoValue' ? noValue : resolver.ref(arg, path);
  },
  'Fn::GetAtt'(arg, resolve, resolver, path) {
    const parts = typeof arg === 'string' ? arg.split(/\.(.*)/s, 2) : arg;
    const [logicalId, attribute] = expectList(parts, 2, path, 'Fn::GetAtt');
    return resolver.getAtt(scalarText(logicalId, path), scalarText(resolve(attribute, path), path), path);
  },
  'Fn::Sub'(arg, resolve, resolver, path) {
    if (typeof arg === 'string') return substitute(arg, {}, resolver, path);
    const [template, variables] = expectList(arg, 2, path, 'Fn::Sub');
    const resolved = resolve(variables, `${path}[1]`);
    if (typeof template !== 'string' || resolved === null || typeof resolved !== 'object') {
      throw new CfnError(path, 'Fn::Sub takes a string, or a string and a map of variables');
    }
    return substitute(template, resolved as Record<string, unknown>, resolver, path);
  },
  'Fn::Join'(arg, resolve, _resolver, path) {
    const [delimiter, items] = expectList(arg, 2, path, 'Fn::Join');
    const list = resolve(items, `${path}[1]`);
    if (typeof delimiter !== 'string' || !Array.isArray(list)) {
      throw new CfnError(path, 'Fn::Join takes a delimiter and a list');
    }
    return list.map((item) => scalarText(item, path)).join(delimiter);
  },
  'Fn::Select'(arg, resolve, _resolver, path) {
    const [index, items] = expectList(arg, 2, path, 'Fn::Select');
    const list = resolve(items, `${path}[1]`);
    const position = Number(resolve(index, `${path}[0]`));
    if (!Array.isArray(list) || !Number.isInteger(position) || position < 0 || position >= list.length) {
      throw new CfnError(path, 'Fn::Select needs an index within its list');
    }
    return list[position];
  },
  'Fn::Split'(arg, resolve, _resolver, path) {
    const [delimiter, text] = expectList(arg, 2, path, 'Fn::Split');
    return scalarText(resolve(text, `${path}[1]`), path).split(scalarText(delimiter, path));
  },
};

function conditionOf(resolver: CfnResolver, name: string, path: string): boolean {
  if (!resolver.condition) throw new CfnError(path, `condition ${name} cannot be used here`);
  return resolver.condition(name, path);
}

function expectBoolean(value: unknown, path: string, name: string): boolean {
  if (typeof value !== 'boolean') throw new CfnError(path, `${name} takes conditions (true or false)`);
  return value;
}

/** CloudFormation compares the values as strings: `!Equals [!Ref Port, 8080]` holds for a Number 8080. */
function sameValue(a: unknown, b: unknown): boolean {
  const text = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
  return text(a) === text(b);
}

const conditionFunctions: Record<string, IntrinsicFunction> = {
  Condition(arg, _resolve, resolver, path) {
    if (typeof arg !== 'string') throw new CfnError(path, 'Condition takes the name of a condition');
    return conditionOf(resolver, arg, path);
  },
  'Fn::If'(arg, resolve, resolver, path) {
    const [name, whenTrue, whenFalse] = expectList(arg, 3, path, 'Fn::If');
    if (typeof name !== 'string') throw new CfnError(path, 'Fn::If takes a condition name and two values');
    // Only the chosen branch is evaluated: the other may name what this condition leaves out.
    return conditionOf(resolver, name, path)
      ? resolve(whenTrue, `${path}[1]`)
      : resolve(whenFalse, `${path}[2]`);
  },
  'Fn::Equals'(arg, resolve, _resolver, path) {
    const [a, b] = expectList(arg, 2, path, 'Fn::Equals');
    return sameValue(resolve(a, `${path}[0]`), resolve(b, `${path}[1]`));
  },
  'Fn::Not'(arg, resolve, _resolver, path) {
    const [inner] = expectList(arg, 1, path, 'Fn::Not');
    return !expectBoolean(resolve(inner, `${path}[0]`), path, 'Fn::Not');
  },
  'Fn::And'(arg, resolve, _resolver, path) {
    if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10)
      throw new CfnError(path, 'Fn::And takes a list of 2 to 10 conditions');
    return arg
      .map((inner, i) => expectBoolean(resolve(inner, `${path}[${i}]`), path, 'Fn::And'))
      .every(Boolean);
  },
  'Fn::Or'(arg, resolve, _resolver, path) {
    if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10)
      throw new CfnError(path, 'Fn::Or takes a list of 2 to 10 conditions');
    return arg
      .map((inner, i) => expectBoolean(resolve(inner, `${path}[${i}]`), path, 'Fn::Or'))
      .some(Boolean);
  },
};

const sectionFunctions: Record<string, IntrinsicFunction> = {
  'Fn::FindInMap'(arg, resolve, resolver, path) {
    const keys = expectList(arg, 3, path, 'Fn::FindInMap').map((key, i) =>
      scalarText(resolve(key, `${path}[${i}]`), `${path}[${i}]`),
    );
    if (!resolver.findInMap) throw new CfnError(path, 'Fn::FindInMap cannot be used here');
    return resolver.findInMap(keys[0]!, keys[1]!, keys[2]!, path);
  },
  'Fn::ImportValue'(arg, resolve, resolver, path) {
    const name = scalarText(resolve(arg, path), path);
    if (!resolver.importValue) throw new CfnError(path, 'Fn::ImportValue cannot be used here');
    return resolver.importValue(name, path);
  },
};

const functions: Readonly<Record<string, IntrinsicFunction>> = {
  ...valueFunctions,
  ...conditionFunctions,
  ...sectionFunctions,
};

function intrinsicName(value: object): string | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

/** Returns `value` with every intrinsic function replaced by its result. */
export function resolveIntrinsics(value: unknown, resolver: CfnResolver, path: string): unknown {
  const resolve: Resolve = (inner, innerPath) => resolveIntrinsics(inner, resolver, innerPath);
  if (Array.isArray(value)) {
    return value.map((item, i) => resolve(item, `${path}[${i}]`)).filter((item) => item !== noValue);
  }
  if (value === null || typeof value !== 'object') return value;
  const name = intrinsicName(value);
  if (name) {
    const fn = functions[name];
    if (!fn) throw new CfnError(path, `${name} is not supported by switchyard apply`);
    return fn((value as Record<string, unknown>)[name], resolve, resolver, path);
  }
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const resolved = resolve(member, `${path}.${key}`);
    if (resolved !== noValue) out[key] = resolved;
  }
  return out;
}
