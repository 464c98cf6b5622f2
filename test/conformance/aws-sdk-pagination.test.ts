// Conformance: the SDK's own paginators walk 250 resources exactly once each, with and without a page size.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  paginateListMeshes,
  paginateListTagsForResource,
  paginateListVirtualNodes,
  TagResourceCommand,
  type AppMeshClient,
} from '@aws-sdk/client-app-mesh';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { arnOf, sdkClient } from './sdk-client.ts';

const total = 250;
const names = Array.from({ length: total }, (_, i) => `item-${String(i).padStart(3, '0')}`);

let cp: TestControlPlane;
let client: AppMeshClient;

before(async () => {
  cp = await startTestControlPlane(['meshesPerAccount=300', 'virtualNodesPerMesh=300']);
  client = sdkClient(cp.endpoint);
  await client.send(new CreateMeshCommand({ meshName: 'paged' }));
  // Sequential: the point is the listing, not write concurrency.
  for (const name of names) {
    await client.send(new CreateVirtualNodeCommand({ meshName: 'paged', virtualNodeName: name, spec: {} }));
  }
  for (const name of names.slice(1)) await client.send(new CreateMeshCommand({ meshName: name }));
});
after(async () => {
  client?.destroy();
  await cp?.close();
});

/** Drains a paginator, returning the size of each page and every item name in the order seen. */
async function walk<P>(pages: AsyncIterable<P>, itemsOf: (page: P) => string[]) {
  const sizes: number[] = [];
  const seen: string[] = [];
  for await (const page of pages) {
    const items = itemsOf(page);
    sizes.push(items.length);
    seen.push(...items);
  }
  return { sizes, seen };
}

function assertEachOnce(seen: readonly string[], expected: readonly string[]) {
  assert.equal(new Set(seen).size, seen.length, 'no item may appear twice');
  assert.deepEqual([...seen].sort(), [...expected].sort());
}

describe('SDK paginators over 250 resources', () => {
  test('paginateListVirtualNodes with pageSize 40', async () => {
    const { sizes, seen } = await walk(
      paginateListVirtualNodes({ client, pageSize: 40 }, { meshName: 'paged' }),
      (page) => (page.virtualNodes ?? []).map((n) => n.virtualNodeName!),
    );
    assert.deepEqual(sizes, [40, 40, 40, 40, 40, 40, 10]);
    assertEachOnce(seen, names);
  });

  test('paginateListVirtualNodes with no page size uses the server default of 100', async () => {
    const { sizes, seen } = await walk(paginateListVirtualNodes({ client }, { meshName: 'paged' }), (page) =>
      (page.virtualNodes ?? []).map((n) => n.virtualNodeName!),
    );
    assert.deepEqual(sizes, [100, 100, 50]);
    assertEachOnce(seen, names);
  });

  test('paginateListMeshes with pageSize 40 and with no page size', async () => {
    const meshNames = ['paged', ...names.slice(1)];
    for (const pageSize of [40, undefined]) {
      const { sizes, seen } = await walk(paginateListMeshes({ client, pageSize }, {}), (page) =>
        (page.meshes ?? []).map((m) => m.meshName!),
      );
      assert.equal(
        sizes.reduce((a, b) => a + b, 0),
        total,
      );
      assert.ok(
        sizes.every((size) => size <= (pageSize ?? 100)),
        `page sizes ${sizes.join(',')}`,
      );
      assertEachOnce(seen, meshNames);
    }
  });

  test('paginateListTagsForResource walks 50 tags in pages of 20', async () => {
    const resourceArn = arnOf('mesh/paged/virtualNode/item-000');
    const tags = Array.from({ length: 50 }, (_, i) => ({
      key: `k${String(i).padStart(2, '0')}`,
      value: `${i}`,
    }));
    await client.send(new TagResourceCommand({ resourceArn, tags }));
    const { sizes, seen } = await walk(
      paginateListTagsForResource({ client, pageSize: 20 }, { resourceArn }),
      (page) => (page.tags ?? []).map((t) => t.key!),
    );
    assert.deepEqual(sizes, [20, 20, 10]);
    assertEachOnce(
      seen,
      tags.map((t) => t.key),
    );
  });
});
