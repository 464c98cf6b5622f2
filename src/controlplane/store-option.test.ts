// `--store` / SWITCHYARD_DATABASE_URL parsing: SQLite by default, postgres URLs accepted, anything else refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseControlPlaneConfig, parseStoreOption } from './control-plane-config.ts';

const raw = {
  apiAddr: '127.0.0.1:0',
  xdsAddr: '127.0.0.1:0',
  dataDir: '/tmp/switchyard-unused',
  region: 'us-east-1',
  accountId: '111122223333',
};

test('no --store, an empty one or "sqlite" means the embedded store', () => {
  for (const value of [undefined, '', 'sqlite']) assert.equal(parseStoreOption(value), undefined);
  assert.equal(parseControlPlaneConfig(raw).databaseUrl, undefined);
});

test('postgres:// and postgresql:// URLs select the PostgreSQL store', () => {
  for (const url of ['postgres://u:p@127.0.0.1:5432/db', 'postgresql://127.0.0.1/db?sslmode=disable']) {
    assert.equal(parseStoreOption(url), url);
  }
  assert.equal(
    parseControlPlaneConfig({ ...raw, store: 'postgres://127.0.0.1/x' }).databaseUrl,
    'postgres://127.0.0.1/x',
  );
});

test('anything else is refused without echoing a possible password', () => {
  for (const value of ['mysql://root:hunter2@127.0.0.1/db', 'hunter2', '/var/lib/db', 'postgres']) {
    assert.throws(
      () => parseStoreOption(value),
      (error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /--store must be "sqlite" or a postgres:\/\//);
        assert.doesNotMatch(error.message, /hunter2|root/);
        return true;
      },
    );
  }
});
