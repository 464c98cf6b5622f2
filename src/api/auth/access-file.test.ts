// The access file: YAML or JSON, validated with messages that name fields and never secrets, mode 0600 only.

import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { signingKey } from '../../util/sigv4.ts';
import { AccessFileError, loadAccessFile } from './access-file.ts';

const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-access-file-'));
after(() => rm(dir, { recursive: true, force: true }));

const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const allowAll = { Statement: [{ Effect: 'Allow', Action: 'appmesh:*', Resource: '*' }] };

async function fileWith(text: string, mode = 0o600): Promise<string> {
  const file = path.join(dir, `access-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text, { mode });
  await chmod(file, mode);
  return file;
}

async function refusedWith(text: string, pattern: RegExp, mode = 0o600): Promise<void> {
  const file = await fileWith(text, mode);
  await assert.rejects(loadAccessFile(file), (error: unknown) => {
    assert.ok(error instanceof AccessFileError);
    assert.match(error.message, pattern);
    assert.ok(error.message.startsWith(`access file ${file}`), error.message);
    assert.ok(!error.message.includes(secret), 'the message must not quote the secret');
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

describe('access file', () => {
  it('reads YAML as in the docs, and JSON', async () => {
    const yaml = await fileWith(
      [
        'keys:',
        '  - accessKeyId: AKIASWITCHYARDADMIN',
        `    secretAccessKey: "${secret}"`,
        '    policy: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "appmesh:*", Resource: "*" }] }',
        '  - accessKeyId: AKIASWITCHYARDREAD',
        `    secretAccessKey: "${secret}"`,
        '    userName: reader',
        '    policy: { Statement: [{ Effect: Allow, Action: ["appmesh:Describe*", "appmesh:List*"], Resource: "*" }] }',
      ].join('\n'),
    );
    const keys = await loadAccessFile(yaml);
    assert.deepEqual([...keys.keys()], ['AKIASWITCHYARDADMIN', 'AKIASWITCHYARDREAD']);
    assert.equal(keys.get('AKIASWITCHYARDREAD')!.userName, 'reader');
    const scope = '20261206/us-east-1/appmesh/aws4_request';
    assert.deepEqual(keys.get('AKIASWITCHYARDADMIN')!.signingKey(scope), signingKey(secret, scope));
    // A key that is logged or serialised shows no secret.
    assert.ok(!JSON.stringify([...keys.values()]).includes(secret));
    const json = await fileWith(
      JSON.stringify({
        keys: [{ accessKeyId: 'AKIAJSONKEY000000', secretAccessKey: secret, policy: allowAll }],
      }),
    );
    assert.deepEqual([...(await loadAccessFile(json)).keys()], ['AKIAJSONKEY000000']);
  });

  it('refuses a file its group or others may read or write', async () => {
    const text = JSON.stringify({
      keys: [{ accessKeyId: 'AKIAJSONKEY000000', secretAccessKey: secret, policy: allowAll }],
    });
    await refusedWith(text, /is readable or writable by group or others \(mode 0644\); run chmod 600/, 0o644);
    await refusedWith(text, /mode 0640/, 0o640);
    await refusedWith(text, /mode 0602/, 0o602);
  });

  it('refuses bad contents with a message naming the field, never the secret', async () => {
    const key = (fields: Record<string, unknown>) =>
      JSON.stringify({
        keys: [{ accessKeyId: 'AKIAJSONKEY000000', secretAccessKey: secret, policy: allowAll, ...fields }],
      });
    await refusedWith(
      `keys:\n  - accessKeyId: A\n    secretAccessKey: "${secret}\n`,
      /not valid YAML or JSON \(\w+ at line \d+, column \d+\)/,
    );
    await refusedWith('{}', /keys must be a non-empty list/);
    await refusedWith(JSON.stringify({ keys: [], extra: 1 }), /extra is not a known field/);
    await refusedWith(key({ accessKeyId: 'short' }), /keys\[0\]\.accessKeyId must be 16 to 128/);
    await refusedWith(
      key({ secretAccessKey: 'tiny' }),
      /keys\[0\]\.secretAccessKey \(AKIAJSONKEY000000\) must be a string of at least 16/,
    );
    await refusedWith(key({ policy: undefined }), /keys\[0\]\.policy is required/);
    await refusedWith(
      key({ policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: 'x' }] } }),
      /keys\[0\]\.policy\.Statement\[0\]\.Resource\[0\]/,
    );
    await refusedWith(key({ secret: secret }), /keys\[0\]\.secret is not a known field/);
    const twice = { accessKeyId: 'AKIAJSONKEY000000', secretAccessKey: secret, policy: allowAll };
    await refusedWith(
      JSON.stringify({ keys: [twice, twice] }),
      /keys\[1\]\.accessKeyId AKIAJSONKEY000000 is listed twice/,
    );
    await assert.rejects(
      loadAccessFile(path.join(dir, 'missing.yaml')),
      /cannot read access file .*missing\.yaml: ENOENT/,
    );
  });
});
