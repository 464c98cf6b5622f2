// Conformance: a user's `aws appmesh` session with the real AWS CLI v2 against `bin/switchyard control-plane`.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  makeTempDir,
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { call } from '../support/in-process-control-plane.ts';
import { awsCli, cliV2SkipReason, type AwsCli } from './aws-cli-runner.ts';

const accountId = '111122223333';
const nodeArn = (name: string) => `arn:aws:appmesh:us-east-1:${accountId}:mesh/shop/virtualNode/${name}`;

const home = await makeTempDir('aws-cli');
const skip = await cliV2SkipReason(home);
after(async () => removeDir(home));

const nodeSpec = (hostname: string) => ({
  listeners: [
    {
      portMapping: { port: 8080, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        path: '/healthz',
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        timeoutMillis: 2000,
        intervalMillis: 5000,
      },
    },
  ],
  serviceDiscovery: { dns: { hostname } },
});

const routeInput = (weights: readonly [number, number]) => ({
  meshName: 'shop',
  virtualRouterName: 'cart',
  routeName: 'split',
  spec: {
    httpRoute: {
      match: { prefix: '/' },
      action: {
        weightedTargets: [
          { virtualNode: 'cart-v1', weight: weights[0] },
          { virtualNode: 'cart-v2', weight: weights[1] },
        ],
      },
      retryPolicy: {
        maxRetries: 2,
        perRetryTimeout: { unit: 'ms', value: 500 },
        httpRetryEvents: ['gateway-error'],
      },
    },
  },
});

type Json = Record<string, unknown>;
const weightsOf = (route: Json) =>
  (
    route.spec as { httpRoute: { action: { weightedTargets: { weight: number }[] } } }
  ).httpRoute.action.weightedTargets.map((t) => t.weight);

/** CLI v2 exits 254 when the service answered with an error, and prints its code and message on stderr. */
async function assertServiceError(
  cli: AwsCli,
  endpoint: string,
  args: string[],
  expected: { type: string; operation: string; raw: { method: string; path: string } },
) {
  const result = await cli.appmesh(...args);
  assert.equal(result.code, 254, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '');
  const wire = await call(endpoint, expected.raw.method, `/v20190125${expected.raw.path}`);
  const message = wire.json.message as string;
  assert.ok(message, 'the server answers a message');
  assert.equal(
    result.stderr.trim(),
    `An error occurred (${expected.type}) when calling the ${expected.operation} operation: ${message}`,
  );
  return message;
}

