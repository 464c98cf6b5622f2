import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestPki, haveOpenssl, type TestPki } from '../../../test/support/test-pki.ts';
import { matchesSubjectAltNames, parseSubjectAltNames } from './san-match.ts';

test("Node's subjectaltname text splits into DNS and URI names; other kinds are ignored", () => {
  assert.deepEqual(parseSubjectAltNames('DNS:a.local, IP Address:127.0.0.1, URI:spiffe://td/x, DNS:b'), {
    dns: ['a.local', 'b'],
    uri: ['spiffe://td/x'],
  });
  assert.deepEqual(parseSubjectAltNames(undefined), { dns: [], uri: [] });
  assert.deepEqual(parseSubjectAltNames(''), { dns: [], uri: [] });
});

test('a quoted value holding ", URI:" is one DNS name, not a smuggled URI SAN', () => {
  const names = parseSubjectAltNames('DNS:"evil, URI:spiffe://td/admin", URI:spiffe://td/ok');
  assert.deepEqual(names, { dns: ['evil, URI:spiffe://td/admin'], uri: ['spiffe://td/ok'] });
  assert.deepEqual(parseSubjectAltNames('DNS:"unterminated, URI:spiffe://td/admin'), { dns: [], uri: [] });
});

let pki: TestPki | undefined;
before(async () => {
  if (await haveOpenssl()) pki = await createTestPki();
});
after(async () => {
  await pki?.cleanup();
});

test('rules against a real certificate: exact, prefix, DNS wildcard, no SAN at all', async (t) => {
  if (pki === undefined) return t.skip('openssl is not installed');
  const issued = await pki.issue('svc', {
    dnsNames: ['svc.local', '*.wild.local'],
    uris: ['spiffe://switchyard.local/mesh/m/virtualNode/a'],
  });
  const cert = new X509Certificate(issued.certPem);
  const yes = (kind: 'exact' | 'prefix', value: string): void =>
    assert.equal(matchesSubjectAltNames(cert, [{ kind, value }]), true, `${kind} ${value}`);
  const no = (kind: 'exact' | 'prefix', value: string): void =>
    assert.equal(matchesSubjectAltNames(cert, [{ kind, value }]), false, `${kind} ${value}`);
  yes('exact', 'spiffe://switchyard.local/mesh/m/virtualNode/a');
  yes('exact', 'SVC.local');
  yes('exact', 'x.wild.local');
  no('exact', 'a.b.wild.local');
  no('exact', 'wild.local');
  no('exact', 'spiffe://switchyard.local/mesh/m/virtualNode/A');
  no('exact', 'spiffe://switchyard.local/mesh/m/virtualNode');
  yes('prefix', 'spiffe://switchyard.local/mesh/m/');
  yes('prefix', 'svc.');
  no('prefix', 'spiffe://switchyard.local/mesh/other/');
  assert.equal(matchesSubjectAltNames(cert, []), true);
  assert.equal(
    matchesSubjectAltNames(cert, [
      { kind: 'exact', value: 'nope' },
      { kind: 'prefix', value: 'spiffe://switchyard.local/' },
    ]),
    true,
  );
  const bare = new X509Certificate((await pki.issue('bare')).certPem);
  assert.equal(matchesSubjectAltNames(bare, [{ kind: 'prefix', value: '' }]), false);
  assert.equal(matchesSubjectAltNames(bare, []), true);
});
