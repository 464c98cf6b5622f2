// The behaviour every Store implementation must show, as a node:test suite each implementation runs.

import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceKey, resourcePath, type ResourceKey } from '../model/resource-key.ts';
import type { ResourceRecord } from '../model/resource-record.ts';
import { StoreUnavailableError, type Change, type Scope, type Store, type Watch } from './store.ts';

export interface StoreFixture {
  /** A freshly opened store over empty data. */
  readonly store: Store;
  /** Closes the store last opened and opens the same data again. */
  reopen(): Promise<Store>;
  /** Closes whichever store is open (it may already be closed) and removes its data. */
  cleanup(): Promise<void>;
}

const account = '111122223333';

export function makeRecord(key: ResourceKey, overrides: Partial<ResourceRecord> = {}): ResourceRecord {
  return {
    ...key,
    arn: `arn:aws:appmesh:us-east-1:${account}:${resourcePath(key)}`,
    uid: `uid-${resourcePath(key)}`,
    version: 1,
    createdAtMs: 1_700_000_000_000,
    lastUpdatedAtMs: 1_700_000_000_000,
    meshOwner: account,
    resourceOwner: account,
    spec: {},
    tags: [],
    ...overrides,
  };
}

const node = (name: string, mesh = 'm'): ResourceKey => resourceKey('virtualNode', mesh, name);
const service = (name: string, mesh = 'm'): ResourceKey => resourceKey('virtualService', mesh, name);
const route = (router: string, name: string, mesh = 'm'): ResourceKey =>
  resourceKey('route', mesh, name, router);

