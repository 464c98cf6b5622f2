// translateGrpcNode: the client listeners a proxyless gRPC node receives, under both names a channel may dial.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcePath } from '../../model/resource-key.ts';
import { clientNode, httpNode, meshState, record, route, router, routerService } from './test-fixtures.ts';
import { translateGrpcNode } from './translate-grpc-node.ts';

const grpcEcho = () => [
  httpNode('echo', 8080),
  router('r', [8080, 'grpc']),
  route('r', 'all', {
    grpcRoute: {
      match: { serviceName: 'x.Echo' },
      action: { weightedTargets: [{ virtualNode: 'echo', weight: 1 }] },
    },
  }),
  routerService('echo.m.local', 'r'),
];

test('the listeners svc and svc:port share one route configuration whose virtual host answers both names', () => {
  const out = translateGrpcNode(
    meshState({}, ...grpcEcho(), clientNode('app', ['echo.m.local'])),
    'app',
    new Map(),
  );
  assert.deepEqual(out.listeners.map((l) => l.name).sort(), ['echo.m.local', 'echo.m.local:8080']);
  assert.equal(out.routeConfigurations.length, 1);
  const [config] = out.routeConfigurations;
  assert.equal(config!.name, 'rds_grpc_echo.m.local_8080');
  assert.equal(config!.virtual_hosts!.length, 1);
  assert.deepEqual([...config!.virtual_hosts![0]!.domains!].sort(), ['echo.m.local', 'echo.m.local:8080']);
  assert.deepEqual(
    out.clusters.map((c) => c.name),
    [...new Set(out.clusters.map((c) => c.name))],
    'each cluster once',
  );
});

test('the output depends on the mesh, the node and each backend service, even one that does not exist', () => {
  const out = translateGrpcNode(
    meshState({}, ...grpcEcho(), clientNode('app', ['echo.m.local', 'later.m.local'])),
    'app',
    new Map(),
  );
  const deps = new Set(out.dependsOn.map(resourcePath));
  for (const path of [
    'mesh/m',
    'mesh/m/virtualNode/app',
    'mesh/m/virtualService/echo.m.local',
    'mesh/m/virtualService/later.m.local',
  ]) {
    assert.ok(deps.has(path), `depends on ${path}`);
  }
  assert.deepEqual(out.listeners.map((l) => l.name).sort(), ['echo.m.local', 'echo.m.local:8080']);
});

test('with an ALLOW_ALL egress filter the node gets every service of the mesh, backends or not', () => {
  const other = record('virtualService', 'other.m.local', {
    provider: { virtualNode: { virtualNodeName: 'echo' } },
  });
  const state = meshState(
    { egressFilter: { type: 'ALLOW_ALL' } },
    ...grpcEcho(),
    other,
    clientNode('app', []),
  );
  const names = translateGrpcNode(state, 'app', new Map()).listeners.map((l) => l.name);
  assert.deepEqual(names.sort(), [
    'echo.m.local',
    'echo.m.local:8080',
    'other.m.local',
    'other.m.local:8080',
  ]);
  const closed = meshState({}, ...grpcEcho(), other, clientNode('app', []));
  assert.deepEqual(translateGrpcNode(closed, 'app', new Map()).listeners, []);
});

test('a node that does not exist yields nothing but depends on its key', () => {
  const out = translateGrpcNode(meshState({}, ...grpcEcho()), 'ghost', new Map());
  assert.deepEqual(
    [out.listeners, out.routeConfigurations, out.clusters, out.clusterLoadAssignments, out.secrets],
    [[], [], [], [], []],
  );
  assert.deepEqual(out.dependsOn.map(resourcePath), ['mesh/m', 'mesh/m/virtualNode/ghost']);
});
