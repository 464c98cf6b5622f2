// Conformance: every one of the 38 App Mesh operations round-trips through the real @aws-sdk/client-app-mesh.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as appMesh from '@aws-sdk/client-app-mesh';
import {
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  DeleteGatewayRouteCommand,
  DeleteMeshCommand,
  DeleteRouteCommand,
  DeleteVirtualGatewayCommand,
  DeleteVirtualNodeCommand,
  DeleteVirtualRouterCommand,
  DeleteVirtualServiceCommand,
  DescribeGatewayRouteCommand,
  DescribeMeshCommand,
  DescribeRouteCommand,
  DescribeVirtualGatewayCommand,
  DescribeVirtualNodeCommand,
  DescribeVirtualRouterCommand,
  DescribeVirtualServiceCommand,
  ListGatewayRoutesCommand,
  ListMeshesCommand,
  ListRoutesCommand,
  ListTagsForResourceCommand,
  ListVirtualGatewaysCommand,
  ListVirtualNodesCommand,
  ListVirtualRoutersCommand,
  ListVirtualServicesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateGatewayRouteCommand,
  UpdateMeshCommand,
  UpdateRouteCommand,
  UpdateVirtualGatewayCommand,
  UpdateVirtualNodeCommand,
  UpdateVirtualRouterCommand,
  UpdateVirtualServiceCommand,
  type AppMeshClient,
  type ResourceMetadata,
} from '@aws-sdk/client-app-mesh';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import {
  accountId,
  arnOf,
  assertMetadata,
  gatewayRouteSpec,
  gatewaySpec,
  meshSpec,
  nodeSpec,
  routerSpec,
  sdkClient,
  weightedRouteSpec,
} from './sdk-client.ts';

let cp: TestControlPlane;
let client: AppMeshClient;
const sent = new Set<string>();
const started = Date.now();

before(async () => {
  cp = await startTestControlPlane();
  client = sdkClient(cp.endpoint);
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.add(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandName' },
  );
});
after(async () => {
  client?.destroy();
  await cp?.close();
});

const mesh = 'shop';
const meshArn = arnOf(`mesh/${mesh}`);
const created = new Map<string, ResourceMetadata>();

/** Update answers keep uid and createdAt, bump the version and move lastUpdatedAt forward. */
function assertUpdated(metadata: ResourceMetadata | undefined, arn: string, version = 2) {
  const first = created.get(arn);
  assert.ok(first, `no create recorded for ${arn}`);
  const now = assertMetadata(metadata, { arn, version, notBefore: started });
  assert.equal(now.uid, first.uid);
  assert.equal(now.createdAt!.getTime(), first.createdAt!.getTime());
  assert.ok(now.lastUpdatedAt!.getTime() >= first.lastUpdatedAt!.getTime());
}

function remember(metadata: ResourceMetadata | undefined, arn: string) {
  created.set(arn, assertMetadata(metadata, { arn, version: 1, notBefore: started }));
}

/** List items are Refs: names, owners, arn, version and Date timestamps, and no spec or status. */
function assertRef(item: object | undefined, names: Record<string, string>, arn: string) {
  assert.ok(item, `no list item for ${arn}`);
  const ref = item as Record<string, unknown>;
  for (const [member, value] of Object.entries(names)) assert.equal(ref[member], value, member);
  assert.equal(ref.arn, arn);
  assert.equal(ref.meshOwner, accountId);
  assert.equal(ref.resourceOwner, accountId);
  assert.equal(typeof ref.version, 'number');
  assert.ok(ref.createdAt instanceof Date);
  assert.ok(ref.lastUpdatedAt instanceof Date);
  assert.equal(ref.spec, undefined);
  assert.equal(ref.status, undefined);
}

