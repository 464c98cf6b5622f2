// WatchedTlsMaterial: file certificates and trust bundles cached, watched and reloaded when replaced by rename or
// rewritten in place; unusable new content keeps the old material; SDS secrets keep their identity until changed.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError } from '../../src/proxy/config/config-error.ts';
import type { SecretConfig } from '../../src/proxy/config/tls-types.ts';
import { WatchedTlsMaterial } from '../../src/proxy/tls/watched-tls-material.ts';
import { createTestPki } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { waitFor } from '../support/wait-for.ts';

let pki: TestPki;
let a: IssuedCertificate;
let b: IssuedCertificate;
let otherCa: TestPki;
before(async () => {
  pki = await createTestPki();
  otherCa = await createTestPki('Other CA');
  a = await pki.issue('a', { dnsNames: ['a.local'] });
  b = await pki.issue('b', { dnsNames: ['b.local'] });
});
after(async () => {
  await pki.cleanup();
  await otherCa.cleanup();
});

let dirs = 0;
function liveDir(): string {
  const dir = join(pki.dir, `live-${dirs++}`);
  mkdirSync(dir);
  return dir;
}

interface Logged {
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function recorder(): {
  logger: { warn: (f: object, m: string) => void; info: (f: object, m: string) => void };
  lines: Logged[];
} {
  const lines: Logged[] = [];
  const push = (fields: object, message: string): void =>
    void lines.push({ fields: fields as Record<string, unknown>, message });
  return { logger: { warn: push, info: push }, lines };
}

test('a certificate replaced by rename (key first, then chain) is reloaded; the mismatched pair in between is not', async (t) => {
  const dir = liveDir();
  const certificateChainPath = join(dir, 'tls.crt');
  const privateKeyPath = join(dir, 'tls.key');
  writeFileSync(certificateChainPath, a.certPem);
  writeFileSync(privateKeyPath, a.keyPem);
  const { logger, lines } = recorder();
  const material = new WatchedTlsMaterial({ logger, pollIntervalMs: 200 });
  t.after(() => material.close());
  let changes = 0;
  material.onChange(() => changes++);
  const source = { kind: 'file', certificateChainPath, privateKeyPath } as const;
  const first = material.certificate(source);
  assert.equal(first.certificateChain, a.certPem);
  assert.equal(material.certificate(source), first, 'cached: the same object while nothing changed');

  writeFileSync(join(dir, 'tls.key.tmp'), b.keyPem);
  renameSync(join(dir, 'tls.key.tmp'), privateKeyPath);
  await waitFor('the mismatched pair noticed', () => lines.some((l) => /cannot be used/.test(l.message)));
  assert.equal(material.certificate(source), first, 'a key that does not match keeps the old pair');
  assert.equal(changes, 0);

  writeFileSync(join(dir, 'tls.crt.tmp'), b.certPem);
  renameSync(join(dir, 'tls.crt.tmp'), certificateChainPath);
  await waitFor('the new pair', () => material.certificate(source) !== first);
  const second = material.certificate(source);
  assert.deepEqual(second, { certificateChain: b.certPem, privateKey: b.keyPem });
  assert.equal(changes, 1);
  assert.equal(material.version, 1);
  for (const l of lines) assert.doesNotMatch(JSON.stringify(l), /PRIVATE KEY|BEGIN/, 'no PEM in logs');
});

test('a certificate rewritten in place: half-written content keeps the old one, the finished file is taken', async (t) => {
  const dir = liveDir();
  const certificateChainPath = join(dir, 'tls.crt');
  const privateKeyPath = join(dir, 'tls.key');
  writeFileSync(certificateChainPath, a.certPem);
  writeFileSync(privateKeyPath, b.keyPem);
  // b's key with a's chain: not usable at start, so the first read is refused clearly.
  const { logger, lines } = recorder();
  const material = new WatchedTlsMaterial({ logger, pollIntervalMs: 200 });
  t.after(() => material.close());
  const source = { kind: 'file', certificateChainPath, privateKeyPath } as const;
  assert.throws(
    () => material.certificate(source),
    (e: unknown) => e instanceof ConfigError && /does not match/.test(e.message),
  );
  writeFileSync(certificateChainPath, b.certPem);
  // A pair refused on first use is not cached: asked again, it is read again.
  const first = material.certificate(source);
  assert.equal(first.certificateChain, b.certPem);

  writeFileSync(certificateChainPath, a.certPem.slice(0, 100));
  await waitFor('the half-written file noticed', () => lines.some((l) => /cannot be used/.test(l.message)));
  assert.equal(material.certificate(source), first);
  writeFileSync(privateKeyPath, a.keyPem);
  writeFileSync(certificateChainPath, a.certPem);
  await waitFor('the rewritten pair', () => material.certificate(source).certificateChain === a.certPem);
  assert.equal(material.certificate(source).privateKey, a.keyPem);
});

test('the stat poll notices a rename without the watcher (inode change), and a trust bundle reloads', async (t) => {
  const dir = liveDir();
  const path = join(dir, 'ca.pem');
  writeFileSync(path, pki.ca.certPem);
  // A settle window longer than the test: only the explicit check below can see the change.
  const material = new WatchedTlsMaterial({ pollIntervalMs: 3_600_000, settleMs: 3_600_000 });
  t.after(() => material.close());
  const source = { kind: 'file', certificateChainPath: path } as const;
  const first = material.trust(source);
  assert.equal(material.check(), false, 'nothing changed yet');
  writeFileSync(join(dir, 'ca.tmp'), otherCa.ca.certPem);
  renameSync(join(dir, 'ca.tmp'), path);
  assert.equal(material.check(), true);
  assert.notEqual(material.trust(source), first);
  assert.equal(material.trust(source).trustedCa, otherCa.ca.certPem);
  writeFileSync(join(dir, 'ca.tmp'), 'not a certificate');
  renameSync(join(dir, 'ca.tmp'), path);
  assert.equal(material.check(), false, 'an invalid bundle is not taken');
  assert.equal(material.trust(source).trustedCa, otherCa.ca.certPem);
});

test('SDS secrets: the same object until the secret changes; file-backed secrets read through the cache; missing is a ConfigError', (t) => {
  const material = new WatchedTlsMaterial();
  t.after(() => material.close());
  const id: SecretConfig = { kind: 'certificate', certificateChain: a.certPem, privateKey: a.keyPem };
  const td: SecretConfig = { kind: 'validation-file', trustedCaPath: pki.ca.certPath };
  assert.equal(
    material.setSecrets(
      new Map<string, SecretConfig>([
        ['id', id],
        ['td', td],
      ]),
    ),
    false,
    'nothing was in use before',
  );
  const cert = material.certificate({ kind: 'sds', secretName: 'id' });
  assert.equal(cert.certificateChain, a.certPem);
  assert.equal(material.trust({ kind: 'sds', secretName: 'td' }).trustedCa, pki.ca.certPem);
  assert.equal(
    material.setSecrets(
      new Map<string, SecretConfig>([
        ['id', id],
        ['td', td],
      ]),
    ),
    false,
    'same objects: no change',
  );
  assert.equal(material.certificate({ kind: 'sds', secretName: 'id' }), cert);
  const rotated: SecretConfig = { kind: 'certificate', certificateChain: b.certPem, privateKey: b.keyPem };
  assert.equal(
    material.setSecrets(
      new Map<string, SecretConfig>([
        ['id', rotated],
        ['td', td],
      ]),
    ),
    true,
  );
  assert.notEqual(material.certificate({ kind: 'sds', secretName: 'id' }), cert);
  assert.throws(
    () => material.certificate({ kind: 'sds', secretName: 'td' }),
    /no such TLS certificate secret/,
  );
  assert.throws(
    () => material.trust({ kind: 'sds', secretName: 'nope' }),
    /no such validation context secret/,
  );
  assert.throws(
    () =>
      material.certificate({
        kind: 'file',
        certificateChainPath: '/nonexistent/c.pem',
        privateKeyPath: '/nonexistent/k.pem',
      }),
    /cannot read \/nonexistent\/c.pem \(ENOENT\)/,
  );
});
