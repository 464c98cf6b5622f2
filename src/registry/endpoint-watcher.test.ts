// EndpointWatcher: registry changes and DNS refreshes reach onEndpoints, only when endpoints change.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEndpointResolver, type Endpoint, type HostLookup } from './endpoint-resolver.ts';
import { EndpointWatcher } from './endpoint-watcher.ts';
import { SqliteRegistryStore } from './sqlite-registry-store.ts';

interface Harness {
  registry: SqliteRegistryStore;
  watcher: EndpointWatcher;
  events: [string, string[]][];
  errors: [string, string][];
  /** Hostname → addresses, read on every lookup; a missing name fails. */
  dns: Map<string, string[]>;
}

async function harness(t: TestContext, dnsRefreshMs = 0, lookup?: HostLookup): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-watcher-'));
  const registry = await SqliteRegistryStore.open({ dataDir });
  const dns = new Map<string, string[]>();
  const tableLookup: HostLookup = async (hostname) => {
    const addresses = dns.get(hostname);
    if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    return addresses.map((address) => ({ address, family: 4 as const }));
  };
  const events: [string, string[]][] = [];
  const errors: [string, string][] = [];
  const watcher = new EndpointWatcher({
    registry,
    resolve: createEndpointResolver({ registry, lookup: lookup ?? tableLookup }),
    onEndpoints: (key, endpoints) =>
      events.push([key, endpoints.map((e: Endpoint) => `${e.address}:${e.port}`)]),
    onError: (key, error) => errors.push([key, (error as Error).message]),
    dnsRefreshMs,
  });
  t.after(async () => {
    watcher.close();
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await registry.putNamespace('ns');
  await registry.putService('ns', 'colors');
  await registry.putService('ns', 'other');
  return { registry, watcher, events, errors, dns };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const cloudMap = {
  awsCloudMap: { namespaceName: 'ns', serviceName: 'colors', attributes: [{ key: 'v', value: '1' }] },
};

test('awsCloudMap watches follow registry writes to their service and ignore everything else', async (t) => {
  const { registry, watcher, events } = await harness(t);
  const register = (service: string, id: string, port: number, v = '1') =>
    registry.registerInstance({
      namespaceName: 'ns',
      serviceName: service,
      instanceId: id,
      address: '127.0.0.1',
      port,
      attributes: { v },
    });
  await watcher.watch('node-a', cloudMap, { port: 80 });
  assert.deepEqual(events, [['node-a', []]]);
  await register('colors', 'i-1', 8001);
  await until(() => events.length === 2, 'the new instance');
  assert.deepEqual(events[1], ['node-a', ['127.0.0.1:8001']]);
  await register('other', 'o-1', 9001);
  await register('colors', 'i-2', 8002, '2'); // filtered out by attributes: endpoints unchanged
  await registry.heartbeat('ns', 'colors', 'i-1');
  await registry.setInstanceHealth('ns', 'colors', 'i-1', 'UNHEALTHY');
  await until(() => events.length === 3, 'the instance turning unhealthy');
  assert.deepEqual(events[2], ['node-a', []]);
  assert.deepEqual(watcher.endpoints('node-a'), []);
  watcher.unwatch('node-a');
  await registry.setInstanceHealth('ns', 'colors', 'i-1', 'HEALTHY');
  await watcher.watch('node-b', cloudMap, { port: 80 }); // resolves after the write above
  assert.equal(events.length, 4, 'nothing for the unwatched key');
  assert.deepEqual(events[3], ['node-b', ['127.0.0.1:8001']]);
});

test('dns watches re-resolve on refresh, report failures and keep their last endpoints', async (t) => {
  const { watcher, events, errors, dns } = await harness(t);
  dns.set('colors.local', ['127.0.0.1', '127.0.0.2']);
  const discovery = { dns: { hostname: 'colors.local', responseType: 'ENDPOINTS' as const } };
  await watcher.watch('node-a', discovery, { port: 8080 });
  await watcher.refreshDns();
  assert.deepEqual(events, [['node-a', ['127.0.0.1:8080', '127.0.0.2:8080']]]);
  dns.set('colors.local', ['127.0.0.3']);
  await watcher.refreshDns();
  assert.deepEqual(events[1], ['node-a', ['127.0.0.3:8080']]);
  dns.delete('colors.local');
  await watcher.refreshDns();
  assert.deepEqual(errors, [['node-a', 'cannot resolve colors.local: getaddrinfo ENOTFOUND colors.local']]);
  assert.deepEqual(watcher.endpoints('node-a'), [{ address: '127.0.0.3', port: 8080, health: 'UNKNOWN' }]);
  assert.equal(events.length, 2);
});

test('the refresh timer re-resolves DNS on its own', async (t) => {
  const { watcher, events, dns } = await harness(t, 5);
  dns.set('colors.local', ['127.0.0.1']);
  await watcher.watch('node-a', { dns: { hostname: 'colors.local' } }, { port: 80 });
  dns.set('colors.local', ['127.0.0.9']);
  await until(() => events.length === 2, 'a timed refresh');
  assert.deepEqual(events[1], ['node-a', ['127.0.0.9:80']]);
});

test('a slow earlier lookup never overwrites a newer answer', async (t) => {
  const pending: ((address: string) => void)[] = [];
  const lookup: HostLookup = () =>
    new Promise((resolve) => pending.push((address) => resolve([{ address, family: 4 }])));
  const { watcher, events } = await harness(t, 0, lookup);
  const first = watcher.watch('node-a', { dns: { hostname: 'colors.local' } }, { port: 80 });
  const second = watcher.refreshDns();
  await until(() => pending.length === 2, 'both lookups');
  pending[1]!('127.0.0.2');
  await second;
  pending[0]!('127.0.0.1');
  await first;
  assert.deepEqual(events, [['node-a', ['127.0.0.2:80']]]);
  assert.deepEqual(watcher.endpoints('node-a')?.[0]?.address, '127.0.0.2');
});
