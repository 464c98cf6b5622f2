// The built-in CA against a real SQLite store and the openssl CLI: one root shared through the store, leaves
// that verify, renewal at two thirds of the life and rotation on a manual clock, the operator's CA checked.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ManualClock } from '../proxy/clock.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { createTestPki, haveOpenssl } from '../../test/support/test-pki.ts';
import type { CaClock } from './ca-clock.ts';
import { CaConfigError, loadOperatorAuthority } from './certificate-authority.ts';
import { IdentityIssuer } from './identity-issuer.ts';
import { MeshCa, RotationRefusedError } from './mesh-ca.ts';

const run = promisify(execFile);
const scope = { region: 'us-east-1', accountId: '111122223333' };
const hourMs = 3_600_000;
const spiffeId = 'spiffe://switchyard.local/mesh/demo/virtualNode/blue';

/** A ManualClock on the wall-clock scale: certificates carry real dates. */
function manualCaClock(): { clock: CaClock; manual: ManualClock } {
  const manual = new ManualClock();
  const startMs = Date.now();
  return {
    manual,
    clock: { now: () => startMs + manual.now(), setTimer: (fn, ms) => manual.setTimer(fn, ms) },
  };
}

async function openStore(t: TestContext): Promise<{ dataDir: string; reopen: () => Promise<SqliteStore> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-ca-'));
  const open: SqliteStore[] = [];
  t.after(async () => {
    for (const store of open) await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir,
    reopen: async () => {
      for (const store of open.splice(0)) await store.close();
      const store = await SqliteStore.open({ dataDir, onWarning: () => undefined });
      open.push(store);
      return store;
    },
  };
}

test('the first start makes one root, kept in the store: a restart and a second CA on the store sign with it', async (t) => {
  const { dataDir, reopen } = await openStore(t);
  const { clock } = manualCaClock();
  let store = await reopen();
  const first = await MeshCa.open({ store, clock, scope, certTtlMs: 24 * hourMs });
  const second = await MeshCa.open({ store, clock, scope, certTtlMs: 24 * hourMs });
  t.after(() => (first.close(), second.close()));
  const root = first.signer();
  assert.equal(second.signer().id, root.id, 'a second replica adopts the stored root');
  assert.match(root.arn, /^arn:aws:acm-pca:us-east-1:111122223333:certificate-authority\/[0-9a-f-]{36}$/);
  assert.equal(root.certificate.ca, true);
  assert.equal(root.certificate.checkIssued(root.certificate), true, 'self-signed');
  assert.ok(Date.parse(root.certificate.validTo) - clock.now() > 9 * 365 * 24 * hourMs, 'a long life');
  assert.equal(root.privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

  store = await reopen();
  const restarted = await MeshCa.open({ store, clock, scope, certTtlMs: 24 * hourMs });
  t.after(() => restarted.close());
  assert.equal(restarted.signer().id, root.id);
  assert.equal(restarted.signer().certificatePem, root.certificatePem);
  assert.equal((await store.listAuthorities()).length, 1);

  // The key lives in the database file, which stays private; no key file is written anywhere.
  for (const name of await readdir(dataDir)) {
    assert.doesNotMatch(name, /\.(key|pem)$/);
    if (name.startsWith('switchyard.db'))
      assert.equal((await stat(join(dataDir, name))).mode & 0o777, 0o600, name);
  }
});

test('an issued certificate verifies against the root (node:crypto and openssl) and names the workload', async (t) => {
  const { reopen } = await openStore(t);
  const { clock } = manualCaClock();
  const ca = await MeshCa.open({ store: await reopen(), clock, scope, certTtlMs: 24 * hourMs });
  t.after(() => ca.close());
  const issued = new IdentityIssuer(ca, clock).certificateFor({
    spiffeId,
    commonName: 'blue',
    dnsNames: ['blue.demo.local', 'colors.demo.local'],
  });
  const leaf = new X509Certificate(issued.certificateChainPem);
  const root = new X509Certificate(ca.trustBundlePem());
  assert.equal(leaf.verify(root.publicKey), true);
  assert.equal(leaf.checkIssued(root), true);
  assert.equal(leaf.ca, false);
  assert.equal(leaf.subject, 'CN=blue');
  assert.equal(leaf.subjectAltName, `URI:${spiffeId}, DNS:blue.demo.local, DNS:colors.demo.local`);
  assert.equal(
    leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(issued.privateKeyPem)),
    true,
  );
  const lifeMs = Date.parse(leaf.validTo) - clock.now();
  assert.ok(lifeMs > 24 * hourMs - 2000 && lifeMs <= 24 * hourMs, `life ${lifeMs}`);
  assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

  if (!(await haveOpenssl())) return t.skip('openssl is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-ca-verify-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'root.pem'), ca.trustBundlePem());
  await writeFile(join(dir, 'leaf.pem'), issued.certificateChainPem);
  for (const purpose of ['sslserver', 'sslclient']) {
    const { stdout } = await run('openssl', [
      'verify',
      '-purpose',
      purpose,
      '-CAfile',
      join(dir, 'root.pem'),
      join(dir, 'leaf.pem'),
    ]);
    assert.equal(stdout.trim(), `${join(dir, 'leaf.pem')}: OK`);
  }
});

test('a certificate is reused until two thirds of its life, then re-issued (manual clock)', async (t) => {
  const { reopen } = await openStore(t);
  const { clock, manual } = manualCaClock();
  const ca = await MeshCa.open({ store: await reopen(), clock, scope, certTtlMs: 30_000 });
  t.after(() => ca.close());
  const issuer = new IdentityIssuer(ca, clock);
  const request = { spiffeId, commonName: 'blue', dnsNames: [] };
  const first = issuer.certificateFor(request);
  assert.equal(first.renewAtMs - clock.now(), 20_000);
  manual.advance(19_999);
  assert.equal(issuer.certificateFor(request), first, 'still inside two thirds of its life');
  manual.advance(1);
  const second = issuer.certificateFor(request);
  assert.notEqual(second.certificateChainPem, first.certificateChainPem);
  assert.notEqual(second.privateKeyPem, first.privateKeyPem, 'a fresh key per issuance');
  assert.equal(second.notAfterMs, clock.now() + 30_000);
  // New names are a new certificate at once.
  const third = issuer.certificateFor({ ...request, dnsNames: ['blue.demo.local'] });
  assert.notEqual(third, second);
  assert.match(new X509Certificate(third.certificateChainPem).subjectAltName ?? '', /DNS:blue\.demo\.local/);
});

test('rotation: the new root is trusted first, signs after the lead, the old one leaves after a certificate life', async (t) => {
  const { reopen } = await openStore(t);
  const { clock, manual } = manualCaClock();
  const certTtlMs = 60_000;
  const store = await reopen();
  const ca = await MeshCa.open({ store, clock, scope, certTtlMs, trustLeadMs: 5_000, pollMs: 1_000_000 });
  t.after(() => ca.close());
  const issuer = new IdentityIssuer(ca, clock);
  const request = { spiffeId, commonName: 'blue', dnsNames: [] };
  const old = ca.signer();
  const before = issuer.certificateFor(request);
  let changes = 0;
  ca.onChange(() => changes++);

  const next = await ca.rotate();
  assert.equal(changes, 1);
  assert.deepEqual(
    ca.views().map((v) => v.state),
    ['active', 'next'],
  );
  assert.equal(ca.signer().id, old.id, 'not signing during the trust lead');
  assert.equal(ca.trustBundlePem(), old.certificatePem + next.certificatePem, 'both roots trusted');
  assert.equal(issuer.certificateFor(request), before);

  manual.advance(5_000);
  assert.equal(changes, 2, 'the activation is a change');
  assert.deepEqual(
    ca.views().map((v) => v.state),
    ['previous', 'active'],
  );
  const after = issuer.certificateFor(request);
  assert.notEqual(after, before, 're-issued under the new root at once');
  assert.equal(new X509Certificate(after.certificateChainPem).checkIssued(next.certificate), true);
  assert.equal(ca.trustBundlePem(), old.certificatePem + next.certificatePem);

  manual.advance(certTtlMs - 1);
  assert.equal(ca.views()[0]?.state, 'previous', 'a certificate of the old root may still be alive');
  manual.advance(1);
  assert.equal(changes, 3);
  assert.deepEqual(
    ca.views().map((v) => v.state),
    ['retired', 'active'],
  );
  assert.equal(ca.trustBundlePem(), next.certificatePem);

  // Another replica on the same store sees the rotation when it polls.
  const replica = await MeshCa.open({ store, clock, scope, certTtlMs });
  t.after(() => replica.close());
  assert.equal(replica.signer().id, next.id);
});

test('a replica learns of a rotation made elsewhere by polling the store', async (t) => {
  const { reopen } = await openStore(t);
  const { clock, manual } = manualCaClock();
  const store = await reopen();
  const a = await MeshCa.open({ store, clock, scope, certTtlMs: 60_000, trustLeadMs: 0, pollMs: 1_000_000 });
  const b = await MeshCa.open({ store, clock, scope, certTtlMs: 60_000, pollMs: 2_000 });
  t.after(() => (a.close(), b.close()));
  let changed: () => void = () => undefined;
  const seen = new Promise<void>((resolve) => (changed = resolve));
  b.onChange(() => changed());
  const rotated = await a.rotate();
  manual.advance(2_000);
  await seen;
  assert.equal(b.signer().id, rotated.id);
});

test('the operator’s CA: a matching CA pair signs; a wrong key, a leaf or garbage is refused in one line', async (t) => {
  if (!(await haveOpenssl())) return t.skip('openssl is not installed');
  const pki = await createTestPki('Operator Root');
  t.after(() => pki.cleanup());
  const leaf = await pki.issue('not-a-ca');
  const { clock } = manualCaClock();
  const operator = loadOperatorAuthority(scope, pki.ca.certPem, pki.ca.keyPem, clock.now());
  assert.equal(operator.source, 'operator');
  assert.match(operator.arn, /certificate-authority\/[0-9a-f-]{36}$/);
  assert.equal(
    loadOperatorAuthority(scope, pki.ca.certPem, pki.ca.keyPem, clock.now()).arn,
    operator.arn,
    'the same ARN on every replica',
  );
  const { reopen } = await openStore(t);
  const store = await reopen();
  const ca = await MeshCa.open({ store, clock, scope, certTtlMs: hourMs, operator });
  t.after(() => ca.close());
  assert.deepEqual(await store.listAuthorities(), [], 'the operator’s key is not copied into the store');
  const issued = new IdentityIssuer(ca, clock).certificateFor({ spiffeId, commonName: 'blue', dnsNames: [] });
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-ca-op-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'leaf.pem'), issued.certificateChainPem);
  const { stdout } = await run('openssl', ['verify', '-CAfile', pki.ca.certPath, join(dir, 'leaf.pem')]);
  assert.match(stdout, /: OK$/m);
  await assert.rejects(ca.rotate(), RotationRefusedError);

  const refused = (cert: string, key: string, message: RegExp) =>
    assert.throws(
      () => loadOperatorAuthority(scope, cert, key, clock.now()),
      (error: unknown) => {
        assert.ok(error instanceof CaConfigError);
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /\n|PRIVATE KEY/);
        return true;
      },
    );
  refused(pki.ca.certPem, leaf.keyPem, /--ca-key does not match/);
  refused(leaf.certPem, leaf.keyPem, /not a CA certificate/);
  refused('hello', pki.ca.keyPem, /holds no PEM certificate/);
  refused(pki.ca.certPem, 'hello', /--ca-key is not a readable/);
});

