// Path conditions seen through gateway rewrites and joined into one RouteMatch, checked against what actually
// happens to sample paths when the rewrite is applied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteMatch } from './envoy-types.ts';
import {
  joinPaths,
  prefixCondition,
  regexRewrite,
  throughRewrite,
  type PathCondition,
  type PathRewrite,
} from './path-condition.ts';

/** Evaluates a RouteMatch's path specifier and `:path` header matchers the way Envoy would. */
function matches(match: RouteMatch, path: string): boolean {
  const full = (regex: string, value: string) => new RegExp(`^(?:${regex})$`).test(value);
  if (match.path != null && match.path !== path) return false;
  if (match.prefix != null && !path.startsWith(match.prefix)) return false;
  if (match.safe_regex != null && !full(match.safe_regex.regex!, path)) return false;
  for (const header of match.headers ?? []) {
    assert.equal(header.name, ':path');
    const sm = header.string_match!;
    if (sm.prefix != null && !path.startsWith(sm.prefix)) return false;
    if (sm.safe_regex != null && !full(sm.safe_regex.regex!, path)) return false;
  }
  return true;
}

function holds(condition: PathCondition, path: string): boolean {
  const match = joinPaths(condition, { kind: 'any' });
  return match !== undefined && matches(match, path);
}

/** Applies the rewrite as Envoy's regex_rewrite does (RE2 GlobalReplace, `\\` for a backslash). */
function rewritten(rewrite: PathRewrite, path: string): string {
  const r = regexRewrite(rewrite);
  if (!r) return path;
  return path.replace(new RegExp(r.pattern.regex, 'g'), r.substitution.replace(/\\\\/g, '\\'));
}

const samplePaths = [
  '/',
  '/catalog',
  '/catalog/',
  '/catalog/items',
  '/catalog/items/7',
  '/catalogitems/7',
  '/catalog/other',
  '/store/',
  '/store/items',
  '/store/a/b',
  '/items/1',
  '/reviews',
  '/legacy/reviews',
];

const serviceConditions: PathCondition[] = [
  { kind: 'any' },
  prefixCondition('/items'),
  prefixCondition('/items/'),
  prefixCondition('/v2/'),
  prefixCondition('/other'),
  { kind: 'exact', value: '/' },
  { kind: 'exact', value: '/items' },
  { kind: 'exact', value: '/v2/items' },
  { kind: 'regex', value: '/reviews' },
];

const gatewayRewrites: [PathCondition, PathRewrite][] = [
  [prefixCondition('/catalog'), { kind: 'prefix', matched: '/catalog', replacement: '/' }],
  [prefixCondition('/catalog/'), { kind: 'prefix', matched: '/catalog/', replacement: '/' }],
  [prefixCondition('/store/'), { kind: 'prefix', matched: '/store/', replacement: '/items/' }],
  [prefixCondition('/catalog'), { kind: 'prefix', matched: '/catalog', replacement: '/v2/' }],
  [prefixCondition('/catalog'), { kind: 'none' }],
  [
    { kind: 'exact', value: '/legacy/reviews' },
    { kind: 'exact', path: '/reviews' },
  ],
  [
    { kind: 'regex', value: '/legacy/.*' },
    { kind: 'exact', path: '/items' },
  ],
];

test('a service condition seen through a rewrite holds exactly when it holds for the rewritten path', () => {
  for (const [gatewayPath, rewrite] of gatewayRewrites) {
    for (const service of serviceConditions) {
      const carried = throughRewrite(service, rewrite);
      // Regexes behind a prefix rewrite are not expressible; the route is left out instead.
      if (service.kind === 'regex' && rewrite.kind === 'prefix') {
        assert.equal(carried, undefined);
        continue;
      }
      const joined = carried && joinPaths(gatewayPath, carried);
      for (const path of samplePaths) {
        const expected = holds(gatewayPath, path) && holds(service, rewritten(rewrite, path));
        const actual = joined !== undefined && matches(joined, path);
        const label = `${JSON.stringify(gatewayPath)} ${JSON.stringify(rewrite)} ${JSON.stringify(service)} ${path}`;
        assert.equal(actual, expected, label);
      }
    }
  }
});

