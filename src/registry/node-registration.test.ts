// Registration by virtual node: against a real App Mesh store, directly and over the HTTP API.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { resourceKey } from '../model/resource-key.ts';
import { makeRecord } from '../store/store-contract.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { createEndpointResolver } from './endpoint-resolver.ts';
import { registerRegistryRoutes } from './http/registry-routes.ts';
import { registerNodeInstance } from './node-registration.ts';
import { RegistryConflictError, RegistryNotFoundError } from './registry-errors.ts';
import { SqliteRegistryStore } from './sqlite-registry-store.ts';

const cloudMapNode = {
  listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
  serviceDiscovery: {
    awsCloudMap: {
      namespaceName: 'apps.local',
      serviceName: 'colors',
      attributes: [{ key: 'version', value: 'blue' }],
    },
  },
};

/** One data directory holding both the App Mesh store and the registry, as the control plane has it. */
async function fixture(t: TestContext) {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-node-registration-'));
  const store = await SqliteStore.open({ dataDir });
  const registry = await SqliteRegistryStore.open({ dataDir });
  t.after(async () => {
    await registry.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await store.write(async (tx) => {
    await tx.put(makeRecord(resourceKey('mesh', '', 'demo')), []);
    await tx.put(makeRecord(resourceKey('virtualNode', 'demo', 'blue'), { spec: cloudMapNode }), []);
    await tx.put(
      makeRecord(resourceKey('virtualNode', 'demo', 'dns-node'), {
        spec: { serviceDiscovery: { dns: { hostname: 'x.local' } } },
      }),
      [],
    );
  });
  return { store, registry };
}

test('a node instance lands in the node’s namespace and service, with the node’s attributes, and is discovered', async (t) => {
  const { store, registry } = await fixture(t);
  const { value, created } = await registerNodeInstance(store, registry, {
    meshName: 'demo',
    virtualNodeName: 'blue',
    instanceId: 'blue-sidecar-1',
    address: '127.0.0.1',
    port: 15000,
    attributes: { version: 'ignored-node-wins', host: 'a' },
  });
  assert.equal(created, true);
  assert.equal(value.namespaceName, 'apps.local');
  assert.equal(value.serviceName, 'colors');
  assert.deepEqual(value.attributes, {
    version: 'blue',
    host: 'a',
    SWITCHYARD_VIRTUAL_NODE: 'mesh/demo/virtualNode/blue',
    AWS_INSTANCE_IPV4: '127.0.0.1',
    AWS_INSTANCE_PORT: '15000',
  });
  const resolve = createEndpointResolver({ registry });
  assert.deepEqual(await resolve(cloudMapNode.serviceDiscovery, { port: 8080 }), [
    { address: '127.0.0.1', port: 15000, health: 'UNKNOWN', instanceId: 'blue-sidecar-1' },
  ]);
  const base = { instanceId: 'i', address: '127.0.0.1', port: 1 };
  await assert.rejects(
    registerNodeInstance(store, registry, { ...base, meshName: 'demo', virtualNodeName: 'nope' }),
    (error: unknown) =>
      error instanceof RegistryNotFoundError &&
      /virtual node nope does not exist in mesh demo/.test(error.message),
  );
  await assert.rejects(
    registerNodeInstance(store, registry, { ...base, meshName: 'demo', virtualNodeName: 'dns-node' }),
    RegistryConflictError,
  );
});

test('over HTTP: PUT /meshes/{mesh}/virtualNodes/{node}/instances/{id}, then heartbeat and delete by namespace and service', async (t) => {
  const { store, registry } = await fixture(t);
  const app = Fastify();
  registerRegistryRoutes(app, registry, { store });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const base = `${origin}/switchyard/v1/registry`;
  const put = await fetch(`${base}/meshes/demo/virtualNodes/blue/instances/sidecar-1`, {
    method: 'PUT',
    body: JSON.stringify({ address: '127.0.0.1', port: 15000, health: 'HEALTHY' }),
  });
  assert.equal(put.status, 201);
  const instance = (await put.json()) as { namespaceName: string; serviceName: string; instanceId: string };
  const at = `${base}/namespaces/${instance.namespaceName}/services/${instance.serviceName}/instances/${instance.instanceId}`;
  assert.equal((await fetch(`${at}/heartbeat`, { method: 'PUT' })).status, 200);
  assert.equal((await fetch(at, { method: 'DELETE' })).status, 200);
  assert.deepEqual(await registry.listInstances('apps.local', 'colors'), []);

  const dns = await fetch(`${base}/meshes/demo/virtualNodes/dns-node/instances/s`, {
    method: 'PUT',
    body: JSON.stringify({ address: '127.0.0.1', port: 15000 }),
  });
  assert.equal(dns.status, 409);
  assert.match(((await dns.json()) as { message: string }).message, /does not use awsCloudMap/);
  const missing = await fetch(`${base}/meshes/demo/virtualNodes/ghost/instances/s`, {
    method: 'PUT',
    body: JSON.stringify({ address: '127.0.0.1', port: 15000 }),
  });
  assert.equal(missing.status, 404);
});

test('without the App Mesh store, registration by node answers 404 and says why', async (t) => {
  const { registry } = await fixture(t);
  const app = Fastify();
  registerRegistryRoutes(app, registry);
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const reply = await fetch(`${origin}/switchyard/v1/registry/meshes/demo/virtualNodes/blue/instances/s`, {
    method: 'PUT',
    body: JSON.stringify({ address: '127.0.0.1', port: 15000 }),
  });
  assert.equal(reply.status, 404);
  assert.match(((await reply.json()) as { message: string }).message, /not enabled/);
});
