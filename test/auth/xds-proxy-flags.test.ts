// `switchyard proxy`'s authentication flags refuse bad combinations and files at start, in one line, never
// printing a token.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { spawnSwitchyard, waitForExit } from '../support/switchyard-process.ts';

let dir: string;
before(async () => {
  dir = await makeTempDir('proxy-flags');
});
after(async () => {
  await removeDir(dir);
});

async function refusal(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const proc = spawnSwitchyard(
    [
      'proxy',
      '--node',
      'mesh/m/virtualNode/n',
      '--xds-addr',
      '127.0.0.1:1',
      '--admin-addr',
      '127.0.0.1:0',
      ...args,
    ],
    env,
  );
  // Refused flags end the process by themselves.
  const code = await waitForExit(proc.child);
  assert.equal(code, 1, proc.stderr());
  return proc.stderr();
}

test('bad token and xDS TLS flags stop the proxy at start with the problem named', async () => {
  const token = path.join(dir, 'n.token');
  await writeFile(token, 'syt1.secret-value.sig', { mode: 0o600 });
  const empty = path.join(dir, 'empty.token');
  await writeFile(empty, '\n', { mode: 0o600 });
  const spaced = path.join(dir, 'spaced.token');
  await writeFile(spaced, 'syt1.a b.c', { mode: 0o600 });
  assert.match(await refusal(['--token-file', empty]), /token file .*empty\.token is empty/);
  const withSpace = await refusal(['--token-file', spaced]);
  assert.match(withSpace, /holds spaces or characters other than visible ASCII/);
  assert.ok(!withSpace.includes('syt1.a'), 'the content is not printed');
  assert.match(await refusal(['--token-file', path.join(dir, 'missing.token')]), /cannot read token file/);
  assert.match(
    await refusal(['--token-file', token], { SWITCHYARD_TOKEN: 'syt1.other.sig' }),
    /SWITCHYARD_TOKEN both give a token: give one/,
  );
  assert.match(
    await refusal(['--xds-ca', token, '--xds-cert', token]),
    /--xds-cert and --xds-key go together/,
  );
  assert.match(await refusal(['--xds-cert', token, '--xds-key', token]), /--xds-cert needs --xds-ca/);
  assert.match(await refusal(['--xds-ca', token]), /--xds-ca: .* is not a PEM file/);
});
