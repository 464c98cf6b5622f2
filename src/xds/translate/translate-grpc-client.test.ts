// Proxyless gRPC translation: listener names, port selection, and resources gRPC accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcePath } from '../../model/resource-key.ts';
import { extensionTypeUrls } from '../protos/index.ts';
import { decodeAny, httpNode, meshState, record, route, router, routerService } from './test-fixtures.ts';
import { parseGrpcListenerName, translateGrpcClient } from './translate-grpc-client.ts';

const grpcNode = (name: string, ...ports: number[]) =>
  record('virtualNode', name, {
    listeners: ports.map((port) => ({ portMapping: { port, protocol: 'grpc' } })),
    serviceDiscovery: { dns: { hostname: `${name}.local` } },
  });

const state = meshState(
  {},
  grpcNode('g', 50051),
  httpNode('h', 8080),
  router('r', [8080, 'http'], [50051, 'grpc'], [5432, 'tcp']),
  route('r', 'to-g', {
    grpcRoute: { match: { port: 50051 }, action: { weightedTargets: [{ virtualNode: 'g', weight: 1 }] } },
  }),
  route('r', 'to-h', {
    httpRoute: {
      match: { prefix: '/', port: 8080 },
      action: { weightedTargets: [{ virtualNode: 'h', weight: 1 }] },
    },
  }),
  routerService('svc.local', 'r'),
);
const endpoints = new Map([['g', [{ address: '10.0.0.1', port: 50051, healthy: true }]]]);

test('listener names with and without port', () => {
  assert.deepEqual(parseGrpcListenerName('svc.local:8080'), { service: 'svc.local', port: 8080 });
  assert.deepEqual(parseGrpcListenerName('svc.local'), { service: 'svc.local' });
});

test('without a port the first grpc port is used; the api_listener HCM points at the route config', () => {
  const out = translateGrpcClient(state, 'svc.local', endpoints);
  const listener = out.listeners[0];
  assert.equal(listener?.name, 'svc.local');
  const any = listener?.api_listener?.api_listener;
  const hcm = decodeAny(any, extensionTypeUrls.httpConnectionManager);
  assert.equal(hcm.rds?.route_config_name, 'rds_grpc_svc.local_50051');
  assert.deepEqual(hcm.rds?.config_source?.ads, {});
  assert.deepEqual(
    hcm.http_filters.map((f) => f.name),
    ['envoy.filters.http.router'],
  );
  const host = out.routeConfigurations[0]?.virtual_hosts?.[0];
  assert.deepEqual(host?.domains, ['svc.local', 'svc.local:50051']);
  assert.deepEqual(
    host?.routes?.map((r) => r.name),
    ['to-g'],
  );
  assert.deepEqual(
    out.clusters.map((c) => [c.name, c.type, c.lb_policy, c.health_checks]),
    [['cds_egress_m_g_grpc_50051', 'EDS', 'ROUND_ROBIN', undefined]],
  );
  assert.equal(out.clusterLoadAssignments[0]?.endpoints?.[0]?.lb_endpoints?.length, 1);
});

test('an explicit port picks that listener; a TCP port or unknown port gives nothing', () => {
  const http = translateGrpcClient(state, 'svc.local:8080', endpoints);
  assert.deepEqual(http.routeConfigurations[0]?.virtual_hosts?.[0]?.domains, ['svc.local:8080']);
  assert.equal(http.routeConfigurations[0]?.name, 'rds_grpc_svc.local_8080');
  assert.deepEqual(translateGrpcClient(state, 'svc.local:5432', endpoints).listeners, []);
  assert.deepEqual(translateGrpcClient(state, 'svc.local:1', endpoints).listeners, []);
});

test('an unknown service gives nothing but is depended on', () => {
  const out = translateGrpcClient(state, 'later.local', endpoints);
  assert.deepEqual(out.listeners, []);
  assert.deepEqual(out.dependsOn.map(resourcePath), ['mesh/m', 'mesh/m/virtualService/later.local']);
});