/** Polls `condition` until it holds or the deadline passes. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface CollectedFeed {
  readonly batches: Change[][];
  readonly errors: Error[];
  readonly watch: Watch;
  revisions(): number[];
}

export function collectFeed(store: Store, fromRevision: number): CollectedFeed {
  const batches: Change[][] = [];
  const errors: Error[] = [];
  const watch = store.watch(fromRevision, {
    onChanges: (changes) => batches.push([...changes]),
    onError: (error) => errors.push(error),
  });
  return { batches, errors, watch, revisions: () => batches.flat().map((change) => change.revision) };
}

const putAll = (store: Store, keys: readonly ResourceKey[]): Promise<unknown> =>
  store.write(async (tx) => {
    for (const key of keys) await tx.put(makeRecord(key), []);
  });

const names = (records: readonly { name: string }[]): string[] => records.map((record) => record.name);

export function defineStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`${name} store contract`, () => {
    let fixture: StoreFixture;
    let store: Store;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(() => fixture.cleanup());

    test('proxy token keys: the first insert with onlyIfNone wins; revocations are idempotent and pruned by expiry', async () => {
      const key = (id: string, createdAtMs: number) => ({ id, createdAtMs, secret: `secret-${id}` });
      assert.equal(await store.insertTokenKey(key('k1', 10), { onlyIfNone: true }), true);
      assert.equal(await store.insertTokenKey(key('k0', 5), { onlyIfNone: true }), false);
      assert.equal(await store.insertTokenKey(key('k2', 20), { onlyIfNone: false }), true);
      assert.deepEqual(await store.listTokenKeys(), [key('k1', 10), key('k2', 20)]);
      const revocation = { tokenId: 't1', expiresAtMs: 1000, revokedAtMs: 100 };
      assert.equal(await store.insertRevocation(revocation), true);
      assert.equal(await store.insertRevocation({ ...revocation, revokedAtMs: 200 }), false);
      assert.equal(
        await store.insertRevocation({ tokenId: 't2', expiresAtMs: 5000, revokedAtMs: 150 }),
        true,
      );
      assert.deepEqual(await store.listRevocations(), [
        revocation,
        { tokenId: 't2', expiresAtMs: 5000, revokedAtMs: 150 },
      ]);
      assert.equal(await store.pruneRevocations(2000), 1);
      assert.deepEqual(
        (await store.listRevocations()).map((r) => r.tokenId),
        ['t2'],
      );
      assert.equal(
        await store.currentRevision(),
        0,
        'outside the revisioned records: proxies never see them',
      );
    });

    test('put and get round-trip a full record', async () => {
      const record = makeRecord(node('web'), {
        version: 3,
        spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }], backends: [], note: 'ünï' },
        tags: [
          { key: 'team', value: 'blue' },
          { key: 'tier', value: '' },
        ],
      });
      const stored = await store.write((tx) => tx.put(record, []));
      assert.deepEqual(stored, { ...record, revision: 1 });
      assert.deepEqual(await store.read((tx) => tx.get(node('web'))), { ...record, revision: 1 });
      assert.equal(await store.read((tx) => tx.get(node('absent'))), undefined);
      assert.equal(await store.read((tx) => tx.get(node('web', 'other-mesh'))), undefined);

      const updated = makeRecord(node('web'), { version: 4, spec: { backends: ['x'] } });
      await store.write((tx) => tx.put({ ...stored, ...updated }, []));
      assert.deepEqual(await store.read((tx) => tx.get(node('web'))), { ...updated, revision: 2 });
    });

    test('list orders by UTF-8 bytes and pages with an exclusive cursor', async () => {
      const all = ['b', 'a', 'B', 'a-1', 'é', 'z', 'A0', '10', '9', 'aa'];
      await putAll(
        store,
        all.map((n) => node(n)),
      );
      const expected = [...all].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      const scope = { kind: 'virtualNode', meshName: 'm' } as const;
      assert.deepEqual(names(await store.read((tx) => tx.list(scope, { limit: 100 }))), expected);

      const paged: string[] = [];
      let afterName: string | undefined;
      for (;;) {
        const page = await store.read((tx) =>
          tx.list(scope, { limit: 3, ...(afterName ? { afterName } : {}) }),
        );
        assert.ok(page.length <= 3);
        if (page.length === 0) break;
        paged.push(...names(page));
        afterName = page[page.length - 1]!.name;
      }
      assert.deepEqual(paged, expected);
      assert.deepEqual(names(await store.read((tx) => tx.list(scope, { limit: 2, afterName: 'a' }))), [
        'a-1',
        'aa',
      ]);
      assert.deepEqual(await store.read((tx) => tx.list(scope, { limit: 0 })), []);
    });

    test('list and count are scoped by kind, mesh and parent', async () => {
      await putAll(store, [
        resourceKey('mesh', 'm', 'm'),
        resourceKey('mesh', 'n', 'n'),
        node('a'),
        node('b'),
        node('c', 'n'),
        service('a'),
        route('r1', 'x'),
        route('r1', 'y'),
        route('r2', 'x'),
        route('r1', 'z', 'n'),
      ]);
      const list = (scope: Scope) => store.read((tx) => tx.list(scope, { limit: 100 }));
      assert.deepEqual(names(await list({ kind: 'mesh' })), ['m', 'n']);
      assert.deepEqual(names(await list({ kind: 'virtualNode', meshName: 'm' })), ['a', 'b']);
      assert.deepEqual(names(await list({ kind: 'virtualNode', meshName: 'n' })), ['c']);
      assert.deepEqual(names(await list({ kind: 'virtualService', meshName: 'm' })), ['a']);
      assert.deepEqual(names(await list({ kind: 'route', meshName: 'm', parentName: 'r1' })), ['x', 'y']);
      assert.deepEqual(names(await list({ kind: 'route', meshName: 'm', parentName: 'r2' })), ['x']);
      assert.deepEqual(await list({ kind: 'virtualRouter', meshName: 'm' }), []);

      const counts = await store.read(async (tx) => [
        await tx.count({ kind: 'mesh' }),
        await tx.count({ kind: 'virtualNode', meshName: 'm' }),
        await tx.count({ kind: 'route', meshName: 'm', parentName: 'r1' }),
        await tx.count({ kind: 'route', meshName: 'n', parentName: 'r1' }),
        await tx.count({ kind: 'gatewayRoute', meshName: 'm', parentName: 'g' }),
      ]);
      assert.deepEqual(counts, [2, 2, 2, 1, 0]);
    });

    test('delete removes the record and is a no-op when absent', async () => {
      await putAll(store, [node('a'), node('b')]);
      await store.write((tx) => tx.delete(node('a')));
      assert.equal(await store.read((tx) => tx.get(node('a'))), undefined);
      assert.equal(await store.read((tx) => tx.count({ kind: 'virtualNode', meshName: 'm' })), 1);
      assert.equal(await store.currentRevision(), 3);

      await store.write((tx) => tx.delete(node('a')));
      assert.equal(await store.currentRevision(), 3, 'deleting an absent record takes no revision');
    });

    test('referrers follow the references given to put', async () => {
      const router = resourceKey('virtualRouter', 'm', 'router');
      await putAll(store, [node('b'), node('c'), router]);
      await store.write((tx) => tx.put(makeRecord(service('a')), [node('b'), node('c'), node('b')]));
      await store.write((tx) => tx.put(makeRecord(route('router', 'r')), [node('b'), router]));
      const referrersOf = (key: ResourceKey): Promise<string[]> =>
        store.read(async (tx) => (await tx.referrers(key)).map((record) => resourcePath(record)).sort());

      assert.deepEqual(await referrersOf(node('b')), [
        'mesh/m/virtualRouter/router/route/r',
        'mesh/m/virtualService/a',
      ]);
      assert.deepEqual(await referrersOf(node('c')), ['mesh/m/virtualService/a']);
      assert.deepEqual(await referrersOf(router), ['mesh/m/virtualRouter/router/route/r']);
      assert.deepEqual(await referrersOf(node('a')), []);

      await store.write((tx) => tx.put(makeRecord(service('a')), [node('c')]));
      assert.deepEqual(await referrersOf(node('b')), ['mesh/m/virtualRouter/router/route/r']);
      assert.deepEqual(await referrersOf(node('c')), ['mesh/m/virtualService/a']);

      const [referrer] = await store.read((tx) => tx.referrers(node('c')));
      assert.equal(referrer?.revision, 6, 'referrers come back as full stored records');

      await store.write(async (tx) => {
        await tx.delete(service('a'));
        await tx.delete(route('router', 'r'));
      });
      assert.deepEqual(await referrersOf(node('b')), []);
      assert.deepEqual(await referrersOf(node('c')), []);
    });

    test('every put and delete takes the next revision', async () => {
      assert.equal(await store.currentRevision(), 0);
      const revisions = await store.write(async (tx) => [
        (await tx.put(makeRecord(node('a')), [])).revision,
        (await tx.put(makeRecord(node('b')), [])).revision,
      ]);
      assert.deepEqual(revisions, [1, 2]);
      assert.equal(await store.currentRevision(), 2);
      const again = await store.write((tx) => tx.put(makeRecord(node('a')), []));
      assert.equal(again.revision, 3);
      await store.write((tx) => tx.delete(node('b')));
      assert.equal(await store.currentRevision(), 4);
      await store.write(async () => undefined);
      assert.equal(await store.currentRevision(), 4, 'an empty write takes no revision');
    });

    test('a write whose callback throws commits nothing', async () => {
      await putAll(store, [node('kept')]);
      const feed = collectFeed(store, 1);
      const failure = new Error('changed my mind');
      await assert.rejects(
        store.write(async (tx) => {
          await tx.put(makeRecord(node('lost')), [node('kept')]);
          await tx.delete(node('kept'));
          await tx.putIdempotency('token', { requestHash: 'h', response: '{}', createdAtMs: 1 });
          throw failure;
        }),
        (error) => error === failure,
      );
      assert.equal(await store.currentRevision(), 1);
      const state = await store.read(async (tx) => ({
        lost: await tx.get(node('lost')),
        kept: await tx.get(node('kept')),
        referrers: await tx.referrers(node('kept')),
        token: await tx.getIdempotency('token'),
      }));
      assert.equal(state.lost, undefined);
      assert.equal(state.kept?.revision, 1);
      assert.deepEqual(state.referrers, []);
      assert.equal(state.token, undefined);

      // Changes arrive in order, so once the next write shows up the rolled-back one can no longer appear.
      await putAll(store, [node('next')]);
      await until(() => feed.revisions().length > 0, 'the next write');
      assert.deepEqual(feed.batches, [
        [{ revision: 2, op: 'put', key: node('next'), record: { ...makeRecord(node('next')), revision: 2 } }],
      ]);
      feed.watch.close();
    });

    test('watch from 0 replays history by transaction, then live batches in order', async () => {
      await putAll(store, [node('a'), node('b')]);
      await store.write((tx) => tx.delete(node('a')));
      const feed = collectFeed(store, 0);
      await until(() => feed.revisions().length === 3, 'history');
      await putAll(store, [node('c')]);
      await putAll(store, [node('d'), node('e')]);
      await until(() => feed.revisions().length === 6, 'live changes');

      assert.deepEqual(
        feed.batches.map((batch) =>
          batch.map((change) => `${change.revision} ${change.op} ${change.key.name}`),
        ),
        [['1 put a', '2 put b'], ['3 delete a'], ['4 put c'], ['5 put d', '6 put e']],
      );
      const [first] = feed.batches[0]!;
      assert.deepEqual(first, {
        revision: 1,
        op: 'put',
        key: node('a'),
        record: { ...makeRecord(node('a')), revision: 1 },
      });
      assert.deepEqual(feed.batches[1]![0], { revision: 3, op: 'delete', key: node('a') });
      assert.deepEqual(feed.errors, []);
      feed.watch.close();
    });

    test('watch from the current revision gets only new changes', async () => {
      await putAll(store, [node('a'), node('b')]);
      const feed = collectFeed(store, await store.currentRevision());
      const middle = collectFeed(store, 1);
      await putAll(store, [node('c')]);
      await until(() => feed.revisions().length === 1 && middle.revisions().length === 2, 'new changes');
      assert.deepEqual(feed.revisions(), [3]);
      assert.deepEqual(middle.revisions(), [2, 3]);
      feed.watch.close();
      middle.watch.close();
    });

    test('a closed watch gets nothing more', async () => {
      const closed = collectFeed(store, 0);
      const open = collectFeed(store, 0);
      closed.watch.close();
      await putAll(store, [node('a')]);
      await until(() => open.revisions().length === 1, 'the open watch');
      assert.deepEqual(closed.batches, []);
      assert.deepEqual(closed.errors, []);
      open.watch.close();
    });

    test('concurrent writes do not interleave', async () => {
      const events: string[] = [];
      const slow = store.write(async (tx) => {
        events.push('slow start');
        await tx.put(makeRecord(node('s1')), []);
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        await tx.put(makeRecord(node('s2')), []);
        events.push('slow end');
      });
      const fast = store.write(async (tx) => {
        events.push('fast start');
        await tx.put(makeRecord(node('f1')), []);
        events.push('fast end');
      });
      await Promise.all([slow, fast]);
      assert.deepEqual(events, ['slow start', 'slow end', 'fast start', 'fast end']);
      const revisions = await store.read(async (tx) =>
        Promise.all(['s1', 's2', 'f1'].map(async (n) => (await tx.get(node(n)))?.revision)),
      );
      assert.deepEqual(revisions, [1, 2, 3]);
    });

    test('idempotency entries are stored, replaced and pruned by age', async () => {
      await store.write(async (tx) => {
        await tx.putIdempotency('old', { requestHash: 'h1', response: '{"a":1}', createdAtMs: 1000 });
        await tx.putIdempotency('new', { requestHash: 'h2', response: '{"b":2}', createdAtMs: 5000 });
      });
      assert.deepEqual(await store.read((tx) => tx.getIdempotency('old')), {
        requestHash: 'h1',
        response: '{"a":1}',
        createdAtMs: 1000,
      });
      assert.equal(await store.read((tx) => tx.getIdempotency('missing')), undefined);
      assert.equal(await store.currentRevision(), 0, 'idempotency entries take no revision');

      await store.write((tx) =>
        tx.putIdempotency('old', { requestHash: 'h3', response: 'r', createdAtMs: 2000 }),
      );
      assert.equal((await store.read((tx) => tx.getIdempotency('old')))?.requestHash, 'h3');

      assert.equal(await store.pruneIdempotency(2000), 0, 'the cut-off is exclusive');
      assert.equal(await store.pruneIdempotency(4000), 1);
      assert.equal(await store.read((tx) => tx.getIdempotency('old')), undefined);
      assert.equal((await store.read((tx) => tx.getIdempotency('new')))?.response, '{"b":2}');
    });

    test('data, revision, references, idempotency and history survive a reopen', async () => {
      await store.write(async (tx) => {
        await tx.put(makeRecord(node('a'), { tags: [{ key: 'k', value: 'v' }] }), []);
        await tx.put(makeRecord(service('s')), [node('a')]);
        await tx.putIdempotency('t', { requestHash: 'h', response: 'r', createdAtMs: 7 });
      });
      await store.write((tx) => tx.delete(node('gone')));
      await putAll(store, [node('b')]);
      await store.write((tx) => tx.delete(node('b')));

      store = await fixture.reopen();
      assert.equal(await store.currentRevision(), 4);
      const state = await store.read(async (tx) => ({
        a: await tx.get(node('a')),
        b: await tx.get(node('b')),
        referrers: names(await tx.referrers(node('a'))),
        token: await tx.getIdempotency('t'),
      }));
      assert.deepEqual(state.a, {
        ...makeRecord(node('a'), { tags: [{ key: 'k', value: 'v' }] }),
        revision: 1,
      });
      assert.equal(state.b, undefined);
      assert.deepEqual(state.referrers, ['s']);
      assert.deepEqual(state.token, { requestHash: 'h', response: 'r', createdAtMs: 7 });

      const feed = collectFeed(store, 0);
      await until(() => feed.revisions().length === 4, 'history after reopen');
      assert.deepEqual(feed.revisions(), [1, 2, 3, 4]);
      await putAll(store, [node('c')]);
      assert.equal(await store.currentRevision(), 5, 'revisions continue after a reopen');
      await until(() => feed.revisions().length === 5, 'a live change after reopen');
      feed.watch.close();
    });

    test('closing the store ends its watches and refuses further calls', async () => {
      await putAll(store, [node('a')]);
      const feed = collectFeed(store, 0);
      await until(() => feed.revisions().length === 1, 'history');
      await store.close();
      await until(() => feed.errors.length === 1, 'the watch to end');
      assert.ok(feed.errors[0] instanceof StoreUnavailableError);
      await assert.rejects(
        store.read((tx) => tx.get(node('a'))),
        StoreUnavailableError,
      );
      await assert.rejects(
        store.write((tx) => tx.delete(node('a'))),
        StoreUnavailableError,
      );
      await store.close();
    });
  });
}
