// `switchyard ca show|rotate|export` as a process against a real control plane; the table is a golden file with
// ARNs, fingerprints and dates masked (regenerate with UPDATE_GOLDEN=1 and review the diff by hand).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { runCli } from './cli-harness.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';

const goldenDir = path.join(import.meta.dirname, 'golden');
let cp: TestControlPlane;

before(async () => {
  cp = await startTestControlPlane();
});
after(async () => {
  await cp.close();
});

/** Replaces what differs per run with a placeholder of the same length, so the table stays aligned. */
function masked(text: string): string {
  const mask = (placeholder: string) => (found: string) => placeholder.padEnd(found.length, '.');
  return text
    .replace(/(?<=certificate-authority\/)[0-9a-f-]{36}/g, mask('<id>'))
    .replace(/(?<=Switchyard CA )[0-9a-f]{8}/g, mask('<id>'))
    .replace(/(?:[0-9A-F]{2}:){31}[0-9A-F]{2}/g, mask('<sha-256>'))
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, mask('<time>'));
}

async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN) await writeFile(file, actual);
  assert.equal(actual, await readFile(file, 'utf8'), `${name} differs (UPDATE_GOLDEN=1 regenerates it)`);
}

test('ca show, rotate, show again, export: the table, the rotation line and the bundle', async () => {
  const shown = await runCli(cp.endpoint, ['ca', 'show']);
  assert.equal(shown.code, 0, shown.stderr);
  const rotated = await runCli(cp.endpoint, ['ca', 'rotate']);
  assert.equal(rotated.code, 0, rotated.stderr);
  const after = await runCli(cp.endpoint, ['ca', 'show']);
  await golden(
    'ca-show.txt',
    masked(
      `$ switchyard ca show\n${shown.stdout}\n$ switchyard ca rotate\n${rotated.stdout}\n$ switchyard ca show\n${after.stdout}`,
    ),
  );

  const json = await runCli(cp.endpoint, ['ca', 'show', '-o', 'json']);
  const document = JSON.parse(json.stdout) as { authorities: { fingerprintSha256: string }[] };
  assert.equal(document.authorities.length, 2);
  assert.doesNotMatch(json.stdout, /PRIVATE KEY|BEGIN CERTIFICATE/);

  const exported = await runCli(cp.endpoint, ['ca', 'export']);
  assert.equal(exported.code, 0, exported.stderr);
  const blocks = exported.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  assert.deepEqual(
    blocks.map((pem) => new X509Certificate(pem).fingerprint256),
    document.authorities.map((a) => a.fingerprintSha256),
  );
  assert.doesNotMatch(exported.stdout, /PRIVATE KEY/);
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-ca-export-'));
  try {
    const out = path.join(dir, 'bundle.pem');
    const written = await runCli(cp.endpoint, ['ca', 'export', '--out', out]);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(await readFile(out, 'utf8'), exported.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ca show --identity prints the names a spec uses for a workload', async () => {
  const result = await runCli(cp.endpoint, ['ca', 'show', '--identity', 'mesh/m/virtualNode/blue']);
  assert.equal(result.code, 0, result.stderr);
  await golden('ca-identity.txt', masked(result.stdout));
  const bad = await runCli(cp.endpoint, ['ca', 'show', '--identity', 'blue']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: --identity must be mesh\/<mesh>\/virtualNode\/<name>/);
});

test('ca show with an unknown output format fails with a hint', async () => {
  const result = await runCli(cp.endpoint, ['ca', 'show', '-o', 'xml']);
  assert.equal(result.code, 1);
  assert.equal(result.stderr, 'error: unknown output format "xml"\nhint: use table, json or yaml\n');
});
