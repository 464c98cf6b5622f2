// envoy.config.route.v3.HeaderMatcher compiled once: string/present/range matches, inversion, missing-as-empty.
import type { HeaderMatcher__Output } from '../../xds/protos/generated/envoy/config/route/v3/HeaderMatcher.ts';
import type { Violations } from './config-error.ts';
import { headerValue } from './match-request.ts';
import type { MatchRequest } from './match-request.ts';
import { compileRegex } from './regex.ts';
import { decodeStringMatcher, StringMatcher } from './string-matcher.ts';

type ValueTest =
  | { readonly kind: 'string'; readonly matcher: StringMatcher }
  | { readonly kind: 'present'; readonly present: boolean }
  | { readonly kind: 'range'; readonly start: number; readonly end: number };

const integerPattern = /^[+-]?\d+$/;

export class HeaderMatcher {
  readonly name: string;
  readonly test: ValueTest;
  readonly invert: boolean;
  readonly treatMissingAsEmpty: boolean;

  constructor(name: string, test: ValueTest, invert: boolean, treatMissingAsEmpty: boolean) {
    this.name = name;
    this.test = test;
    this.invert = invert;
    this.treatMissingAsEmpty = treatMissingAsEmpty;
  }

  matches(req: MatchRequest): boolean {
    let value = headerValue(req, this.name);
    if (value === undefined && this.treatMissingAsEmpty) value = '';
    const t = this.test;
    if (t.kind === 'present') {
      // present_match: false means "absent"; inversion flips either way.
      return ((value !== undefined) === t.present) !== this.invert;
    }
    // A missing header never matches a value test, not even an inverted one (Envoy's rule).
    if (value === undefined) return false;
    let hit: boolean;
    if (t.kind === 'string') {
      hit = t.matcher.matches(value);
    } else {
      hit = integerPattern.test(value) && Number(value) >= t.start && Number(value) < t.end;
    }
    return hit !== this.invert;
  }

  toJSON(): object {
    return { name: this.name, ...this.test, invert_match: this.invert };
  }
}

export function decodeHeaderMatcher(
  h: HeaderMatcher__Output,
  path: string,
  v: Violations,
): HeaderMatcher | undefined {
  const name = h.name.toLowerCase();
  if (name === '') {
    v.add(`${path}.name`, 'must not be empty');
    return undefined;
  }
  let test: ValueTest | undefined;
  switch (h.header_match_specifier) {
    case 'string_match': {
      const matcher = decodeStringMatcher(h.string_match, `${path}.string_match`, v);
      if (matcher !== undefined) test = { kind: 'string', matcher };
      break;
    }
    case 'exact_match':
      test = { kind: 'string', matcher: new StringMatcher('exact', h.exact_match ?? '', false) };
      break;
    case 'prefix_match':
      test = { kind: 'string', matcher: new StringMatcher('prefix', h.prefix_match ?? '', false) };
      break;
    case 'suffix_match':
      test = { kind: 'string', matcher: new StringMatcher('suffix', h.suffix_match ?? '', false) };
      break;
    case 'contains_match':
      test = { kind: 'string', matcher: new StringMatcher('contains', h.contains_match ?? '', false) };
      break;
    case 'safe_regex_match': {
      const compiled = compileRegex(h.safe_regex_match?.regex ?? '', true);
      if (compiled.ok) {
        test = {
          kind: 'string',
          matcher: new StringMatcher('regex', h.safe_regex_match?.regex ?? '', false, compiled.regex),
        };
      } else v.add(`${path}.safe_regex_match.regex`, compiled.message);
      break;
    }
    case 'range_match': {
      const start = Number(h.range_match?.start ?? 0);
      const end = Number(h.range_match?.end ?? 0);
      if (!(start < end)) v.add(`${path}.range_match`, `start (${start}) must be below end (${end})`);
      else test = { kind: 'range', start, end };
      break;
    }
    case 'present_match':
      test = { kind: 'present', present: h.present_match ?? true };
      break;
    default:
      // No specifier: Envoy treats the matcher as "header present".
      test = { kind: 'present', present: true };
  }
  if (test === undefined) return undefined;
  return new HeaderMatcher(name, test, h.invert_match, h.treat_missing_header_as_empty);
}
