// The CA's control-plane flags as a process: the operator's CA is used when the pair is good, and every bad
// --ca-cert/--ca-key/--cert-ttl/--trust-domain is one stderr line and exit 1, before anything is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { makeTempDir, removeDir, startControlPlaneProcess } from '../support/control-plane-launcher.ts';
import { spawnSwitchyard } from '../support/switchyard-process.ts';
import { createTestPki, haveOpenssl } from '../support/test-pki.ts';

async function refused(args: readonly string[]): Promise<string> {
  const dataDir = await makeTempDir('ca-flags');
  try {
    const proc = spawnSwitchyard([
      'control-plane',
      '--api-addr',
      '127.0.0.1:0',
      '--xds-addr',
      '127.0.0.1:0',
      '--data-dir',
      dataDir,
      ...args,
    ]);
    const code = await new Promise<number | null>((resolve) => proc.child.once('close', resolve));
    assert.equal(code, 1, proc.stderr());
    assert.equal(proc.stderr().split('\n').length, 2, `one line: ${proc.stderr()}`);
    assert.deepEqual(await readdir(dataDir), [], 'nothing was written');
    return proc.stderr().trim();
  } finally {
    await removeDir(dataDir);
  }
}

test('bad CA flags are refused in one line', async (t) => {
  assert.equal(
    await refused(['--cert-ttl', '5s']),
    'switchyard control-plane: --cert-ttl must be a duration from 10s to 365d such as 24h, 90m or 10s, got "5s"',
  );
  assert.match(
    await refused(['--trust-domain', 'Bad Domain']),
    /--trust-domain may hold only lowercase letters.*SPIFFE trust domain/,
  );
  assert.match(await refused(['--ca-cert', '/nonexistent.pem']), /--ca-cert and --ca-key go together/);
  assert.match(
    await refused(['--ca-cert', '/nonexistent.pem', '--ca-key', '/nonexistent.key']),
    /^switchyard control-plane: cannot read --ca-cert \/nonexistent\.pem: ENOENT/,
  );
  if (!(await haveOpenssl())) return t.skip('openssl is not installed');
  const pki = await createTestPki('Operator Root');
  try {
    const leaf = await pki.issue('leaf');
    assert.equal(
      await refused(['--ca-cert', pki.ca.certPath, '--ca-key', leaf.keyPath]),
      'switchyard control-plane: --ca-key does not match the public key of --ca-cert',
    );
    assert.equal(
      await refused(['--ca-cert', leaf.certPath, '--ca-key', leaf.keyPath]),
      'switchyard control-plane: --ca-cert is not a CA certificate (basicConstraints CA:TRUE is missing)',
    );
  } finally {
    await pki.cleanup();
  }
});

test('the operator’s CA signs when the pair is good; rotation is refused with what to do instead', async (t) => {
  if (!(await haveOpenssl())) return t.skip('openssl is not installed');
  const pki = await createTestPki('Operator Root');
  const cp = await startControlPlaneProcess({
    args: ['--ca-cert', pki.ca.certPath, '--ca-key', pki.ca.keyPath],
  });
  try {
    const shown = (await (await fetch(`${cp.endpoint}/switchyard/v1/ca`)).json()) as {
      authorities: { source: string; subject: string; state: string }[];
      trustBundlePem: string;
    };
    assert.deepEqual(
      shown.authorities.map(({ source, subject, state }) => ({ source, subject, state })),
      [{ source: 'operator', subject: 'CN=Operator Root', state: 'active' }],
    );
    assert.equal(shown.trustBundlePem, pki.ca.certPem);
    const rotate = await fetch(`${cp.endpoint}/switchyard/v1/ca/rotate`, { method: 'POST' });
    assert.equal(rotate.status, 409);
    assert.match(((await rotate.json()) as { message: string }).message, /replace those files and restart/);
  } finally {
    await cp.stop();
    await removeDir(cp.dataDir);
    await pki.cleanup();
  }
});