describe('every operation round-trips through the AWS SDK', () => {
  test('Mesh: create, describe, update, list', async () => {
    const out = await client.send(new CreateMeshCommand({ meshName: mesh, spec: meshSpec, tags: [] }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.ok(out.$metadata.requestId);
    assert.equal(out.mesh?.meshName, mesh);
    assert.deepEqual(out.mesh?.spec, meshSpec);
    assert.deepEqual(out.mesh?.status, { status: 'ACTIVE' });
    remember(out.mesh?.metadata, meshArn);

    const described = await client.send(new DescribeMeshCommand({ meshName: mesh, meshOwner: accountId }));
    assert.deepEqual(described.mesh, out.mesh);

    const newSpec = { egressFilter: { type: 'DROP_ALL' as const } };
    const updated = await client.send(new UpdateMeshCommand({ meshName: mesh, spec: newSpec }));
    assert.deepEqual(updated.mesh?.spec, newSpec, 'update replaces the whole spec');
    assertUpdated(updated.mesh?.metadata, meshArn);

    const listed = await client.send(new ListMeshesCommand({}));
    assert.equal(listed.nextToken, undefined);
    const ref = listed.meshes?.find((m) => m.meshName === mesh);
    assertRef(ref, { meshName: mesh }, meshArn);
    assert.equal(ref?.version, 2);
  });

  test('VirtualNode: create two, describe, update, list', async () => {
    for (const name of ['cart-v1', 'cart-v2']) {
      const spec = nodeSpec(`${name}.shop.local`);
      const out = await client.send(
        new CreateVirtualNodeCommand({ meshName: mesh, virtualNodeName: name, spec }),
      );
      assert.equal(out.virtualNode?.meshName, mesh);
      assert.equal(out.virtualNode?.virtualNodeName, name);
      assert.deepEqual(out.virtualNode?.spec, spec);
      assert.deepEqual(out.virtualNode?.status, { status: 'ACTIVE' });
      remember(out.virtualNode?.metadata, arnOf(`mesh/${mesh}/virtualNode/${name}`));
    }
    const described = await client.send(
      new DescribeVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'cart-v1' }),
    );
    assert.deepEqual(described.virtualNode?.spec, nodeSpec('cart-v1.shop.local'));

    const newSpec = nodeSpec('cart-v2.internal', 9090);
    const updated = await client.send(
      new UpdateVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'cart-v2', spec: newSpec }),
    );
    assert.deepEqual(updated.virtualNode?.spec, newSpec);
    assertUpdated(updated.virtualNode?.metadata, arnOf(`mesh/${mesh}/virtualNode/cart-v2`));

    const listed = await client.send(new ListVirtualNodesCommand({ meshName: mesh, limit: 10 }));
    assert.deepEqual(listed.virtualNodes?.map((n) => n.virtualNodeName).sort(), ['cart-v1', 'cart-v2']);
    for (const ref of listed.virtualNodes ?? []) {
      const arn = arnOf(`mesh/${mesh}/virtualNode/${ref.virtualNodeName}`);
      assertRef(ref, { meshName: mesh }, arn);
    }
  });

  test('VirtualRouter: create, describe, update, list', async () => {
    const arn = arnOf(`mesh/${mesh}/virtualRouter/cart`);
    const out = await client.send(
      new CreateVirtualRouterCommand({ meshName: mesh, virtualRouterName: 'cart', spec: routerSpec }),
    );
    assert.equal(out.virtualRouter?.virtualRouterName, 'cart');
    assert.deepEqual(out.virtualRouter?.spec, routerSpec);
    assert.deepEqual(out.virtualRouter?.status, { status: 'ACTIVE' });
    remember(out.virtualRouter?.metadata, arn);

    const described = await client.send(
      new DescribeVirtualRouterCommand({ meshName: mesh, virtualRouterName: 'cart' }),
    );
    assert.deepEqual(described.virtualRouter, out.virtualRouter);

    const updated = await client.send(
      new UpdateVirtualRouterCommand({ meshName: mesh, virtualRouterName: 'cart', spec: routerSpec }),
    );
    assert.deepEqual(updated.virtualRouter?.spec, routerSpec);
    assertUpdated(updated.virtualRouter?.metadata, arn);

    const listed = await client.send(new ListVirtualRoutersCommand({ meshName: mesh }));
    assert.equal(listed.virtualRouters?.length, 1);
    assertRef(listed.virtualRouters?.[0], { virtualRouterName: 'cart' }, arn);
  });

  test('Route: weighted http route with retry policy, describe, update weights, list', async () => {
    const arn = arnOf(`mesh/${mesh}/virtualRouter/cart/route/split`);
    const spec = weightedRouteSpec([
      { node: 'cart-v1', weight: 50 },
      { node: 'cart-v2', weight: 50 },
    ]);
    const out = await client.send(
      new CreateRouteCommand({ meshName: mesh, virtualRouterName: 'cart', routeName: 'split', spec }),
    );
    assert.equal(out.route?.routeName, 'split');
    assert.equal(out.route?.virtualRouterName, 'cart');
    assert.equal(out.route?.meshName, mesh);
    assert.deepEqual(out.route?.spec, spec);
    assert.deepEqual(out.route?.status, { status: 'ACTIVE' });
    remember(out.route?.metadata, arn);

    const described = await client.send(
      new DescribeRouteCommand({ meshName: mesh, virtualRouterName: 'cart', routeName: 'split' }),
    );
    assert.deepEqual(described.route, out.route);

    const newSpec = weightedRouteSpec([
      { node: 'cart-v1', weight: 80 },
      { node: 'cart-v2', weight: 20 },
    ]);
    const updated = await client.send(
      new UpdateRouteCommand({
        meshName: mesh,
        virtualRouterName: 'cart',
        routeName: 'split',
        spec: newSpec,
      }),
    );
    assert.deepEqual(
      updated.route?.spec?.httpRoute?.action?.weightedTargets?.map((t) => t.weight),
      [80, 20],
    );
    assertUpdated(updated.route?.metadata, arn);

    const listed = await client.send(new ListRoutesCommand({ meshName: mesh, virtualRouterName: 'cart' }));
    assertRef(listed.routes?.[0], { meshName: mesh, virtualRouterName: 'cart', routeName: 'split' }, arn);
  });

  test('VirtualService: router provider, describe, update to node provider, list', async () => {
    const name = 'cart.shop.local';
    const arn = arnOf(`mesh/${mesh}/virtualService/${name}`);
    const spec = { provider: { virtualRouter: { virtualRouterName: 'cart' } } };
    const out = await client.send(
      new CreateVirtualServiceCommand({ meshName: mesh, virtualServiceName: name, spec }),
    );
    assert.equal(out.virtualService?.virtualServiceName, name);
    assert.deepEqual(out.virtualService?.spec, spec);
    assert.deepEqual(out.virtualService?.status, { status: 'ACTIVE' });
    remember(out.virtualService?.metadata, arn);

    const described = await client.send(
      new DescribeVirtualServiceCommand({ meshName: mesh, virtualServiceName: name }),
    );
    assert.deepEqual(described.virtualService, out.virtualService);

    const direct = { provider: { virtualNode: { virtualNodeName: 'cart-v1' } } };
    const updated = await client.send(
      new UpdateVirtualServiceCommand({ meshName: mesh, virtualServiceName: name, spec: direct }),
    );
    assert.deepEqual(updated.virtualService?.spec, direct);
    assertUpdated(updated.virtualService?.metadata, arn);

    const listed = await client.send(new ListVirtualServicesCommand({ meshName: mesh }));
    assertRef(listed.virtualServices?.[0], { virtualServiceName: name }, arn);
  });

  test('VirtualGateway: create, describe, update, list', async () => {
    const arn = arnOf(`mesh/${mesh}/virtualGateway/edge`);
    const out = await client.send(
      new CreateVirtualGatewayCommand({ meshName: mesh, virtualGatewayName: 'edge', spec: gatewaySpec }),
    );
    assert.equal(out.virtualGateway?.virtualGatewayName, 'edge');
    assert.deepEqual(out.virtualGateway?.spec, gatewaySpec);
    assert.deepEqual(out.virtualGateway?.status, { status: 'ACTIVE' });
    remember(out.virtualGateway?.metadata, arn);

    const described = await client.send(
      new DescribeVirtualGatewayCommand({ meshName: mesh, virtualGatewayName: 'edge' }),
    );
    assert.deepEqual(described.virtualGateway, out.virtualGateway);

    const newSpec = { listeners: [{ portMapping: { port: 8443, protocol: 'http2' as const } }] };
    const updated = await client.send(
      new UpdateVirtualGatewayCommand({ meshName: mesh, virtualGatewayName: 'edge', spec: newSpec }),
    );
    assert.deepEqual(updated.virtualGateway?.spec, newSpec);
    assertUpdated(updated.virtualGateway?.metadata, arn);

    const listed = await client.send(new ListVirtualGatewaysCommand({ meshName: mesh }));
    assertRef(listed.virtualGateways?.[0], { virtualGatewayName: 'edge' }, arn);
  });

  test('GatewayRoute: prefix match with rewrite, describe, update, list', async () => {
    const arn = arnOf(`mesh/${mesh}/virtualGateway/edge/gatewayRoute/to-cart`);
    const base = gatewayRouteSpec('cart.shop.local', '/api/');
    // The gateway listener is http2 after the update above, so the route must be an http2Route.
    const spec = { http2Route: base.httpRoute };
    const out = await client.send(
      new CreateGatewayRouteCommand({
        meshName: mesh,
        virtualGatewayName: 'edge',
        gatewayRouteName: 'to-cart',
        spec,
      }),
    );
    assert.equal(out.gatewayRoute?.gatewayRouteName, 'to-cart');
    assert.equal(out.gatewayRoute?.virtualGatewayName, 'edge');
    assert.deepEqual(out.gatewayRoute?.spec, spec);
    assert.deepEqual(out.gatewayRoute?.status, { status: 'ACTIVE' });
    remember(out.gatewayRoute?.metadata, arn);

    const described = await client.send(
      new DescribeGatewayRouteCommand({
        meshName: mesh,
        virtualGatewayName: 'edge',
        gatewayRouteName: 'to-cart',
      }),
    );
    assert.deepEqual(described.gatewayRoute, out.gatewayRoute);

    const newSpec = { http2Route: gatewayRouteSpec('cart.shop.local', '/v2/').httpRoute, priority: 5 };
    const updated = await client.send(
      new UpdateGatewayRouteCommand({
        meshName: mesh,
        virtualGatewayName: 'edge',
        gatewayRouteName: 'to-cart',
        spec: newSpec,
      }),
    );
    assert.deepEqual(updated.gatewayRoute?.spec, newSpec);
    assertUpdated(updated.gatewayRoute?.metadata, arn);

    const listed = await client.send(
      new ListGatewayRoutesCommand({ meshName: mesh, virtualGatewayName: 'edge' }),
    );
    assertRef(listed.gatewayRoutes?.[0], { virtualGatewayName: 'edge', gatewayRouteName: 'to-cart' }, arn);
  });

  test('TagResource, ListTagsForResource, UntagResource', async () => {
    const resourceArn = arnOf(`mesh/${mesh}/virtualNode/cart-v1`);
    const tagged = await client.send(
      new TagResourceCommand({
        resourceArn,
        tags: [
          { key: 'team', value: 'checkout' },
          { key: 'tier', value: 'gold' },
        ],
      }),
    );
    assert.equal(tagged.$metadata.httpStatusCode, 200);
    const listed = await client.send(new ListTagsForResourceCommand({ resourceArn }));
    assert.deepEqual(listed.tags, [
      { key: 'team', value: 'checkout' },
      { key: 'tier', value: 'gold' },
    ]);
    assert.equal(listed.nextToken, undefined);
    await client.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] }));
    const after = await client.send(new ListTagsForResourceCommand({ resourceArn, limit: 5 }));
    assert.deepEqual(after.tags, [{ key: 'tier', value: 'gold' }]);
    // Tagging is not a spec update: the version stays put.
    const node = await client.send(
      new DescribeVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'cart-v1' }),
    );
    assert.equal(node.virtualNode?.metadata?.version, 1);
  });

  test('every Delete answers the resource with status DELETED, children first', async () => {
    const deletes = [
      async () =>
        (
          await client.send(
            new DeleteGatewayRouteCommand({
              meshName: mesh,
              virtualGatewayName: 'edge',
              gatewayRouteName: 'to-cart',
            }),
          )
        ).gatewayRoute,
      async () =>
        (await client.send(new DeleteVirtualGatewayCommand({ meshName: mesh, virtualGatewayName: 'edge' })))
          .virtualGateway,
      async () =>
        (
          await client.send(
            new DeleteVirtualServiceCommand({ meshName: mesh, virtualServiceName: 'cart.shop.local' }),
          )
        ).virtualService,
      async () =>
        (
          await client.send(
            new DeleteRouteCommand({ meshName: mesh, virtualRouterName: 'cart', routeName: 'split' }),
          )
        ).route,
      async () =>
        (await client.send(new DeleteVirtualRouterCommand({ meshName: mesh, virtualRouterName: 'cart' })))
          .virtualRouter,
      async () =>
        (await client.send(new DeleteVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'cart-v1' })))
          .virtualNode,
      async () =>
        (await client.send(new DeleteVirtualNodeCommand({ meshName: mesh, virtualNodeName: 'cart-v2' })))
          .virtualNode,
      async () => (await client.send(new DeleteMeshCommand({ meshName: mesh }))).mesh,
    ];
    for (const remove of deletes) {
      const data = (await remove()) as { status?: { status?: string }; metadata?: ResourceMetadata };
      assert.deepEqual(data?.status, { status: 'DELETED' });
      const arn = data.metadata?.arn ?? '';
      assert.ok(created.has(arn), `delete answered an unknown arn ${arn}`);
      assert.equal(data.metadata?.uid, created.get(arn)?.uid, `uid of deleted ${arn}`);
    }
    const listed = await client.send(new ListMeshesCommand({}));
    assert.deepEqual(listed.meshes, []);
  });

  test('the 38 commands the SDK exports were all sent', () => {
    const exported = Object.keys(appMesh)
      .filter((name) => name.endsWith('Command') && name !== '$Command')
      .sort();
    assert.equal(exported.length, 38);
    assert.deepEqual([...sent].sort(), exported);
  });
});

describe('URI labels the SDK percent-encodes', () => {
  test("a node named with space and !*'() round-trips through create, describe, list and delete", async () => {
    const name = "odd name!*'()";
    await client.send(new CreateMeshCommand({ meshName: 'labels' }));
    const out = await client.send(
      new CreateVirtualNodeCommand({ meshName: 'labels', virtualNodeName: name, spec: {} }),
    );
    assert.equal(out.virtualNode?.virtualNodeName, name);
    const described = await client.send(
      new DescribeVirtualNodeCommand({ meshName: 'labels', virtualNodeName: name }),
    );
    assert.equal(described.virtualNode?.metadata?.uid, out.virtualNode?.metadata?.uid);
    const listed = await client.send(new ListVirtualNodesCommand({ meshName: 'labels' }));
    assert.deepEqual(
      listed.virtualNodes?.map((n) => n.virtualNodeName),
      [name],
    );
    const deleted = await client.send(
      new DeleteVirtualNodeCommand({ meshName: 'labels', virtualNodeName: name }),
    );
    assert.deepEqual(deleted.virtualNode?.status, { status: 'DELETED' });
    await client.send(new DeleteMeshCommand({ meshName: 'labels' }));
  });
});
