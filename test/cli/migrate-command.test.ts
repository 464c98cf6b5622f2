// `switchyard migrate` as a process: applies the PostgreSQL schema once, never prints the password.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { switchyardBin } from '../support/switchyard-process.ts';
import { postgresSkipReason, startPostgresServer } from '../support/postgres-server.ts';
import { postgresSchemaVersion } from '../../src/store/postgres/postgres-schema.ts';

const run = promisify(execFile);
const skip = postgresSkipReason();

test('switchyard migrate brings a PostgreSQL database to the current schema', { skip }, async () => {
  const server = await startPostgresServer();
  try {
    await server.createDatabase('cli');
    // Trust authentication ignores the password; it is there to check it never reaches the output.
    const url = server.url('cli').replace('switchyard@', 'switchyard:hunter2@');
    const first = await run(switchyardBin, ['migrate'], {
      env: { ...process.env, SWITCHYARD_DATABASE_URL: url },
    });
    assert.match(first.stdout, new RegExp(`migrated from schema version 0 to ${postgresSchemaVersion}`));
    const second = await run(switchyardBin, ['migrate', '--store', url]);
    assert.match(second.stdout, new RegExp(`already at schema version ${postgresSchemaVersion}`));
    for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) {
      assert.doesNotMatch(output, /hunter2/);
    }
    await server.stop();
    await assert.rejects(
      run(switchyardBin, ['migrate', '--store', url]),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(
          error.stderr,
          /^error: cannot migrate postgres:\/\/switchyard:\*\*\*@127\.0\.0\.1:\d+\/cli: /,
        );
        assert.doesNotMatch(error.stderr, /hunter2|\n\s+at /);
        return true;
      },
    );
  } finally {
    await server.cleanup();
  }
});
