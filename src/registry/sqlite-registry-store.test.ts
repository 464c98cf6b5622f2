// SqliteRegistryStore: CRUD, validation, conflicts, change notifications, discovery and persistence.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StoreUnavailableError } from '../store/store.ts';
import { RegistryConflictError, RegistryNotFoundError, RegistryValidationError } from './registry-errors.ts';
import type { InstanceRegistration } from './registry-model.ts';
import type { RegistryChange } from './registry-store.ts';
import { SqliteRegistryStore, registryFileName } from './sqlite-registry-store.ts';

interface Fixture {
  registry: SqliteRegistryStore;
  dataDir: string;
  clock: { ms: number };
  listenerErrors: unknown[];
}

async function withRegistry(body: (fixture: Fixture) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-registry-'));
  const clock = { ms: 1_000 };
  const listenerErrors: unknown[] = [];
  const registry = await SqliteRegistryStore.open({
    dataDir,
    now: () => clock.ms,
    onListenerError: (error) => listenerErrors.push(error),
  });
  try {
    await body({ registry, dataDir, clock, listenerErrors });
  } finally {
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function instance(id: string, extra: Partial<InstanceRegistration> = {}): InstanceRegistration {
  return {
    namespaceName: 'ns',
    serviceName: 'color',
    instanceId: id,
    address: '10.0.0.1',
    port: 8080,
    ...extra,
  };
}

async function seed(registry: SqliteRegistryStore): Promise<void> {
  await registry.putNamespace('ns');
  await registry.putService('ns', 'color');
}

function violationPaths(error: unknown): string[] {
  assert.ok(error instanceof RegistryValidationError, `expected a validation error, got ${String(error)}`);
  return error.violations.map((v) => v.path);
}

test('namespaces and services: create is idempotent, list is ordered, delete refuses while in use', async () => {
  await withRegistry(async ({ registry, clock }) => {
    const first = await registry.putNamespace('b.local');
    assert.deepEqual(first, { value: { name: 'b.local', createdAtMs: 1_000 }, created: true });
    clock.ms = 2_000;
    assert.deepEqual(await registry.putNamespace('b.local'), { ...first, created: false });
    await registry.putNamespace('a.local');
    assert.deepEqual(
      (await registry.listNamespaces()).map((n) => n.name),
      ['a.local', 'b.local'],
    );
    assert.equal((await registry.putService('b.local', 'svc')).created, true);
    assert.deepEqual(await registry.getService('b.local', 'svc'), {
      namespaceName: 'b.local',
      name: 'svc',
      createdAtMs: 2_000,
    });
    assert.deepEqual(await registry.listServices('b.local'), [await registry.getService('b.local', 'svc')]);
    await assert.rejects(registry.deleteNamespace('b.local'), RegistryConflictError);
    await registry.deleteService('b.local', 'svc');
    assert.equal((await registry.deleteNamespace('b.local')).name, 'b.local');
    assert.equal(await registry.getNamespace('b.local'), undefined);
  });
});

test('missing parents and entries are NotFound naming what is missing', async () => {
  await withRegistry(async ({ registry }) => {
    await assert.rejects(registry.putService('nope', 's'), /namespace nope does not exist/);
    await assert.rejects(registry.listServices('nope'), RegistryNotFoundError);
    await registry.putNamespace('ns');
    await assert.rejects(
      registry.registerInstance(instance('i-1')),
      /service color does not exist in namespace ns/,
    );
    await assert.rejects(registry.deleteService('ns', 'color'), RegistryNotFoundError);
    await registry.putService('ns', 'color');
    await assert.rejects(registry.deregisterInstance('ns', 'color', 'i-9'), /instance i-9 is not registered/);
    await assert.rejects(registry.setInstanceHealth('ns', 'color', 'i-9', 'HEALTHY'), RegistryNotFoundError);
    await assert.rejects(registry.heartbeat('ns', 'color', 'i-9'), RegistryNotFoundError);
  });
});

test('instances: register fills AWS_INSTANCE_* attributes, re-register keeps registeredAtMs and health', async () => {
  await withRegistry(async ({ registry, clock }) => {
    await seed(registry);
    const { value, created } = await registry.registerInstance(
      instance('i-1', { attributes: { version: 'v1', AWS_INSTANCE_IPV6: '2001:db8::1' }, health: 'HEALTHY' }),
    );
    assert.equal(created, true);
    assert.deepEqual(value, {
      namespaceName: 'ns',
      serviceName: 'color',
      instanceId: 'i-1',
      address: '10.0.0.1',
      port: 8080,
      attributes: {
        version: 'v1',
        AWS_INSTANCE_IPV6: '2001:db8::1',
        AWS_INSTANCE_IPV4: '10.0.0.1',
        AWS_INSTANCE_PORT: '8080',
      },
      health: 'HEALTHY',
      registeredAtMs: 1_000,
      lastHeartbeatMs: 1_000,
    });
    clock.ms = 5_000;
    const again = await registry.registerInstance(instance('i-1', { port: 9090 }));
    assert.equal(again.created, false);
    assert.equal(again.value.port, 9090);
    assert.equal(again.value.health, 'HEALTHY', 'health omitted on re-register stays as it was');
    assert.equal(again.value.registeredAtMs, 1_000);
    assert.equal(again.value.lastHeartbeatMs, 5_000);
    assert.deepEqual(again.value.attributes, { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '9090' });
    assert.deepEqual(await registry.getInstance('ns', 'color', 'i-1'), again.value);

    const fresh = await registry.registerInstance(instance('i-2', { address: 'fd00::2' }));
    assert.equal(fresh.value.health, 'UNKNOWN');
    assert.equal(fresh.value.attributes['AWS_INSTANCE_IPV6'], 'fd00::2');

    clock.ms = 7_000;
    assert.equal((await registry.heartbeat('ns', 'color', 'i-2')).lastHeartbeatMs, 7_000);
    assert.equal((await registry.setInstanceHealth('ns', 'color', 'i-2', 'UNHEALTHY')).health, 'UNHEALTHY');
    assert.deepEqual(
      (await registry.listInstances('ns', 'color')).map((i) => i.instanceId),
      ['i-1', 'i-2'],
    );
    await assert.rejects(registry.deleteService('ns', 'color'), /still has 2 instances/);
    assert.equal((await registry.deregisterInstance('ns', 'color', 'i-1')).instanceId, 'i-1');
    assert.deepEqual(
      (await registry.listInstances('ns', 'color')).map((i) => i.instanceId),
      ['i-2'],
    );
  });
});

test('validation reports every bad field by path', async () => {
  await withRegistry(async ({ registry }) => {
    await seed(registry);
    const bad = {
      ...instance('bad id'),
      address: 'example.com',
      port: 70000,
      attributes: { 'has space': 'x', ok: ' leading space' },
      health: 'GREAT',
    } as unknown as InstanceRegistration;
    const error = await registry.registerInstance(bad).catch((e: unknown) => e);
    assert.deepEqual(violationPaths(error).sort(), [
      'address',
      'attributes.has space',
      'attributes.ok',
      'health',
      'instanceId',
      'port',
    ]);
    const clash = await registry
      .registerInstance(
        instance('i-1', {
          attributes: { AWS_INSTANCE_IPV4: '10.9.9.9', AWS_INSTANCE_IPV6: '1.2.3.4', AWS_INSTANCE_PORT: '1' },
        }),
      )
      .catch((e: unknown) => e);
    assert.deepEqual(violationPaths(clash), [
      'attributes.AWS_INSTANCE_IPV4',
      'attributes.AWS_INSTANCE_IPV6',
      'attributes.AWS_INSTANCE_PORT',
    ]);
    const zoned = await registry
      .registerInstance(instance('i-1', { address: 'fe80::1%eth0' }))
      .catch((e: unknown) => e);
    assert.match(String(zoned), /address must not carry a zone index/);
    assert.deepEqual(violationPaths(await registry.putNamespace('a/b').catch((e: unknown) => e)), [
      'namespaceName',
    ]);
    const empty = violationPaths(await registry.putNamespace('').catch((e: unknown) => e));
    assert.deepEqual([...new Set(empty)], ['namespaceName']);
    const tooMany = Object.fromEntries(Array.from({ length: 31 }, (_, n) => [`k${n}`, 'v']));
    assert.deepEqual(
      violationPaths(
        await registry.registerInstance(instance('i-1', { attributes: tooMany })).catch((e: unknown) => e),
      ),
      ['attributes'],
    );
    assert.deepEqual(
      violationPaths(
        await registry
          .setInstanceHealth('ns', 'color', 'i-1', 'DEAD' as unknown as 'HEALTHY')
          .catch((e: unknown) => e),
      ),
      ['health'],
    );
  });
});

test('change listeners hear every committed change in order, and nothing for no-op writes', async () => {
  await withRegistry(async ({ registry, clock, listenerErrors }) => {
    const heard: RegistryChange[] = [];
    const stop = registry.onChange((change) => heard.push(change));
    registry.onChange(() => {
      throw new Error('a broken listener does not stop the others');
    });
    await seed(registry);
    await registry.putNamespace('ns'); // exists: no change
    const { value } = await registry.registerInstance(instance('i-1'));
    clock.ms = 2_000;
    await registry.registerInstance(instance('i-1')); // same endpoint, only the heartbeat moves
    await registry.heartbeat('ns', 'color', 'i-1');
    await registry.setInstanceHealth('ns', 'color', 'i-1', 'UNKNOWN'); // unchanged
    const unhealthy = await registry.setInstanceHealth('ns', 'color', 'i-1', 'UNHEALTHY');
    await registry.deregisterInstance('ns', 'color', 'i-1');
    await assert.rejects(registry.deleteNamespace('ns'), RegistryConflictError); // rolled back: no change
    assert.deepEqual(heard, [
      { kind: 'namespace', op: 'put', namespaceName: 'ns' },
      { kind: 'service', op: 'put', namespaceName: 'ns', serviceName: 'color' },
      {
        kind: 'instance',
        op: 'put',
        namespaceName: 'ns',
        serviceName: 'color',
        instanceId: 'i-1',
        instance: value,
      },
      {
        kind: 'instance',
        op: 'put',
        namespaceName: 'ns',
        serviceName: 'color',
        instanceId: 'i-1',
        instance: unhealthy,
      },
      {
        kind: 'instance',
        op: 'delete',
        namespaceName: 'ns',
        serviceName: 'color',
        instanceId: 'i-1',
        instance: unhealthy,
      },
    ]);
    assert.equal(listenerErrors.length, 5, 'the broken listener was called for each change');
    stop();
    await registry.deleteService('ns', 'color');
    assert.equal(heard.length, 5, 'no changes after unsubscribing');
  });
});

test('discoverInstances: all attribute pairs must match; unhealthy only when asked; unknown names give []', async () => {
  await withRegistry(async ({ registry }) => {
    await seed(registry);
    await registry.registerInstance(
      instance('a', { attributes: { version: 'v1', zone: 'z1' }, health: 'HEALTHY' }),
    );
    await registry.registerInstance(instance('b', { attributes: { version: 'v1', zone: 'z2' } }));
    await registry.registerInstance(instance('c', { attributes: { version: 'v2', zone: 'z1' } }));
    await registry.registerInstance(
      instance('d', { attributes: { version: 'v1', zone: 'z1' }, health: 'UNHEALTHY' }),
    );
    const ids = async (query: Parameters<SqliteRegistryStore['discoverInstances']>[0]) =>
      (await registry.discoverInstances(query)).map((i) => i.instanceId);
    const base = { namespaceName: 'ns', serviceName: 'color' };
    assert.deepEqual(await ids(base), ['a', 'b', 'c']);
    assert.deepEqual(await ids({ ...base, attributes: { version: 'v1' } }), ['a', 'b']);
    assert.deepEqual(await ids({ ...base, attributes: { version: 'v1', zone: 'z1' } }), ['a']);
    assert.deepEqual(
      await ids({ ...base, attributes: { version: 'v1', zone: 'z1' }, includeUnhealthy: true }),
      ['a', 'd'],
    );
    assert.deepEqual(await ids({ ...base, attributes: { AWS_INSTANCE_PORT: '8080', version: 'v2' } }), ['c']);
    assert.deepEqual(await ids({ ...base, attributes: { version: 'v3' } }), []);
    assert.deepEqual(await ids({ namespaceName: 'other', serviceName: 'color' }), []);
    assert.deepEqual(
      (await registry.listInstances('ns', 'color', { health: ['UNHEALTHY', 'UNKNOWN'] })).map(
        (i) => i.instanceId,
      ),
      ['b', 'c', 'd'],
    );
  });
});

test('everything survives close and reopen; the file is in WAL mode at schema version 1', async () => {
  await withRegistry(async ({ registry, dataDir }) => {
    await seed(registry);
    const { value } = await registry.registerInstance(instance('i-1', { attributes: { version: 'v1' } }));
    await registry.close();
    await assert.rejects(registry.listNamespaces(), StoreUnavailableError);
    const reopened = await SqliteRegistryStore.open({ dataDir });
    try {
      assert.deepEqual(await reopened.listNamespaces(), [{ name: 'ns', createdAtMs: 1_000 }]);
      assert.deepEqual(await reopened.listInstances('ns', 'color'), [value]);
    } finally {
      await reopened.close();
    }
    const raw = new DatabaseSync(join(dataDir, registryFileName), { readOnly: true });
    try {
      assert.equal(raw.prepare('PRAGMA journal_mode').get()?.['journal_mode'], 'wal');
      assert.equal(raw.prepare('PRAGMA user_version').get()?.['user_version'], 1);
    } finally {
      raw.close();
    }
  });
});

test('open fails with StoreUnavailableError when the data directory is unusable', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-registry-'));
  try {
    const file = join(dataDir, 'not-a-dir');
    await writeFile(file, 'x');
    await assert.rejects(SqliteRegistryStore.open({ dataDir: file }), (error: unknown) => {
      assert.ok(error instanceof StoreUnavailableError);
      assert.match(error.message, /cannot open registry/);
      return true;
    });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
