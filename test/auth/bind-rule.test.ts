// Without --access-file the control plane serves loopback only, says authentication is off, and refuses to start
// on other addresses unless told --insecure-no-auth; a world-readable access file stops it at start.

import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { ConfigError, parseControlPlaneConfig } from '../../src/controlplane/control-plane-config.ts';
import { makeTempDir, removeDir, startControlPlaneProcess } from '../support/control-plane-launcher.ts';
import { spawnSwitchyard, waitForExit } from '../support/switchyard-process.ts';
import { adminKey, writeAccessFile } from './access-file-fixture.ts';

const dir = await makeTempDir('bind-rule');
after(() => removeDir(dir));

const base = { dataDir: dir, region: 'us-east-1', accountId: '111122223333' };
const config = (apiAddr: string, xdsAddr: string, extra: Record<string, unknown> = {}) =>
  parseControlPlaneConfig({ ...base, apiAddr, xdsAddr, ...extra });

describe('the bind rule', () => {
  it('allows loopback addresses without authentication', () => {
    for (const host of ['127.0.0.1', '127.3.4.5', '[::1]', 'localhost']) config(`${host}:0`, '127.0.0.1:0');
  });

  it('refuses a non-loopback address without --access-file or --insecure-no-auth, naming both', () => {
    for (const [api, xds, flag] of [
      ['0.0.0.0:9080', '127.0.0.1:0', '--api-addr 0.0.0.0'],
      ['127.0.0.1:0', '[::]:15010', '--xds-addr ::'],
      ['192.0.2.7:9080', '127.0.0.1:0', '--api-addr 192.0.2.7'],
    ] as const) {
      assert.throws(
        () => config(api, xds),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith(`${flag} is not a loopback address and authentication is off`) &&
          error.message.includes('--access-file FILE') &&
          error.message.includes('--insecure-no-auth'),
      );
    }
    assert.equal(config('0.0.0.0:9080', '0.0.0.0:15010', { insecureNoAuth: true }).accessFile, undefined);
    assert.match(
      config('0.0.0.0:9080', '0.0.0.0:15010', { accessFile: 'keys.yaml' }).accessFile ?? '',
      /\/keys\.yaml$/,
    );
    assert.throws(
      () => config('127.0.0.1:0', '127.0.0.1:0', { accessFile: 'k', insecureNoAuth: true }),
      /contradicts/,
    );
  });

  it('stops the process with one line for a non-loopback address or an access file others can read', async () => {
    const open = spawnSwitchyard(['control-plane', '--api-addr', '0.0.0.0:0', '--data-dir', dir]);
    assert.equal(await waitForExit(open.child), 1);
    assert.match(
      open.stderr(),
      /^switchyard control-plane: --api-addr 0\.0\.0\.0 is not a loopback address.*--insecure-no-auth.*\n$/,
    );

    const file = await writeAccessFile(dir, [adminKey]);
    await chmod(file, 0o644);
    const readable = spawnSwitchyard(
      ['control-plane', '--api-addr', '127.0.0.1:0', '--xds-addr', '127.0.0.1:0', '--data-dir', dir],
      {
        SWITCHYARD_ACCESS_FILE: file,
      },
    );
    assert.equal(await waitForExit(readable.child), 1);
    assert.equal(
      readable.stderr(),
      `switchyard control-plane: access file ${file} is readable or writable by group or others (mode 0644); run chmod 600 ${file}\n`,
    );
  });

  it('says at start that authentication is off', async () => {
    const cp = await startControlPlaneProcess();
    try {
      const ready = cp.logs.find((line) => line.msg === 'control plane ready');
      assert.match(String(ready?.authentication), /^off \(no --access-file\)/);
    } finally {
      await cp.stop();
      await removeDir(cp.dataDir);
    }
  });
});
