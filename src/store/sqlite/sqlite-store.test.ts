// Runs the store contract on SqliteStore, plus what only the SQLite store promises.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { resourceKey, type ResourceKey } from '../../model/resource-key.ts';
import { collectFeed, defineStoreContract, makeRecord, until } from '../store-contract.ts';
import { RevisionCompactedError, StoreUnavailableError, type Store, type WriteTx } from '../store.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'switchyard-store-'));
}

defineStoreContract('SqliteStore', async () => {
  const dataDir = await tempDir();
  let current: Store = await SqliteStore.open({ dataDir });
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await SqliteStore.open({ dataDir });
      return current;
    },
    async cleanup() {
      await current.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

async function withStore(
  options: Omit<SqliteStoreOptions, 'dataDir'>,
  body: (store: SqliteStore, dataDir: string) => Promise<void>,
): Promise<void> {
  const dataDir = await tempDir();
  const store = await SqliteStore.open({ dataDir, ...options });
  try {
    await body(store, dataDir);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const node = (name: string): ResourceKey => resourceKey('virtualNode', 'm', name);

async function putNodes(store: Store, names: readonly string[]): Promise<void> {
  await store.write(async (tx) => {
    for (const name of names) await tx.put(makeRecord(node(name)), []);
  });
}

function isUnavailable(path: string, reason: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreUnavailableError, `expected StoreUnavailableError, got ${String(error)}`);
    assert.ok(error.message.includes(path), `message names the path: ${error.message}`);
    assert.match(error.message, reason);
    assert.ok(error.cause, 'carries the cause');
    return true;
  };
}

test('a data directory that is a regular file is unavailable', async () => {
  const dir = await tempDir();
  const file = join(dir, 'not-a-dir');
  await writeFile(file, 'x');
  await assert.rejects(
    SqliteStore.open({ dataDir: file }),
    isUnavailable(file, /exists and is not a directory/),
  );
  // Root may write anywhere, so a path below a regular file is the reliable way to get an unwritable one.
  const below = join(file, 'data');
  await assert.rejects(SqliteStore.open({ dataDir: below }), isUnavailable(below, /ENOTDIR/));
  await rm(dir, { recursive: true });
});

test('a data directory in use by another store is unavailable until that store closes', async () => {
  await withStore({}, async (_store, dataDir) => {
    await assert.rejects(SqliteStore.open({ dataDir }), isUnavailable(dataDir, /in use/));
  });
  const dataDir = await tempDir();
  const first = await SqliteStore.open({ dataDir });
  await first.close();
  const second = await SqliteStore.open({ dataDir });
  await second.close();
  await rm(dataDir, { recursive: true });
});

test('the database is one WAL-mode file named switchyard.db', async () => {
  const dataDir = await tempDir();
  const store = await SqliteStore.open({ dataDir });
  assert.equal(store.path, join(dataDir, 'switchyard.db'));
  await store.close();
  const db = new DatabaseSync(join(dataDir, 'switchyard.db'));
  assert.equal(db.prepare('PRAGMA journal_mode').get()?.['journal_mode'], 'wal');
  db.close();
  await rm(dataDir, { recursive: true });
});

test('a database from a newer schema version is refused', async () => {
  const dataDir = await tempDir();
  await (await SqliteStore.open({ dataDir })).close();
  const db = new DatabaseSync(join(dataDir, 'switchyard.db'));
  db.exec('UPDATE schema_version SET version = 999');
  db.close();
  await assert.rejects(SqliteStore.open({ dataDir }), isUnavailable(dataDir, /schema version 999/));
  await rm(dataDir, { recursive: true });
});

test('history beyond changeHistoryLimit is compacted and resuming before it fails', async () => {
  await withStore({ changeHistoryLimit: 5 }, async (store) => {
    for (let i = 1; i <= 10; i++) await putNodes(store, [`n${i}`]);
    const tooOld = collectFeed(store, 4);
    const oldestKept = collectFeed(store, 5);
    await until(() => tooOld.errors.length === 1 && oldestKept.revisions().length === 5, 'both watches');
    const error = tooOld.errors[0];
    assert.ok(error instanceof RevisionCompactedError);
    assert.equal(error.oldestAvailable, 6);
    assert.deepEqual(tooOld.batches, []);
    assert.deepEqual(oldestKept.revisions(), [6, 7, 8, 9, 10]);
    oldestKept.watch.close();
  });
});

test('replay keeps transactions whole across read chunks', async () => {
  await withStore({}, async (store) => {
    const names = (prefix: string, count: number): string[] =>
      Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    await putNodes(store, names('a', 1500));
    await putNodes(store, names('b', 700));
    await putNodes(store, names('c', 700));
    const feed = collectFeed(store, 0);
    await until(() => feed.revisions().length === 2900, 'the whole history');
    assert.deepEqual(
      feed.batches.map((batch) => batch.length),
      [1500, 700, 700],
    );
    assert.deepEqual(
      feed.revisions(),
      Array.from({ length: 2900 }, (_, i) => i + 1),
    );
    feed.watch.close();
  });
});

test('a throwing watch handler stops neither writes nor other watchers', async () => {
  const handlerErrors: unknown[] = [];
  await withStore({ onHandlerError: (error) => handlerErrors.push(error) }, async (store) => {
    let calls = 0;
    const failing = store.watch(0, {
      onChanges: () => {
        calls++;
        throw new Error('handler bug');
      },
      onError: () => {},
    });
    const healthy = collectFeed(store, 0);
    await putNodes(store, ['a']);
    await putNodes(store, ['b']);
    await until(() => healthy.revisions().length === 2 && calls === 2, 'both watchers');
    assert.equal(handlerErrors.length, 2);
    assert.match(String(handlerErrors[0]), /handler bug/);
    failing.close();
    healthy.watch.close();
  });
});

test('a watch from a revision the store never reached fails', async () => {
  await withStore({}, async (store) => {
    const feed = collectFeed(store, 3);
    await until(() => feed.errors.length === 1, 'the error');
    assert.match(feed.errors[0]!.message, /ahead of the store/);
  });
});

test('store calls that would deadlock or miss their own writes are refused', async () => {
  await withStore({}, async (store) => {
    await assert.rejects(
      store.write(() => store.write(async () => 1)),
      /store.write\(\) cannot be called inside a store.write\(\) callback/,
    );
    await assert.rejects(
      store.write(() => store.read(async () => 1)),
      /store.read\(\) cannot be called inside a store.write\(\) callback/,
    );
    await assert.rejects(
      store.read(() => store.read(async () => 1)),
      /inside a store.read\(\) callback/,
    );
    assert.equal(await store.currentRevision(), 0);
    // A watch handler runs outside any callback, so it may read.
    const seen: (string | undefined)[] = [];
    store.watch(0, {
      onChanges: (changes) => {
        void store.read((tx) => tx.get(changes[0]!.key)).then((record) => seen.push(record?.name));
      },
      onError: () => {},
    });
    await putNodes(store, ['a']);
    await until(() => seen.length === 1, 'the handler read');
    assert.deepEqual(seen, ['a']);
  });
});

test('a transaction cannot be used after its callback returned', async () => {
  await withStore({}, async (store) => {
    let leaked: WriteTx | undefined;
    await store.write(async (tx) => {
      leaked = tx;
    });
    await assert.rejects(leaked!.put(makeRecord(node('late')), []), /after its transaction ended/);
    assert.equal(await store.read((tx) => tx.get(node('late'))), undefined);
  });
});

test('a SQLite failure fails the whole write even when the callback catches it', async () => {
  await withStore({}, async (store) => {
    // A STRICT text column refuses a blob, which makes SQLite itself fail the statement.
    const blobName = new Uint8Array([1, 2]) as unknown as string;
    await assert.rejects(
      store.write(async (tx) => {
        await tx.put(makeRecord(node('before')), []);
        await assert.rejects(tx.put(makeRecord({ ...node('x'), name: blobName }), []), StoreUnavailableError);
        await tx.put(makeRecord(node('after')), []);
      }),
      (error) => error instanceof StoreUnavailableError && /SQLite put failed/.test(error.message),
    );
    assert.equal(await store.currentRevision(), 0);
    assert.equal(await store.read((tx) => tx.count({ kind: 'virtualNode', meshName: 'm' })), 0);
    await putNodes(store, ['later']);
    assert.equal(await store.currentRevision(), 1, 'the store stays usable');
  });
});
