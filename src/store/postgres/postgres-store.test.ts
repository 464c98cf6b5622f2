// Runs the store contract on PostgresStore against a real PostgreSQL server, plus what only it promises.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  postgresSkipReason,
  startPostgresServer,
  type PostgresServer,
} from '../../../test/support/postgres-server.ts';
import { resourceKey, type ResourceKey } from '../../model/resource-key.ts';
import { collectFeed, defineStoreContract, makeRecord, until } from '../store-contract.ts';
import { RevisionCompactedError, StoreUnavailableError, type Store } from '../store.ts';
import { PostgresStore, type PostgresStoreOptions } from './postgres-store.ts';
import { postgresSchemaVersion } from './postgres-schema.ts';

const skip = postgresSkipReason();
let server: Promise<PostgresServer> | undefined;
let databases = 0;

/** One server for the whole file; each test gets its own database. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  server ??= startPostgresServer();
  const running = await server;
  const name = `store_${process.pid}_${++databases}`;
  return { url: await running.createDatabase(name), drop: () => running.dropDatabase(name) };
}

after(async () => {
  await (await server)?.cleanup();
});

const quiet: Partial<PostgresStoreOptions> = { onConnectionError: () => {} };

if (skip) {
  test('PostgresStore store contract', { skip }, () => {});
} else {
  defineStoreContract('PostgresStore', async () => {
    const { url, drop } = await freshDatabase();
    let current: Store = await PostgresStore.open({ url, ...quiet });
    return {
      store: current,
      async reopen() {
        await current.close();
        current = await PostgresStore.open({ url, ...quiet });
        return current;
      },
      async cleanup() {
        await current.close();
        await drop();
      },
    };
  });
}

async function withStores(
  count: number,
  options: Omit<PostgresStoreOptions, 'url'>,
  body: (stores: PostgresStore[], url: string) => Promise<void>,
): Promise<void> {
  const { url, drop } = await freshDatabase();
  const stores: PostgresStore[] = [];
  try {
    for (let i = 0; i < count; i++) stores.push(await PostgresStore.open({ url, ...quiet, ...options }));
    await body(stores, url);
  } finally {
    for (const store of stores) await store.close();
    await drop();
  }
}

const node = (name: string): ResourceKey => resourceKey('virtualNode', 'm', name);

async function putNodes(store: Store, names: readonly string[]): Promise<void> {
  await store.write(async (tx) => {
    for (const name of names) await tx.put(makeRecord(node(name)), []);
  });
}

test('a write on one replica reaches the watchers of another', { skip }, async () => {
  await withStores(2, {}, async ([a, b]) => {
    const onB = collectFeed(b!, 0);
    await putNodes(a!, ['x', 'y']);
    await a!.write((tx) => tx.delete(node('x')));
    await until(() => onB.revisions().length === 3, 'the changes on replica B');
    assert.deepEqual(
      onB.batches.map((batch) => batch.map((change) => `${change.revision} ${change.op} ${change.key.name}`)),
      [['1 put x', '2 put y'], ['3 delete x']],
    );
    assert.equal(await b!.currentRevision(), 3);
    assert.equal((await b!.read((tx) => tx.get(node('y'))))?.revision, 2);
    onB.watch.close();
  });
});

test('writers on two replicas share one revision sequence and never interleave', { skip }, async () => {
  await withStores(2, {}, async ([a, b]) => {
    const feed = collectFeed(a!, 0);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(putNodes(i % 2 === 0 ? a! : b!, [`n${i}-1`, `n${i}-2`]));
    }
    await Promise.all(writes);
    assert.equal(await a!.currentRevision(), 40);
    await until(() => feed.revisions().length === 40, 'every change');
    assert.deepEqual(
      feed.revisions(),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    for (const batch of feed.batches) {
      assert.equal(batch.length, 2);
      assert.equal(
        batch[0]!.key.name.split('-')[0],
        batch[1]!.key.name.split('-')[0],
        'a transaction stays whole',
      );
    }
    feed.watch.close();
  });
});

test("a read-modify-write on two replicas sees the other replica's commit", { skip }, async () => {
  await withStores(2, {}, async ([a, b]) => {
    await a!.write((tx) => tx.put(makeRecord(node('counter'), { version: 1 }), []));
    // Each increment reads the version inside its write: lost updates would leave the version short.
    const increment = (store: Store): Promise<unknown> =>
      store.write(async (tx) => {
        const current = await tx.get(node('counter'));
        await tx.put({ ...current!, version: current!.version + 1 }, []);
      });
    await Promise.all(Array.from({ length: 30 }, (_, i) => increment(i % 2 === 0 ? a! : b!)));
    assert.equal((await b!.read((tx) => tx.get(node('counter'))))?.version, 31);
  });
});

test('history beyond changeHistoryLimit is compacted and resuming before it fails', { skip }, async () => {
  await withStores(1, { changeHistoryLimit: 5 }, async ([store]) => {
    for (let i = 1; i <= 10; i++) await putNodes(store!, [`n${i}`]);
    const tooOld = collectFeed(store!, 4);
    const oldestKept = collectFeed(store!, 5);
    await until(() => tooOld.errors.length === 1 && oldestKept.revisions().length === 5, 'both watches');
    const error = tooOld.errors[0];
    assert.ok(error instanceof RevisionCompactedError);
    assert.equal(error.oldestAvailable, 6);
    assert.deepEqual(oldestKept.revisions(), [6, 7, 8, 9, 10]);
    oldestKept.watch.close();
  });
});

test('replay keeps transactions whole across read chunks', { skip }, async () => {
  await withStores(1, {}, async ([store]) => {
    const names = (prefix: string, count: number): string[] =>
      Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    await putNodes(store!, names('a', 1500));
    await putNodes(store!, names('b', 700));
    const feed = collectFeed(store!, 0);
    await until(() => feed.revisions().length === 2200, 'the whole history', 30_000);
    assert.deepEqual(
      feed.batches.map((batch) => batch.length),
      [1500, 700],
    );
    feed.watch.close();
  });
});

test('a watch from a revision the database never reached fails', { skip }, async () => {
  await withStores(1, {}, async ([store]) => {
    const feed = collectFeed(store!, 3);
    await until(() => feed.errors.length === 1, 'the error');
    assert.match(feed.errors[0]!.message, /ahead of the store/);
  });
});

test('a database URL nobody listens on is unavailable, with the password hidden', { skip }, async () => {
  const running = await (server ??= startPostgresServer());
  const url = `postgres://switchyard:s3cret@127.0.0.1:${running.port + 1}/nowhere`;
  await assert.rejects(PostgresStore.open({ url, timeoutMs: 2000 }), (error) => {
    assert.ok(error instanceof StoreUnavailableError);
    assert.match(error.message, /cannot open store postgres:\/\/switchyard:\*\*\*@127\.0\.0\.1/);
    assert.doesNotMatch(error.message, /s3cret/);
    return true;
  });
});

test(
  'watchers catch up after the database restarts, though notifications sent meanwhile are lost',
  { skip },
  async () => {
    const running = await (server ??= startPostgresServer());
    await withStores(2, {}, async ([a, b]) => {
      const onB = collectFeed(b!, 0);
      await putNodes(a!, ['before']);
      await until(() => onB.revisions().length === 1, 'the first change');
      await running.stop('immediate');
      await assert.rejects(putNodes(a!, ['during']), StoreUnavailableError);
      assert.match((await b!.notReadyReason()) ?? '', /PostgreSQL/);
      await running.start();
      // The first write after the restart may meet a pooled connection the restart broke.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await putNodes(a!, ['after']);
          break;
        } catch (error) {
          assert.ok(error instanceof StoreUnavailableError);
          if (Date.now() > deadline) throw error;
        }
      }
      await until(() => onB.revisions().length === 2, 'the change after the restart on replica B', 30_000);
      assert.deepEqual(
        onB.batches.flat().map((change) => change.key.name),
        ['before', 'after'],
      );
      assert.deepEqual(onB.errors, []);
      // The change can arrive by the catch-up read before the LISTEN connection is back: ready follows it.
      const readyBy = Date.now() + 30_000;
      let reason = await b!.notReadyReason();
      while (reason !== undefined && Date.now() < readyBy) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        reason = await b!.notReadyReason();
      }
      assert.equal(reason, undefined, 'replica B is ready again');
      onB.watch.close();
    });
  },
);

test(
  'migrations apply once, and a database from a newer release is refused untouched',
  { skip },
  async () => {
    const { url, drop } = await freshDatabase();
    try {
      assert.deepEqual(await PostgresStore.migrate(url), { from: 0, to: postgresSchemaVersion });
      assert.deepEqual(await PostgresStore.migrate(url), {
        from: postgresSchemaVersion,
        to: postgresSchemaVersion,
      });
      const store = await PostgresStore.open({ url, ...quiet });
      await putNodes(store, ['kept']);
      await store.close();

      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query('UPDATE schema_version SET version = 999');
      await admin.end();
      await assert.rejects(PostgresStore.open({ url, ...quiet }), (error) => {
        assert.ok(error instanceof StoreUnavailableError);
        assert.match(error.message, /schema version 999 is newer than this release understands \(\d+\)/);
        return true;
      });
      await assert.rejects(PostgresStore.migrate(url), /schema version 999/);
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const version = await check.query('SELECT version FROM schema_version');
      const resources = await check.query('SELECT name FROM resources');
      await check.end();
      assert.deepEqual(version.rows, [{ version: 999 }]);
      assert.deepEqual(resources.rows, [{ name: 'kept' }]);
    } finally {
      await drop();
    }
  },
);

test('writes past maxQueuedWrites fail fast as unavailable', { skip }, async () => {
  await withStores(1, { maxQueuedWrites: 2 }, async ([store]) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = store!.write(async (tx) => {
      await tx.put(makeRecord(node('a')), []);
      await gate;
    });
    const second = putNodes(store!, ['b']);
    await assert.rejects(
      putNodes(store!, ['c']),
      (error) => error instanceof StoreUnavailableError && /2 writes are already waiting/.test(error.message),
    );
    release();
    await Promise.all([first, second]);
    await putNodes(store!, ['d']);
    assert.equal(await store!.currentRevision(), 3);
    assert.equal(await store!.read((tx) => tx.get(node('c'))), undefined);
  });
});
