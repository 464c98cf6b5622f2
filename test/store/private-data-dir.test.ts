// The data directory and every file the two stores write in it are private to the owner (issue 14.5).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteRegistryStore } from '../../src/registry/sqlite-registry-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const modeOf = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

test('a new data directory is created 0700 (parents too) and the db, -wal, -shm and lock files 0600', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'switchyard-private-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dataDir = join(root, 'parent', 'data');
  const warnings: string[] = [];
  const store = await SqliteStore.open({ dataDir, onWarning: (m) => warnings.push(m) });
  const registry = await SqliteRegistryStore.open({ dataDir, onWarning: (m) => warnings.push(m) });
  try {
    await registry.putNamespace('apps.local');
    await store.write(async () => undefined);
    assert.equal(await modeOf(dataDir), '700');
    assert.equal(await modeOf(join(root, 'parent')), '700');
    const files = (await readdir(dataDir)).sort();
    for (const expected of ['registry.db', 'registry.db-wal', 'registry.db-shm', 'switchyard.db']) {
      assert.ok(files.includes(expected), `${expected} in ${files.join(', ')}`);
    }
    assert.ok(files.includes('switchyard.db-wal') && files.includes('switchyard.lock'), files.join(', '));
    for (const file of files) assert.equal(await modeOf(join(dataDir, file)), '600', file);
    assert.deepEqual(warnings, []);
  } finally {
    await registry.close();
    await store.close();
  }
});

test('an existing directory others can read is reported, and files an older release left 0644 are tightened', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-private-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  await chmod(dataDir, 0o755);
  const first = await SqliteRegistryStore.open({ dataDir, onWarning: () => undefined });
  await first.putNamespace('apps.local');
  await first.close();
  for (const file of await readdir(dataDir)) await chmod(join(dataDir, file), 0o644);
  await writeFile(join(dataDir, 'registry.db-journal'), '');
  await chmod(join(dataDir, 'registry.db-journal'), 0o644);
  const warnings: string[] = [];
  const registry = await SqliteRegistryStore.open({ dataDir, onWarning: (m) => warnings.push(m) });
  try {
    assert.deepEqual(warnings, [
      `data directory ${dataDir} is accessible to other users (mode 755); run chmod 700 on it`,
    ]);
    assert.equal(await modeOf(dataDir), '755', 'an existing directory is left as it is');
    for (const file of await readdir(dataDir)) assert.equal(await modeOf(join(dataDir, file)), '600', file);
    assert.equal((await registry.listNamespaces()).length, 1, 'the data survived');
  } finally {
    await registry.close();
  }
});

test('a data directory path that is a file is refused before anything is written', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'switchyard-private-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'file'), 'x');
  await assert.rejects(SqliteStore.open({ dataDir: join(root, 'file') }), /it exists and is not a directory/);
  await assert.rejects(
    SqliteRegistryStore.open({ dataDir: join(root, 'file') }),
    /it exists and is not a directory/,
  );
});