test('an operator intermediate: leaves carry it in their chain and verify up to the operator’s root', async (t) => {
  if (!(await haveOpenssl())) return t.skip('openssl is not installed');
  const pki = await createTestPki('Operator Root');
  t.after(() => pki.cleanup());
  const intermediate = await pki.issue('Operator Intermediate', { ca: true });
  const { clock } = manualCaClock();
  const operator = loadOperatorAuthority(
    scope,
    intermediate.certPem + pki.ca.certPem,
    intermediate.keyPem,
    clock.now(),
  );
  assert.equal(operator.trustPem, pki.ca.certPem, 'peers trust the self-signed top of the file');
  assert.equal(operator.chainPem, intermediate.certPem);
  const { reopen } = await openStore(t);
  const ca = await MeshCa.open({ store: await reopen(), clock, scope, certTtlMs: hourMs, operator });
  t.after(() => ca.close());
  assert.equal(ca.trustBundlePem(), pki.ca.certPem);
  const issued = new IdentityIssuer(ca, clock).certificateFor({ spiffeId, commonName: 'blue', dnsNames: [] });
  const blocks = issued.certificateChainPem.match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  );
  assert.equal(blocks?.length, 2, 'leaf, then the intermediate');
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-ca-int-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'leaf.pem'), `${blocks[0]}\n`);
  await writeFile(join(dir, 'chain.pem'), `${blocks[1]}\n`);
  const { stdout } = await run('openssl', [
    'verify',
    '-CAfile',
    pki.ca.certPath,
    '-untrusted',
    join(dir, 'chain.pem'),
    join(dir, 'leaf.pem'),
  ]);
  assert.match(stdout, /leaf\.pem: OK$/m);
});
