// The replica rotation: parsing the list, moving on after failures, names expanded to every address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ControlPlaneAddresses,
  ControlPlaneAddressError,
  parseControlPlaneAddresses,
} from './control-plane-addresses.ts';

test('a list of host:port entries, IPv6 in brackets, blanks ignored', () => {
  assert.deepEqual(parseControlPlaneAddresses('127.0.0.1:15010, [::1]:15011,,localhost:1'), [
    { host: '127.0.0.1', port: 15010 },
    { host: '::1', port: 15011 },
    { host: 'localhost', port: 1 },
  ]);
});

test('bad entries are refused with the entry named', () => {
  for (const bad of ['', ' , ', 'a', 'a:0', 'a:65536', '::1:80', 'a:b', 'http://a:1', 'a:1,b']) {
    assert.throws(
      () => parseControlPlaneAddresses(bad),
      (error: unknown) => error instanceof ControlPlaneAddressError,
      bad,
    );
  }
  assert.throws(() => parseControlPlaneAddresses('a:1,b'), /got "b"/);
});

test('advance() walks the list and reports each new round', () => {
  const addresses = new ControlPlaneAddresses('127.0.0.1:1,127.0.0.2:2,[::1]:3');
  assert.equal(addresses.current, '127.0.0.1:1');
  assert.equal(addresses.advance(), false);
  assert.equal(addresses.current, '127.0.0.2:2');
  assert.equal(addresses.advance(), false);
  assert.equal(addresses.current, '[::1]:3');
  assert.equal(addresses.advance(), true);
  assert.equal(addresses.current, '127.0.0.1:1');
});

test('a single address: every failure starts a new round (plain back-off)', () => {
  const addresses = new ControlPlaneAddresses('127.0.0.1:15010');
  assert.equal(addresses.advance(), true);
  assert.equal(addresses.advance(), true);
  assert.equal(addresses.current, '127.0.0.1:15010');
});

test('names expand to every address they resolve to; one that does not resolve stays a name', async () => {
  const answers: Record<string, readonly string[]> = {
    'cp.example': ['127.0.0.1', '::1', '127.0.0.1'],
  };
  const addresses = new ControlPlaneAddresses('cp.example:15010,gone.example:15010,127.0.0.9:1', (host) =>
    answers[host] ? Promise.resolve(answers[host]) : Promise.reject(new Error('ENOTFOUND')),
  );
  await addresses.resolve();
  const seen: string[] = [];
  do seen.push(addresses.current);
  while (!addresses.advance());
  assert.deepEqual(seen, ['127.0.0.1:15010', '[::1]:15010', 'gone.example:15010', '127.0.0.9:1']);
  // A later round follows DNS: a replica removed from the name is no longer tried.
  answers['cp.example'] = ['::1'];
  await addresses.resolve();
  assert.equal(addresses.current, '[::1]:15010');
  assert.equal(addresses.size, 3);
});

test('localhost resolves through the system resolver', async () => {
  const addresses = new ControlPlaneAddresses('localhost:15010');
  await addresses.resolve();
  assert.match(addresses.current, /^(127\.0\.0\.1|\[::1\]):15010$/);
});
