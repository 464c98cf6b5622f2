// envoy.type.matcher.v3.StringMatcher compiled into a predicate (regex built once, case folding decided once).
import type { StringMatcher__Output } from '../../xds/protos/generated/envoy/type/matcher/v3/StringMatcher.ts';
import type { Violations } from './config-error.ts';
import { compileRegex } from './regex.ts';

export type StringMatchKind = 'exact' | 'prefix' | 'suffix' | 'contains' | 'regex';

export class StringMatcher {
  readonly kind: StringMatchKind;
  readonly pattern: string;
  readonly ignoreCase: boolean;
  readonly #needle: string;
  readonly #regex: RegExp | undefined;

  constructor(kind: StringMatchKind, pattern: string, ignoreCase: boolean, regex?: RegExp) {
    this.kind = kind;
    this.pattern = pattern;
    // Envoy ignores ignore_case for regexes.
    this.ignoreCase = kind !== 'regex' && ignoreCase;
    this.#needle = this.ignoreCase ? pattern.toLowerCase() : pattern;
    this.#regex = regex;
  }

  matches(value: string): boolean {
    const v = this.ignoreCase ? value.toLowerCase() : value;
    switch (this.kind) {
      case 'exact':
        return v === this.#needle;
      case 'prefix':
        return v.startsWith(this.#needle);
      case 'suffix':
        return v.endsWith(this.#needle);
      case 'contains':
        return v.includes(this.#needle);
      case 'regex':
        return this.#regex?.test(v) ?? false;
    }
  }

  toJSON(): object {
    return { [this.kind]: this.pattern, ignore_case: this.ignoreCase };
  }
}

/** Decodes a StringMatcher; reports a violation at `path` and returns undefined when it cannot be used. */
export function decodeStringMatcher(
  m: StringMatcher__Output | null | undefined,
  path: string,
  v: Violations,
): StringMatcher | undefined {
  if (m === null || m === undefined) {
    v.add(path, 'a string matcher is required');
    return undefined;
  }
  switch (m.match_pattern) {
    case 'exact':
      return new StringMatcher('exact', m.exact ?? '', m.ignore_case);
    case 'prefix':
    case 'suffix':
    case 'contains': {
      const value = m[m.match_pattern] ?? '';
      if (value === '') {
        v.add(`${path}.${m.match_pattern}`, 'must not be empty');
        return undefined;
      }
      return new StringMatcher(m.match_pattern, value, m.ignore_case);
    }
    case 'safe_regex': {
      const compiled = compileRegex(m.safe_regex?.regex ?? '', true);
      if (!compiled.ok) {
        v.add(`${path}.safe_regex.regex`, compiled.message);
        return undefined;
      }
      return new StringMatcher('regex', m.safe_regex?.regex ?? '', false, compiled.regex);
    }
    default:
      v.add(path, `unsupported match_pattern ${m.match_pattern ?? '(none)'}`);
      return undefined;
  }
}
