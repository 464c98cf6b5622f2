// Path conditions for gateway routes composed with the routes of the service behind them: a service route
// matches the path the gateway forwards (after its rewrite), so its condition is carried back to the path the
// client sent, then joined with the gateway route's own condition into one Envoy RouteMatch.
import type { HeaderMatcher, RouteMatch } from './envoy-types.ts';

/** A condition on a request path (without query string). Prefix '/' is `any`: every path starts with '/'. */
export type PathCondition =
  { readonly kind: 'any' } | { readonly kind: 'prefix' | 'exact' | 'regex'; readonly value: string };

/**
 * How a gateway route rewrites the path: `prefix` replaces the matched prefix (and the '/' after it, so
 * `/chapter` + `/chapter/1` → `/1`) with `replacement`, which ends with '/'; `exact` replaces the whole path.
 */
export type PathRewrite =
  | { readonly kind: 'none' }
  | { readonly kind: 'prefix'; readonly matched: string; readonly replacement: string }
  | { readonly kind: 'exact'; readonly path: string };

export const anyPath: PathCondition = { kind: 'any' };

/** Escapes RE2 (and JavaScript) metacharacters so `text` matches literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

export function prefixCondition(prefix: string): PathCondition {
  return prefix === '/' ? anyPath : { kind: 'prefix', value: prefix };
}

/** The path condition of a RouteMatch (its `path_specifier`). */
export function pathConditionOf(match: RouteMatch): PathCondition {
  if (match.path != null) return { kind: 'exact', value: match.path };
  if (match.safe_regex != null) return { kind: 'regex', value: match.safe_regex.regex ?? '' };
  return prefixCondition(match.prefix ?? '/');
}

/** Whether `regex` fully matches `path`; undefined when JavaScript cannot tell (RE2-only syntax). */
function fullMatch(regex: string, path: string): boolean | undefined {
  try {
    return new RegExp(`^(?:${regex})$`).test(path);
  } catch {
    return undefined;
  }
}

/** Whether a fixed path satisfies `condition`; undefined when that cannot be decided here. */
function holdsFor(condition: PathCondition, path: string): boolean | undefined {
  switch (condition.kind) {
    case 'any':
      return true;
    case 'prefix':
      return path.startsWith(condition.value);
    case 'exact':
      return path === condition.value;
    case 'regex':
      return fullMatch(condition.value, path);
  }
}

/** `/a/` → `/a`: the prefix a prefix rewrite strips, before its optional '/'. */
function strippedPrefix(matched: string): string {
  return matched.endsWith('/') ? matched.slice(0, -1) : matched;
}

/**
 * The condition on the client's path under which the rewritten path satisfies `condition`; undefined when no
 * path can. Path normalisation merges slashes before routing, so the rest after a stripped prefix never starts
 * with '/'. A regex seen through a prefix rewrite cannot be expressed in RE2 (no look-ahead), so such a
 * service route is left out, as is a regex JavaScript cannot evaluate against an exact rewrite.
 */
export function throughRewrite(condition: PathCondition, rewrite: PathRewrite): PathCondition | undefined {
  if (condition.kind === 'any' || rewrite.kind === 'none') return condition;
  if (rewrite.kind === 'exact') return holdsFor(condition, rewrite.path) === true ? anyPath : undefined;
  const { matched, replacement } = rewrite;
  if (condition.kind === 'regex') return undefined;
  if (condition.kind === 'prefix' && replacement.startsWith(condition.value)) return anyPath;
  if (!condition.value.startsWith(replacement)) return undefined;
  const rest = condition.value.slice(replacement.length);
  if (rest.startsWith('/')) return undefined;
  if (matched.endsWith('/')) {
    return { kind: condition.kind, value: matched + rest };
  }
  const tail = condition.kind === 'prefix' ? '.*' : '';
  return { kind: 'regex', value: `${escapeRegex(matched)}/?${escapeRegex(rest)}${tail}` };
}

/** The rewrite as Envoy's regex_rewrite (RE2 substitution: `\` must be doubled). */
export function regexRewrite(
  rewrite: PathRewrite,
): { pattern: { regex: string }; substitution: string } | undefined {
  const substitution = (text: string) => text.replace(/\\/g, '\\\\');
  switch (rewrite.kind) {
    case 'none':
      return undefined;
    case 'prefix':
      return {
        pattern: { regex: `^${escapeRegex(strippedPrefix(rewrite.matched))}/?` },
        substitution: substitution(rewrite.replacement),
      };
    case 'exact':
      return { pattern: { regex: '^.*$' }, substitution: substitution(rewrite.path) };
  }
}

/** A condition as a `:path` header matcher (`:path` carries the query string, hence the optional tail). */
function pathHeader(condition: PathCondition): HeaderMatcher[] {
  switch (condition.kind) {
    case 'any':
      return [];
    case 'prefix':
      return [{ name: ':path', string_match: { prefix: condition.value } }];
    case 'exact':
      return [
        { name: ':path', string_match: { safe_regex: { regex: `${escapeRegex(condition.value)}(\\?.*)?` } } },
      ];
    case 'regex':
      return [{ name: ':path', string_match: { safe_regex: { regex: `(?:${condition.value})(\\?.*)?` } } }];
  }
}

function specifier(condition: PathCondition): RouteMatch {
  switch (condition.kind) {
    case 'any':
      return { prefix: '/' };
    case 'prefix':
      return { prefix: condition.value };
    case 'exact':
      return { path: condition.value };
    case 'regex':
      return { safe_regex: { regex: condition.value } };
  }
}

const specificity = { exact: 0, regex: 1, prefix: 2, any: 3 } as const;

/**
 * Both conditions as one RouteMatch path specifier plus `:path` header matchers; undefined when no path
 * satisfies both. Decidable pairs are folded into one specifier; otherwise the more specific condition is the
 * specifier and the other a header matcher.
 */
export function joinPaths(a: PathCondition, b: PathCondition): RouteMatch | undefined {
  const [main, other] = specificity[a.kind] <= specificity[b.kind] ? [a, b] : [b, a];
  if (other.kind === 'any') return specifier(main);
  if (main.kind === 'exact') {
    const holds = holdsFor(other, main.value);
    if (holds === false) return undefined;
    if (holds === true) return specifier(main);
  }
  if (main.kind === 'prefix' && other.kind === 'prefix') {
    if (main.value.startsWith(other.value)) return specifier(main);
    if (other.value.startsWith(main.value)) return specifier(other);
    return undefined;
  }
  if (main.kind === 'regex' && other.kind === 'prefix' && impliesPrefix(main.value, other.value)) {
    return specifier(main);
  }
  return { ...specifier(main), headers: pathHeader(other) };
}

/**
 * A fully matched regex that starts with the literal prefix (not followed by a quantifier, which would make
 * its last character optional) and has no alternation only matches paths under that prefix.
 */
function impliesPrefix(regex: string, prefix: string): boolean {
  const literal = escapeRegex(prefix);
  if (!regex.startsWith(literal) || regex.includes('|')) return false;
  const next = regex.charAt(literal.length);
  return next === '' || !'?*+{'.includes(next);
}
