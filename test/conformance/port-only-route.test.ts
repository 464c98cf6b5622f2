// Conformance: a route whose match has only a `port`, on a router with two listeners, as users of several
// listeners write it, is accepted and read back unchanged by the AWS SDK and the AWS CLI v2 (issue 17).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  DescribeRouteCommand,
  type AppMeshClient,
} from '@aws-sdk/client-app-mesh';
import {
  makeTempDir,
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { awsCli, cliV2SkipReason, type AwsCli } from './aws-cli-runner.ts';
import { accountId, sdkClient } from './sdk-client.ts';

type Json = Record<string, unknown>;

const twoListeners = {
  listeners: [
    { portMapping: { port: 8080, protocol: 'http' as const } },
    { portMapping: { port: 9090, protocol: 'http' as const } },
  ],
};
const nodeSpec = { ...twoListeners, serviceDiscovery: { dns: { hostname: 'two.shop.local' } } };
const portOnlyRoute = (port: number) => ({
  httpRoute: {
    match: { port },
    action: { weightedTargets: [{ virtualNode: 'two', port, weight: 1 }] },
  },
});

describe('port-only route through the AWS SDK', () => {
  let plane: TestControlPlane;
  let sdk: AppMeshClient;
  before(async () => {
    plane = await startTestControlPlane();
    sdk = sdkClient(plane.endpoint);
    await sdk.send(new CreateMeshCommand({ meshName: 'shop' }));
    await sdk.send(
      new CreateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'two', spec: nodeSpec }),
    );
    await sdk.send(
      new CreateVirtualRouterCommand({ meshName: 'shop', virtualRouterName: 'router', spec: twoListeners }),
    );
  });
  after(async () => {
    sdk?.destroy();
    await plane?.close();
  });

  test('create-route with match {port} is accepted and described back as sent', async () => {
    const created = await sdk.send(
      new CreateRouteCommand({
        meshName: 'shop',
        virtualRouterName: 'router',
        routeName: 'on-9090',
        spec: portOnlyRoute(9090),
      }),
    );
    assert.deepEqual(created.route?.spec, portOnlyRoute(9090));
    const described = await sdk.send(
      new DescribeRouteCommand({ meshName: 'shop', virtualRouterName: 'router', routeName: 'on-9090' }),
    );
    assert.deepEqual(described.route?.spec, portOnlyRoute(9090));
  });

  test('a match with neither a port nor a prefix/path is still refused', async () => {
    await assert.rejects(
      sdk.send(
        new CreateRouteCommand({
          meshName: 'shop',
          virtualRouterName: 'router',
          routeName: 'nothing',
          spec: {
            httpRoute: {
              match: { method: 'GET' },
              action: { weightedTargets: [{ virtualNode: 'two', weight: 1 }] },
            },
          },
        }),
      ),
      (error: Error) => {
        assert.equal(error.name, 'BadRequestException');
        assert.match(error.message, /spec\.httpRoute\.match must set exactly one of prefix, path/);
        return true;
      },
    );
  });
});

const home = await makeTempDir('aws-cli-port-only');
const skip = await cliV2SkipReason(home);
after(async () => removeDir(home));

// A skipped test (not a skipped suite) so that the run's summary counts it under "skipped".
if (skip) test('port-only route through the AWS CLI v2', { skip }, () => {});
else
  describe('port-only route through the AWS CLI v2', () => {
    let cp: ControlPlaneProcess;
    let cli: AwsCli;
    before(async () => {
      cp = await startControlPlaneProcess({ args: ['--account-id', accountId] });
      cli = awsCli(cp.endpoint, home);
      await cli.appmeshJson('create-mesh', '--mesh-name', 'shop');
      await cli.appmeshJson(
        'create-virtual-node',
        '--mesh-name',
        'shop',
        '--virtual-node-name',
        'two',
        '--spec',
        await cli.file('node.json', nodeSpec),
      );
      await cli.appmeshJson(
        'create-virtual-router',
        '--mesh-name',
        'shop',
        '--virtual-router-name',
        'router',
        '--spec',
        await cli.file('router.json', twoListeners),
      );
    });
    after(async () => {
      if (!cp) return;
      await cp.stop();
      await removeDir(cp.dataDir);
    });

    test('create-route --spec with match {port} on each listener, and describe-route', async () => {
      for (const port of [8080, 9090]) {
        const created = await cli.appmeshJson(
          'create-route',
          '--mesh-name',
          'shop',
          '--virtual-router-name',
          'router',
          '--route-name',
          `on-${port}`,
          '--spec',
          await cli.file(`route-${port}.json`, portOnlyRoute(port)),
        );
        assert.deepEqual((created.route as Json).spec, portOnlyRoute(port));
      }
      const described = await cli.appmeshJson(
        'describe-route',
        '--mesh-name',
        'shop',
        '--virtual-router-name',
        'router',
        '--route-name',
        'on-8080',
      );
      assert.deepEqual((described.route as Json).spec, portOnlyRoute(8080));
    });
  });
