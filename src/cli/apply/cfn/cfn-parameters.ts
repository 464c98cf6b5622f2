// Template Parameters: their Default, or the value given with `--parameter Key=Value`, typed as declared.

import type { ApplyProblem } from '../apply-problem.ts';
import type { DocumentOrigin } from '../source-document.ts';

interface ParameterDeclaration {
  readonly Type?: string;
  readonly Default?: unknown;
  readonly AllowedValues?: readonly unknown[];
}

function typed(type: string, text: string): unknown {
  if (type === 'Number') return Number(text);
  if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
    const items = text.split(',').map((item) => item.trim());
    return type === 'List<Number>' ? items.map(Number) : items;
  }
  return text;
}

/** Values of the template's parameters; a parameter with neither default nor override is a problem. */
export function resolveParameters(
  declarations: unknown,
  overrides: ReadonlyMap<string, string>,
  origin: DocumentOrigin,
  problems: ApplyProblem[],
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (declarations === undefined) return values;
  if (declarations === null || typeof declarations !== 'object') {
    problems.push({ origin, field: 'Parameters', message: 'must be a map of parameter declarations' });
    return values;
  }
  for (const [name, raw] of Object.entries(declarations as Record<string, ParameterDeclaration>)) {
    const field = `Parameters.${name}`;
    const text = overrides.get(name) ?? (raw?.Default === undefined ? undefined : String(raw.Default));
    if (text === undefined) {
      problems.push({ origin, field, message: `has no Default; give it with --parameter ${name}=VALUE` });
      continue;
    }
    if (raw?.AllowedValues && !raw.AllowedValues.map(String).includes(text)) {
      problems.push({ origin, field, message: `${JSON.stringify(text)} is not one of its AllowedValues` });
      continue;
    }
    const value = typed(raw?.Type ?? 'String', text);
    if (typeof value === 'number' && Number.isNaN(value)) {
      problems.push({ origin, field, message: `${JSON.stringify(text)} is not a Number` });
      continue;
    }
    values.set(name, value);
  }
  return values;
}

/** `Key=Value` strings (as `aws cloudformation deploy --parameter-overrides` takes them) into a map. */
export function parseKeyValues(flag: string, pairs: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`${flag} expects Key=Value, got ${JSON.stringify(pair)}`);
    values.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return values;
}

export function parseParameterOverrides(pairs: readonly string[]): Map<string, string> {
  return parseKeyValues('--parameter', pairs);
}

/**
 * `--resource-attribute LogicalId=Value` (what Ref answers) or `LogicalId.Attribute=Value` (Fn::GetAtt), for
 * resources Switchyard does not manage.
 */
export function parseResourceAttributes(pairs: readonly string[]): Map<string, string> {
  const values = parseKeyValues('--resource-attribute', pairs);
  for (const key of values.keys()) {
    if (!/^[A-Za-z0-9]+(\.[A-Za-z0-9.]+)?$/.test(key)) {
      throw new Error(
        `--resource-attribute expects LogicalId=Value or LogicalId.Attribute=Value, got the key ${JSON.stringify(key)}`,
      );
    }
  }
  return values;
}
