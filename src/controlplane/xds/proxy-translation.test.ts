// translateProxy for proxyless gRPC clients: both listener names a channel may dial find the shared virtual host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clientNode,
  httpNode,
  meshState,
  route,
  router,
  routerService,
  testMesh,
} from '../../xds/translate/test-fixtures.ts';
import { translateProxy } from './proxy-translation.ts';

test('the listeners svc and svc:port share one route configuration whose virtual host answers both names', () => {
  const state = meshState(
    {},
    httpNode('echo', 8080),
    router('r', [8080, 'grpc']),
    route('r', 'all', {
      grpcRoute: {
        match: { serviceName: 'x.Echo' },
        action: { weightedTargets: [{ virtualNode: 'echo', weight: 1 }] },
      },
    }),
    routerService('echo.m.local', 'r'),
    clientNode('app', ['echo.m.local']),
  );
  const out = translateProxy(
    state,
    {
      meshName: testMesh,
      kind: 'virtualNode',
      name: 'app',
      form: 'grpc',
      inboundPort: 15000,
      outboundPort: 15001,
      appHost: '127.0.0.1',
      inboundPortPerListener: false,
    },
    new Map(),
  );
  assert.deepEqual(out.listeners.map((l) => l.name).sort(), ['echo.m.local', 'echo.m.local:8080']);
  assert.equal(out.routeConfigurations.length, 1);
  const [config] = out.routeConfigurations;
  assert.equal(config!.name, 'rds_grpc_echo.m.local_8080');
  assert.equal(config!.virtual_hosts!.length, 1);
  assert.deepEqual([...config!.virtual_hosts![0]!.domains!].sort(), ['echo.m.local', 'echo.m.local:8080']);
});
