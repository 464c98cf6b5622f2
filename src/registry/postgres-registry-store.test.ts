// PostgresRegistryStore against a real PostgreSQL server: two replicas' registries on one database see the same
// instances, each one's listeners hear every write in order, quotas hold across them, and proxy streams and the
// expiry lock are shared.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  postgresSkipReason,
  startPostgresServer,
  type PostgresServer,
} from '../../test/support/postgres-server.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { StoreUnavailableError } from '../store/store.ts';
import { PostgresRegistryStore, type PostgresRegistryStoreOptions } from './postgres-registry-store.ts';
import {
  RegistryConflictError,
  RegistryLimitExceededError,
  RegistryNotFoundError,
} from './registry-errors.ts';
import type { RegistryChange } from './registry-store.ts';

const skip = postgresSkipReason();
let server: Promise<PostgresServer> | undefined;
let databases = 0;

after(async () => {
  await (await server)?.cleanup();
});

async function withRegistries(
  options: Omit<PostgresRegistryStoreOptions, 'url'>,
  body: (registries: [PostgresRegistryStore, PostgresRegistryStore], url: string) => Promise<void>,
): Promise<void> {
  server ??= startPostgresServer();
  const running = await server;
  const name = `registry_${process.pid}_${++databases}`;
  const url = await running.createDatabase(name);
  const opened: PostgresRegistryStore[] = [];
  try {
    // Opened together: both apply (once) the registry migrations.
    opened.push(...(await Promise.all([0, 1].map(() => PostgresRegistryStore.open({ url, ...options })))));
    await body(opened as [PostgresRegistryStore, PostgresRegistryStore], url);
  } finally {
    for (const registry of opened) await registry.close();
    await running.dropDatabase(name);
  }
}

const describe = (change: RegistryChange): string =>
  `${change.kind} ${change.op} ${'instanceId' in change ? change.instanceId : 'serviceName' in change ? change.serviceName : change.namespaceName}`;

test('two replicas see the same registry and each hears every write, in order', { skip }, async () => {
  await withRegistries({}, async ([a, b]) => {
    const heard: [string[], string[]] = [[], []];
    a.onChange((change) => heard[0].push(describe(change)));
    b.onChange((change) => heard[1].push(describe(change)));
    await a.putNamespace('ns');
    // A write resolves once its own replica's listeners heard it.
    assert.deepEqual(heard[0], ['namespace put ns']);
    await b.putService('ns', 'color');
    await a.registerInstance({
      namespaceName: 'ns',
      serviceName: 'color',
      instanceId: 'i-1',
      address: '10.0.0.1',
      port: 80,
    });
    await b.registerInstance({
      namespaceName: 'ns',
      serviceName: 'color',
      instanceId: 'i-2',
      address: '10.0.0.2',
      port: 80,
    });
    // Re-registering the same endpoint changes nothing a listener cares about.
    await b.registerInstance({
      namespaceName: 'ns',
      serviceName: 'color',
      instanceId: 'i-1',
      address: '10.0.0.1',
      port: 80,
    });
    await a.setInstanceHealth('ns', 'color', 'i-2', 'UNHEALTHY');
    await b.deregisterInstance('ns', 'color', 'i-1');
    const expected = [
      'namespace put ns',
      'service put color',
      'instance put i-1',
      'instance put i-2',
      'instance put i-2',
      'instance delete i-1',
    ];
    await waitFor('both replicas hearing every change', () =>
      heard.every((h) => h.length === expected.length),
    );
    assert.deepEqual(heard, [expected, expected]);

    assert.deepEqual(
      (await a.listInstances('ns', 'color')).map((i) => [i.instanceId, i.health]),
      [['i-2', 'UNHEALTHY']],
    );
    assert.deepEqual(
      (await b.discoverInstances({ namespaceName: 'ns', serviceName: 'color', includeUnhealthy: true })).map(
        (i) => i.instanceId,
      ),
      ['i-2'],
    );
    await assert.rejects(a.deleteService('ns', 'color'), RegistryConflictError);
    await assert.rejects(b.deleteNamespace('ns'), RegistryConflictError);
    await assert.rejects(a.getInstance('ns', 'color', 'bad id!'), /instanceId/);
    await assert.rejects(b.heartbeat('ns', 'color', 'i-9'), RegistryNotFoundError);
    await assert.rejects(b.listServices('nope'), RegistryNotFoundError);
  });
});

test('the instances-per-service quota holds across replicas registering at once', { skip }, async () => {
  await withRegistries({ maxInstancesPerService: 5 }, async ([a, b]) => {
    await a.putNamespace('ns');
    await a.putService('ns', 'svc');
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? a : b).registerInstance({
          namespaceName: 'ns',
          serviceName: 'svc',
          instanceId: `i-${i}`,
          address: '10.0.0.1',
          port: 1000 + i,
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
    for (const r of results)
      if (r.status === 'rejected')
        assert.ok(r.reason instanceof RegistryLimitExceededError, String(r.reason));
    assert.equal((await b.listInstances('ns', 'svc')).length, 5);
  });
});

test(
  'proxy streams count for every replica until theirs stops beating; expiry runs on one replica at a time',
  { skip },
  async () => {
    await withRegistries({ heartbeatMs: 60_000 }, async ([a, b], url) => {
      await a.sharedStreams.opened('token-1');
      await a.sharedStreams.opened('token-1');
      assert.equal(await b.sharedStreams.anyOpen('token-1'), true);
      await a.sharedStreams.closed('token-1');
      assert.equal(await b.sharedStreams.anyOpen('token-1'), true);
      await a.sharedStreams.closed('token-1');
      assert.equal(await b.sharedStreams.anyOpen('token-1'), false);

      // A replica that stops beating (a crash) no longer keeps its proxies' instances alive.
      await a.sharedStreams.opened('token-2');
      assert.equal(await b.sharedStreams.anyOpen('token-2'), true);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query('UPDATE registry_replicas SET heartbeat_ms = 0');
      } finally {
        await admin.end();
      }
      assert.equal(await b.sharedStreams.anyOpen('token-2'), false);

      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const first = a.sharedStreams.exclusively(async () => {
        entered();
        await held;
        return 'a ran';
      });
      await inside;
      assert.equal(await b.sharedStreams.exclusively(async () => 'b ran'), undefined);
      release();
      assert.equal(await first, 'a ran');
      assert.equal(await b.sharedStreams.exclusively(async () => 'b ran'), 'b ran');
    });
  },
);

test('a closed registry refuses calls with StoreUnavailableError', { skip }, async () => {
  await withRegistries({}, async ([a]) => {
    await a.close();
    await assert.rejects(a.listNamespaces(), StoreUnavailableError);
    await assert.rejects(a.putNamespace('ns'), StoreUnavailableError);
  });
});
