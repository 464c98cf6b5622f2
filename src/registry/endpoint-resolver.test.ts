// Endpoint resolution for awsCloudMap (from a real registry) and dns (through an injected resolver).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import type { ServiceDiscovery } from '../model/specs/virtual-node.ts';
import {
  createEndpointResolver,
  EndpointResolutionError,
  systemLookup,
  type HostLookup,
} from './endpoint-resolver.ts';
import { SqliteRegistryStore } from './sqlite-registry-store.ts';

async function withRegistry(body: (registry: SqliteRegistryStore) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-resolver-'));
  const registry = await SqliteRegistryStore.open({ dataDir });
  try {
    await body(registry);
  } finally {
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A resolver that answers from a fixed table; unknown names fail like getaddrinfo does. */
function tableLookup(table: Record<string, string[]>, asked: string[] = []): HostLookup {
  return async (hostname) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  };
}

test('awsCloudMap: serving instances matching every attribute, address per ipPreference, instance port', async () => {
  await withRegistry(async (registry) => {
    await registry.putNamespace('apps.local');
    await registry.putService('apps.local', 'colors');
    const put = (
      id: string,
      address: string,
      port: number,
      attributes: Record<string, string>,
      health?: 'UNHEALTHY',
    ) =>
      registry.registerInstance({
        namespaceName: 'apps.local',
        serviceName: 'colors',
        instanceId: id,
        address,
        port,
        attributes,
        ...(health ? { health } : {}),
      });
    await put('blue-1', '127.0.0.1', 8001, { color: 'blue', AWS_INSTANCE_IPV6: '::1' });
    await put('blue-2', '127.0.0.2', 8002, { color: 'blue' });
    await put('blue-3', '127.0.0.3', 8003, { color: 'blue' }, 'UNHEALTHY');
    await put('red-1', '127.0.0.4', 8004, { color: 'red' });
    const resolve = createEndpointResolver({ registry, lookup: tableLookup({}) });
    const discovery = (extra: object = {}): ServiceDiscovery => ({
      awsCloudMap: {
        namespaceName: 'apps.local',
        serviceName: 'colors',
        attributes: [{ key: 'color', value: 'blue' }],
        ...extra,
      },
    });
    assert.deepEqual(await resolve(discovery(), { port: 9999 }), [
      { address: '127.0.0.1', port: 8001, health: 'UNKNOWN', instanceId: 'blue-1' },
      { address: '127.0.0.2', port: 8002, health: 'UNKNOWN', instanceId: 'blue-2' },
    ]);
    const v6 = await resolve(discovery({ ipPreference: 'IPv6_ONLY' }), { port: 9999 });
    assert.deepEqual(
      v6.map((e) => e.address),
      ['::1'],
      'IPv6_ONLY drops instances without an IPv6 address',
    );
    const meshDefault = await resolve(discovery(), { port: 9999, meshIpPreference: 'IPv6_PREFERRED' });
    assert.deepEqual(
      meshDefault.map((e) => e.address),
      ['::1', '127.0.0.2'],
      'the mesh preference applies when the node has none',
    );
    const nodeWins = await resolve(discovery({ ipPreference: 'IPv4_ONLY' }), {
      port: 9999,
      meshIpPreference: 'IPv6_ONLY',
    });
    assert.deepEqual(
      nodeWins.map((e) => e.address),
      ['127.0.0.1', '127.0.0.2'],
    );
    const everything = await resolve(
      { awsCloudMap: { namespaceName: 'apps.local', serviceName: 'colors' } },
      { port: 9999 },
    );
    assert.deepEqual(
      everything.map((e) => e.instanceId),
      ['blue-1', 'blue-2', 'red-1'],
    );
    assert.deepEqual(
      await resolve({ awsCloudMap: { namespaceName: 'nowhere', serviceName: 'colors' } }, { port: 1 }),
      [],
    );
  });
});

test('dns: ENDPOINTS gives every address of the chosen family, LOADBALANCER (the default) the first', async () => {
  await withRegistry(async (registry) => {
    const asked: string[] = [];
    const lookup = tableLookup(
      { 'colors.mesh.local': ['127.0.0.5', '::1', '127.0.0.6', '127.0.0.5'] },
      asked,
    );
    const resolve = createEndpointResolver({ registry, lookup });
    const dns = (extra: object = {}): ServiceDiscovery => ({
      dns: { hostname: 'colors.mesh.local', ...extra },
    });
    assert.deepEqual(
      await resolve(dns({ responseType: 'ENDPOINTS', ipPreference: 'IPv4_PREFERRED' }), { port: 8080 }),
      [
        { address: '127.0.0.5', port: 8080, health: 'UNKNOWN' },
        { address: '127.0.0.6', port: 8080, health: 'UNKNOWN' },
      ],
    );
    assert.deepEqual(await resolve(dns({ ipPreference: 'IPv4_ONLY' }), { port: 8080 }), [
      { address: '127.0.0.5', port: 8080, health: 'UNKNOWN' },
    ]);
    assert.deepEqual(
      (await resolve(dns({ responseType: 'ENDPOINTS' }), { port: 8080 })).map((e) => e.address),
      ['::1'],
      'unset behaves as Envoy AUTO: IPv6 answers win',
    );
    assert.deepEqual(
      (await resolve(dns({ responseType: 'ENDPOINTS' }), { port: 8080, meshIpPreference: 'IPv4_ONLY' })).map(
        (e) => e.address,
      ),
      ['127.0.0.5', '127.0.0.6'],
    );
    assert.deepEqual(asked, Array(4).fill('colors.mesh.local'));
    await assert.rejects(resolve({ dns: { hostname: 'missing.local' } }, { port: 1 }), (error: unknown) => {
      assert.ok(error instanceof EndpointResolutionError);
      assert.match(error.message, /cannot resolve missing\.local: getaddrinfo ENOTFOUND/);
      assert.ok(error.cause instanceof Error);
      return true;
    });
  });
});

test('the system lookup resolves IP literals and localhost without the network', async () => {
  assert.deepEqual(await systemLookup('127.0.0.1'), [{ address: '127.0.0.1', family: 4 }]);
  assert.deepEqual(await systemLookup('::1'), [{ address: '::1', family: 6 }]);
  const local = await systemLookup('localhost');
  assert.ok(
    local.length > 0 && local.every((a) => a.address === '127.0.0.1' || a.address === '::1'),
    JSON.stringify(local),
  );
});