test('default prefix rewrite: the matched prefix and the slash after it become "/"', () => {
  const rewrite: PathRewrite = { kind: 'prefix', matched: '/chapter', replacement: '/' };
  assert.equal(rewritten(rewrite, '/chapter/1'), '/1');
  assert.equal(rewritten(rewrite, '/chapter'), '/');
  assert.deepEqual(regexRewrite(rewrite), { pattern: { regex: '^/chapter/?' }, substitution: '/' });
  const value: PathRewrite = { kind: 'prefix', matched: '/store/', replacement: '/items/' };
  assert.equal(rewritten(value, '/store/a/b'), '/items/a/b');
});

test('rewrites escape regex metacharacters in the prefix and backslashes in the replacement', () => {
  assert.deepEqual(regexRewrite({ kind: 'prefix', matched: '/a.b+', replacement: '/x\\y/' }), {
    pattern: { regex: '^/a\\.b\\+/?' },
    substitution: '/x\\\\y/',
  });
  assert.deepEqual(regexRewrite({ kind: 'exact', path: '/new' }), {
    pattern: { regex: '^.*$' },
    substitution: '/new',
  });
  assert.equal(regexRewrite({ kind: 'none' }), undefined);
});

test('joined prefixes fold into the longer one, or nothing when they diverge', () => {
  assert.deepEqual(joinPaths(prefixCondition('/a'), prefixCondition('/a/b')), { prefix: '/a/b' });
  assert.deepEqual(joinPaths(prefixCondition('/a/b'), prefixCondition('/a')), { prefix: '/a/b' });
  assert.equal(joinPaths(prefixCondition('/a'), prefixCondition('/b')), undefined);
  assert.deepEqual(joinPaths({ kind: 'any' }, { kind: 'any' }), { prefix: '/' });
});

test('an exact path is checked against the other condition at translation time', () => {
  assert.deepEqual(joinPaths({ kind: 'exact', value: '/a/b' }, prefixCondition('/a')), { path: '/a/b' });
  assert.equal(joinPaths({ kind: 'exact', value: '/a/b' }, prefixCondition('/c')), undefined);
  assert.deepEqual(joinPaths({ kind: 'exact', value: '/v1' }, { kind: 'regex', value: '/v[0-9]' }), {
    path: '/v1',
  });
  assert.equal(joinPaths({ kind: 'exact', value: '/vx' }, { kind: 'regex', value: '/v[0-9]' }), undefined);
});

test('a regex and a prefix: the prefix becomes a :path header unless the regex implies it', () => {
  assert.deepEqual(joinPaths(prefixCondition('/api'), { kind: 'regex', value: '/v[0-9]+/.*' }), {
    safe_regex: { regex: '/v[0-9]+/.*' },
    headers: [{ name: ':path', string_match: { prefix: '/api' } }],
  });
  assert.deepEqual(joinPaths(prefixCondition('/api'), { kind: 'regex', value: '/api/?v[0-9]' }), {
    safe_regex: { regex: '/api/?v[0-9]' },
  });
  // A quantifier after the literal makes its last character optional, so the prefix must stay.
  assert.ok(joinPaths(prefixCondition('/api'), { kind: 'regex', value: '/api?x' })!.headers);
  assert.ok(joinPaths(prefixCondition('/api'), { kind: 'regex', value: '/api/x|/other' })!.headers);
});

test('two regexes: one is the path specifier, the other a :path header that allows a query string', () => {
  const joined = joinPaths({ kind: 'regex', value: '/a/.*' }, { kind: 'regex', value: '.*/b' })!;
  assert.deepEqual(joined, {
    safe_regex: { regex: '/a/.*' },
    headers: [{ name: ':path', string_match: { safe_regex: { regex: '(?:.*/b)(\\?.*)?' } } }],
  });
  assert.ok(new RegExp(`^(?:${joined.headers![0]!.string_match!.safe_regex!.regex})$`).test('/a/x/b?q=1'));
});
