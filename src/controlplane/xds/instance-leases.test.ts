// InstanceLeases with hand-fired timers and a real registry: who is removed, when, and who is kept.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SqliteRegistryStore } from '../../registry/sqlite-registry-store.ts';
import { InstanceLeases, proxyTokenAttribute, proxyTokenOf } from './instance-leases.ts';
import type { Node__Output } from '../../xds/protos/index.ts';

interface Timers {
  /** Pending timers, in the order they were set. */
  readonly pending: { fn: () => void; ms: number; cancelled: boolean }[];
  /** Fires every pending timer and waits for the removals they start. */
  fireAll(): Promise<void>;
}

async function harness(t: TestContext) {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-leases-'));
  const registry = await SqliteRegistryStore.open({ dataDir });
  await registry.putNamespace('ns');
  await registry.putService('ns', 'svc');
  const pending: Timers['pending'] = [];
  const timers: Timers = {
    pending,
    async fireAll() {
      for (const timer of pending.splice(0)) if (!timer.cancelled) timer.fn();
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    },
  };
  const newLeases = () =>
    new InstanceLeases({
      registry,
      graceMs: 30_000,
      logger: pino({ level: 'silent' }),
      setTimer: (fn, ms) => {
        const timer = { fn, ms, cancelled: false };
        pending.push(timer);
        return { cancel: () => (timer.cancelled = true) };
      },
    });
  const leases = newLeases();
  t.after(async () => {
    leases.close();
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const register = (id: string, token?: string) =>
    registry.registerInstance({
      namespaceName: 'ns',
      serviceName: 'svc',
      instanceId: id,
      address: '127.0.0.1',
      port: 8000,
      attributes: token ? { [proxyTokenAttribute]: token } : {},
    });
  const ids = async () => (await registry.listInstances('ns', 'svc')).map((i) => i.instanceId);
  return { registry, leases, newLeases, timers, register, ids };
}

test('the last stream closing starts the grace period; only that proxy’s instances go', async (t) => {
  const { leases, timers, register, ids } = await harness(t);
  leases.connected('token-aaaa');
  leases.connected('token-aaaa'); // a second stream of the same proxy
  leases.connected('token-bbbb');
  await register('a-1', 'token-aaaa');
  await register('a-2', 'token-aaaa');
  await register('b-1', 'token-bbbb');
  await register('manual');
  assert.equal(timers.pending.length, 0, 'live proxies start no timer');
  leases.disconnected('token-aaaa');
  assert.equal(timers.pending.length, 0, 'one stream of proxy a is still open');
  leases.disconnected('token-aaaa');
  assert.deepEqual(
    timers.pending.map((p) => p.ms),
    [30_000],
  );
  await timers.fireAll();
  assert.deepEqual(await ids(), ['b-1', 'manual']);
});

test('a proxy back within the grace period keeps its instances; a restarted one keeps its re-registration', async (t) => {
  const { leases, timers, register, ids } = await harness(t);
  leases.connected('token-aaaa');
  await register('a-1', 'token-aaaa');
  leases.disconnected('token-aaaa');
  leases.connected('token-aaaa');
  await timers.fireAll();
  assert.deepEqual(await ids(), ['a-1'], 'reconnected in time');

  // The process dies; its successor (new token) re-registers the same instance id before the old grace ends.
  leases.disconnected('token-aaaa');
  leases.connected('token-cccc');
  await register('a-1', 'token-cccc');
  await timers.fireAll();
  assert.deepEqual(await ids(), ['a-1'], 'the old token no longer owns a-1');
});

test('instances of proxies not connected at startup, or registered without a stream, get one grace period', async (t) => {
  const { leases, newLeases, timers, register, ids } = await harness(t);
  leases.close();
  await register('gone', 'token-dddd');
  await register('back', 'token-eeee');
  const restarted = newLeases();
  t.after(() => restarted.close());
  await restarted.adoptRegistered();
  assert.equal(timers.pending.length, 2);
  restarted.connected('token-eeee');
  await register('orphan', 'token-ffff'); // registered over HTTP, but no stream ever presents the token
  await timers.fireAll();
  assert.deepEqual(await ids(), ['back']);
});

test('closing (the control plane stopping) removes nothing', async (t) => {
  const { leases, timers, register, ids } = await harness(t);
  leases.connected('token-aaaa');
  await register('a-1', 'token-aaaa');
  leases.close();
  leases.disconnected('token-aaaa');
  await timers.fireAll();
  assert.deepEqual(await ids(), ['a-1']);
});

test('the node metadata token: absent, valid, or refused with a clear message', () => {
  const node = (fields?: Record<string, unknown>) =>
    ({ metadata: fields ? { fields } : null }) as Node__Output;
  assert.equal(proxyTokenOf(node()), undefined);
  assert.equal(
    proxyTokenOf(node({ 'switchyard.proxy_token': { stringValue: 'abc-123_XYZ' } })),
    'abc-123_XYZ',
  );
  assert.deepEqual(proxyTokenOf(node({ 'switchyard.proxy_token': { stringValue: 'short' } })), {
    error: 'node metadata switchyard.proxy_token must be a string of 8-128 characters [A-Za-z0-9_.:-]',
  });
  assert.ok(typeof proxyTokenOf(node({ 'switchyard.proxy_token': { numberValue: 12345678 } })) === 'object');
});
