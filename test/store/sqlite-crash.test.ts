// Kills a process mid-stream of SQLite store writes and checks every acknowledged write survived whole.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { StoredRecord } from '../../src/model/resource-record.ts';
import { resourceKey } from '../../src/model/resource-key.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { collectFeed, until } from '../../src/store/store-contract.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';

const writer = join(import.meta.dirname, 'crash-writer.ts');
const killAfterAcks = 600;

test('acknowledged writes survive SIGKILL and no transaction is half applied', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-crash-'));
  const child = spawn(process.execPath, [writer, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = once(child, 'close');
  t.after(async () => {
    child.kill('SIGKILL');
    await closed;
    await rm(dataDir, { recursive: true, force: true });
  });

  let acked = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [, pair, revision] = line.split(' ').map(Number);
    assert.equal(pair, acked + 1, `acks arrive in order: ${line}`);
    assert.equal(revision, 2 * pair!, `each pair takes two revisions: ${line}`);
    acked = pair!;
  });

  await until(() => acked >= killAfterAcks || child.exitCode !== null, 'acknowledged writes', 60_000);
  assert.equal(child.exitCode, null, `writer exited early: ${stderr}`);
  await assert.rejects(
    SqliteStore.open({ dataDir }),
    StoreUnavailableError,
    'the live writer holds the lock',
  );

  child.kill('SIGKILL');
  const [, signal] = await closed;
  assert.equal(signal, 'SIGKILL');

  const store = await SqliteStore.open({ dataDir });
  try {
    const revision = await store.currentRevision();
    assert.equal(revision % 2, 0, `revision ${revision} ends inside a pair`);
    const pairs = revision / 2;
    // The writer acknowledges each pair right after it commits, so at most one commit goes unacknowledged.
    assert.ok(pairs === acked || pairs === acked + 1, `${pairs} pairs committed, ${acked} acknowledged`);

    const records: StoredRecord[] = [];
    for (;;) {
      const afterName = records[records.length - 1]?.name;
      const page = await store.read((tx) =>
        tx.list(
          { kind: 'virtualNode', meshName: 'crash' },
          { limit: 500, ...(afterName ? { afterName } : {}) },
        ),
      );
      if (page.length === 0) break;
      records.push(...page);
    }
    assert.equal(records.length, revision);
    const byName = new Map(records.map((record) => [record.name, record]));
    for (let pair = 1; pair <= pairs; pair++) {
      const a = byName.get(`a-${pair}`);
      const b = byName.get(`b-${pair}`);
      assert.equal(a?.revision, 2 * pair - 1, `a-${pair}`);
      assert.equal(b?.revision, 2 * pair, `b-${pair}`);
      assert.deepEqual(b.spec['pair'], pair);
    }
    const referrers = await store.read((tx) =>
      tx.referrers(resourceKey('virtualNode', 'crash', `a-${pairs}`)),
    );
    assert.deepEqual(
      referrers.map((record) => record.name),
      [`b-${pairs}`],
    );

    const feed = collectFeed(store, 0);
    await until(() => feed.revisions().length === revision || feed.errors.length > 0, 'the change history');
    assert.deepEqual(feed.errors, []);
    assert.deepEqual(
      feed.revisions(),
      Array.from({ length: revision }, (_, i) => i + 1),
    );
    assert.ok(feed.batches.every((batch) => batch.length === 2));
    feed.watch.close();
  } finally {
    await store.close();
  }
});
