import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidPathError, normalizePath, type PathNormalization } from './normalize-path.ts';

const both: PathNormalization = { normalizePath: true, mergeSlashes: true };
const rfcOnly: PathNormalization = { normalizePath: true, mergeSlashes: false };
const mergeOnly: PathNormalization = { normalizePath: false, mergeSlashes: true };
const none: PathNormalization = { normalizePath: false, mergeSlashes: false };

// Inputs and answers of Envoy's own path_utility tests (PathUtil::canonicalPath, PathUtil::mergeSlashes).
const envoyCanonical: [string, string][] = [
  ['/xyz', '/xyz'],
  ['/x/y/z', '/x/y/z'],
  ['/a/b/../c', '/a/c'],
  ['/a/b/./c', '/a/b/c'],
  ['/a/b/../../../../c', '/c'],
  ['/a/..\\c', '/c'],
  ['/%c0%af', '/%c0%af'],
  ['/%5c%25', '/%5c%25'],
  ['/a/b/%2E%2E/c', '/a/c'],
  ['/a/b/%2e%2e/c', '/a/c'],
  ['/A/B/C', '/A/B/C'],
  ['/a/%2F%2f/c', '/a/%2F%2f/c'],
  ['/xyz/..;foo=bar/abc', '/abc'],
  ['/..;foo=bar/abc', '/abc'],
  ['/xyz/..;foo=bar', '/'],
  ['/xyz/.;foo=bar/abc', '/xyz/abc'],
  ['/.;foo=bar/abc', '/abc'],
  ['/xyz/.;foo=bar', '/xyz/'],
  ['/xyz/..;foo=bar/.;v1=2,v2=3/abc', '/abc'],
  ['/..;foo=bar/abc/.;mmm', '/abc/'],
  ['/xyz/..;foo=bar/.;fff=zzz/remain;blah-bluh', '/remain;blah-bluh'],
  ['/xyz/...;foo', '/xyz/...;foo'],
];

const envoyMergeSlashes: [string, string][] = [
  ['/a//b/c/', '/a/b/c/'],
  ['/a', '/a'],
  ['//a/b/c', '/a/b/c'],
  ['/a/b/c//', '/a/b/c/'],
  ['/a////b/c', '/a/b/c'],
];

test("RFC 3986 normalization answers as Envoy's canonicalPath does", () => {
  for (const [input, expected] of envoyCanonical)
    assert.equal(normalizePath(input, rfcOnly), expected, input);
});

test("slash merging answers as Envoy's mergeSlashes does, and only when asked", () => {
  for (const [input, expected] of envoyMergeSlashes) {
    assert.equal(normalizePath(input, mergeOnly), expected, input);
    assert.equal(normalizePath(input, none), input, input);
  }
  assert.equal(normalizePath('/a//b', rfcOnly), '/a//b');
});

test('the issue 14.1 inputs: dot segments, escaped dots and doubled slashes cannot escape a prefix', () => {
  const table: [string, string][] = [
    ['/public/../secret', '/secret'],
    ['/public/%2e%2e/secret', '/secret'],
    ['/public/.%2E/secret', '/secret'],
    ['/public/..%2fsecret', '/public/..%2fsecret'],
    ['/public//x', '/public/x'],
    ['//public/x', '/public/x'],
    ['/public/./x/', '/public/x/'],
    ['/public/%78', '/public/x'],
    ['/%7Euser/%2D%5F', '/~user/-_'],
    ['/public/..', '/'],
    ['/../..', '/'],
    ['/', '/'],
    ['/a%', '/a%'],
    ['/a%4', '/a%4'],
    ['/a%zz', '/a%zz'],
  ];
  for (const [input, expected] of table) assert.equal(normalizePath(input, both), expected, input);
});

test('an escaped NUL cannot be normalized (Envoy answers 400); targets that are not paths are left alone', () => {
  for (const bad of ['/xyz/.%00../abc', '/xyz/%00.%00./abc', '/xyz/AAAAA%%0000/abc'])
    assert.throws(() => normalizePath(bad, rfcOnly), InvalidPathError, bad);
  assert.equal(normalizePath('/xyz/%00', none), '/xyz/%00');
  assert.equal(normalizePath('*', both), '*');
});

test('a path with nothing to normalize is returned as the same string', () => {
  const path = '/api/v1/items/42';
  assert.equal(normalizePath(path, both), path);
});
