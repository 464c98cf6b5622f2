import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidPathError } from '../http/normalize-path.ts';
import { parseRequestTarget, stripHostPort } from './parse-request-target.ts';

test('strip_any_host_port drops any port; strip_matching_host_port only the listener port', () => {
  assert.equal(stripHostPort('reviews.example.com:8080', 'any'), 'reviews.example.com');
  assert.equal(stripHostPort('reviews.example.com', 'any'), 'reviews.example.com');
  assert.equal(stripHostPort('[::1]:8080', 'any'), '[::1]');
  assert.equal(stripHostPort('reviews.example.com:8080', 8080), 'reviews.example.com');
  assert.equal(stripHostPort('reviews.example.com:9090', 8080), 'reviews.example.com:9090');
  assert.equal(stripHostPort('reviews.example.com:8080', undefined), 'reviews.example.com:8080');
});

test('the stripped authority is what the request carries, from the Host header or an absolute-form target', () => {
  const fromHeader = parseRequestTarget('GET', '/a?b=1', 'Reviews.example.com:8080', 'http', {}, 'any');
  assert.equal(fromHeader.authority, 'Reviews.example.com');
  assert.equal(fromHeader.path, '/a?b=1');
  const absolute = parseRequestTarget('GET', 'http://svc.local:8080/p', 'ignored', 'http', {}, 8080);
  assert.equal(absolute.authority, 'svc.local');
  assert.equal(parseRequestTarget('GET', '/', 'svc.local:8080', 'http', {}).authority, 'svc.local:8080');
});

test('a target with a fragment is refused as an unnormalizable path (Envoy answers 400)', () => {
  for (const target of ['/public/..#', '/a?b#c', 'http://svc.local/a#b', '/#'])
    assert.throws(() => parseRequestTarget('GET', target, 'svc.local', 'http', {}), InvalidPathError, target);
});