// A skipped test (not a skipped suite) so that the run's summary counts it under "skipped".
if (skip) test('aws appmesh (AWS CLI v2) scenario', { skip }, () => {});
else
  describe('aws appmesh (AWS CLI v2) scenario', () => {
    let cp: ControlPlaneProcess;
    let cli: AwsCli;

    before(async () => {
      cp = await startControlPlaneProcess({ args: ['--account-id', accountId] });
      cli = awsCli(cp.endpoint, home);
    });
    after(async () => {
      if (!cp) return;
      await cp.stop();
      await removeDir(cp.dataDir);
    });

    test('create-mesh prints the mesh wrapped in "mesh" with ISO timestamps', async () => {
      const out = await cli.appmeshJson('create-mesh', '--mesh-name', 'shop');
      const mesh = out.mesh as Json;
      assert.equal(mesh.meshName, 'shop');
      assert.deepEqual(mesh.status, { status: 'ACTIVE' });
      const metadata = mesh.metadata as Json;
      assert.equal(metadata.arn, `arn:aws:appmesh:us-east-1:${accountId}:mesh/shop`);
      assert.equal(metadata.version, 1);
      assert.ok(!Number.isNaN(Date.parse(metadata.createdAt as string)), String(metadata.createdAt));
    });

    test('create-virtual-node from --spec file:// and from --cli-input-json file://', async () => {
      const v1 = await cli.appmeshJson(
        'create-virtual-node',
        '--mesh-name',
        'shop',
        '--virtual-node-name',
        'cart-v1',
        '--spec',
        await cli.file('cart-v1-spec.json', nodeSpec('cart-v1.shop.local')),
      );
      assert.deepEqual((v1.virtualNode as Json).spec, nodeSpec('cart-v1.shop.local'));
      const input = { meshName: 'shop', virtualNodeName: 'cart-v2', spec: nodeSpec('cart-v2.shop.local') };
      const v2 = await cli.appmeshJson(
        'create-virtual-node',
        '--cli-input-json',
        await cli.file('cart-v2-input.json', input),
      );
      assert.equal((v2.virtualNode as Json).virtualNodeName, 'cart-v2');
      assert.deepEqual((v2.virtualNode as Json).spec, input.spec);
    });

    test('create-virtual-router, a 50/50 route, and a service provided by the router', async () => {
      const routerSpec = { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] };
      const router = await cli.appmeshJson(
        'create-virtual-router',
        '--mesh-name',
        'shop',
        '--virtual-router-name',
        'cart',
        '--spec',
        await cli.file('router.json', routerSpec),
      );
      assert.deepEqual((router.virtualRouter as Json).spec, routerSpec);

      const route = await cli.appmeshJson(
        'create-route',
        '--cli-input-json',
        await cli.file('route-50-50.json', routeInput([50, 50])),
      );
      assert.deepEqual(weightsOf(route.route as Json), [50, 50]);
      assert.equal(((route.route as Json).metadata as Json).version, 1);

      const service = await cli.appmeshJson(
        'create-virtual-service',
        '--mesh-name',
        'shop',
        '--virtual-service-name',
        'cart.shop.local',
        '--spec',
        await cli.file('service.json', { provider: { virtualRouter: { virtualRouterName: 'cart' } } }),
      );
      assert.deepEqual((service.virtualService as Json).spec, {
        provider: { virtualRouter: { virtualRouterName: 'cart' } },
      });
    });

    test('update-route --cli-input-json moves the weights to 80/20 at version 2', async () => {
      const updated = await cli.appmeshJson(
        'update-route',
        '--cli-input-json',
        await cli.file('route-80-20.json', routeInput([80, 20])),
      );
      assert.deepEqual(weightsOf(updated.route as Json), [80, 20]);
      const described = await cli.appmeshJson(
        'describe-route',
        '--mesh-name',
        'shop',
        '--virtual-router-name',
        'cart',
        '--route-name',
        'split',
      );
      const route = described.route as Json;
      assert.deepEqual(weightsOf(route), [80, 20]);
      assert.equal((route.metadata as Json).version, 2);
      assert.deepEqual(route.status, { status: 'ACTIVE' });
    });

    test('list-virtual-nodes (also paged one by one) and list-routes', async () => {
      const nodes = await cli.appmeshJson('list-virtual-nodes', '--mesh-name', 'shop');
      assert.deepEqual(
        (nodes.virtualNodes as Json[]).map((n) => n.virtualNodeName),
        ['cart-v1', 'cart-v2'],
      );
      // --page-size 1 makes the CLI follow nextToken itself; the result must be the same full list.
      const paged = await cli.appmeshJson('list-virtual-nodes', '--mesh-name', 'shop', '--page-size', '1');
      assert.deepEqual(paged.virtualNodes, nodes.virtualNodes);
      const routes = await cli.appmeshJson(
        'list-routes',
        '--mesh-name',
        'shop',
        '--virtual-router-name',
        'cart',
      );
      const listed = routes.routes as Json[];
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.routeName, 'split');
      assert.equal(listed[0]!.version, 2);
      assert.equal(listed[0]!.spec, undefined);
    });

    test('tag-resource, list-tags-for-resource, untag-resource', async () => {
      const arn = nodeArn('cart-v1');
      const tagged = await cli.appmesh(
        'tag-resource',
        '--resource-arn',
        arn,
        '--tags',
        'key=team,value=checkout',
        'key=tier,value=gold',
      );
      assert.equal(tagged.code, 0, tagged.stderr);
      const listed = await cli.appmeshJson('list-tags-for-resource', '--resource-arn', arn);
      assert.deepEqual(listed.tags, [
        { key: 'team', value: 'checkout' },
        { key: 'tier', value: 'gold' },
      ]);
      const untagged = await cli.appmesh('untag-resource', '--resource-arn', arn, '--tag-keys', 'team');
      assert.equal(untagged.code, 0, untagged.stderr);
      const remaining = await cli.appmeshJson('list-tags-for-resource', '--resource-arn', arn);
      assert.deepEqual(remaining.tags, [{ key: 'tier', value: 'gold' }]);
    });

    test('describe of a missing node exits 254 with NotFoundException and the server message', async () => {
      const message = await assertServiceError(
        cli,
        cp.endpoint,
        ['describe-virtual-node', '--mesh-name', 'shop', '--virtual-node-name', 'ghost'],
        {
          type: 'NotFoundException',
          operation: 'DescribeVirtualNode',
          raw: { method: 'GET', path: '/meshes/shop/virtualNodes/ghost' },
        },
      );
      assert.match(message, /VirtualNode with name ghost is not present under mesh shop/);
    });

    test('deleting a node that is a route target exits 254 with ResourceInUseException', async () => {
      const message = await assertServiceError(
        cli,
        cp.endpoint,
        ['delete-virtual-node', '--mesh-name', 'shop', '--virtual-node-name', 'cart-v2'],
        {
          type: 'ResourceInUseException',
          operation: 'DeleteVirtualNode',
          raw: { method: 'DELETE', path: '/meshes/shop/virtualNodes/cart-v2' },
        },
      );
      assert.match(message, /cart-v2 cannot be deleted because it is the target of one or more routes/);
    });

    test('after delete-route the node deletes, answering status DELETED', async () => {
      const route = await cli.appmeshJson(
        'delete-route',
        '--mesh-name',
        'shop',
        '--virtual-router-name',
        'cart',
        '--route-name',
        'split',
      );
      assert.deepEqual((route.route as Json).status, { status: 'DELETED' });
      const node = await cli.appmeshJson(
        'delete-virtual-node',
        '--mesh-name',
        'shop',
        '--virtual-node-name',
        'cart-v2',
      );
      assert.deepEqual((node.virtualNode as Json).status, { status: 'DELETED' });
    });
  });
