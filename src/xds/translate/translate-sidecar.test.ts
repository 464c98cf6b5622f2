// Sidecar translation end to end on small meshes: listeners, egress policy, soft references, dependencies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcePath } from '../../model/resource-key.ts';
import { extensionTypeUrls } from '../protos/index.ts';
import type { EnvoyResources } from './envoy-resources.ts';
import {
  clientNode,
  decodeAny,
  httpNode,
  meshState,
  record,
  route,
  router,
  routerService,
} from './test-fixtures.ts';
import { translateSidecar } from './translate-sidecar.ts';

const noEndpoints = new Map();
const action = (...targets: [string, number][]) => ({
  weightedTargets: targets.map(([virtualNode, weight]) => ({ virtualNode, weight })),
});

function egressHosts(resources: EnvoyResources) {
  return resources.routeConfigurations.find((r) => r.name === 'rds_egress_http_15001')?.virtual_hosts ?? [];
}

test('a node that does not exist yields nothing but depends on itself and the mesh', () => {
  const out = translateSidecar(meshState({}), 'ghost', noEndpoints);
  assert.deepEqual(out.listeners, []);
  assert.deepEqual(out.dependsOn.map(resourcePath), ['mesh/m', 'mesh/m/virtualNode/ghost']);
});

test('backends that do not exist are skipped, and depended on so that creating them recomputes', () => {
  const out = translateSidecar(meshState({}, clientNode('web', ['nope.local'])), 'web', noEndpoints);
  assert.deepEqual(
    egressHosts(out).map((h) => h.name),
    ['egress_drop_all'],
  );
  assert.ok(out.dependsOn.map(resourcePath).includes('mesh/m/virtualService/nope.local'));
  assert.deepEqual(out.clusters, []);
});

test('DROP_ALL (the default) answers unknown hosts 404; ALLOW_ALL passes them through', () => {
  const drop = egressHosts(translateSidecar(meshState({}, clientNode('web', [])), 'web', noEndpoints));
  assert.deepEqual(drop.at(-1)?.routes?.[0]?.direct_response, { status: 404 });
  const allowOut = translateSidecar(
    meshState({ egressFilter: { type: 'ALLOW_ALL' } }, clientNode('web', [])),
    'web',
    noEndpoints,
  );
  const allow = egressHosts(allowOut).at(-1);
  assert.deepEqual(allow?.domains, ['*']);
  assert.equal(allow?.routes?.[0]?.route?.cluster, 'cds_egress_m_passthrough');
  const passthrough = allowOut.clusters.find((c) => c.name === 'cds_egress_m_passthrough');
  assert.equal(passthrough?.type, 'ORIGINAL_DST');
  assert.equal(passthrough?.lb_policy, 'CLUSTER_PROVIDED');
});

test('a router backend: weight-0 targets dropped, a single remaining target is a plain cluster', () => {
  const state = meshState(
    {},
    httpNode('a'),
    httpNode('b'),
    router('r', [8080, 'http']),
    route('r', 'main', { httpRoute: { match: { prefix: '/' }, action: action(['a', 5], ['b', 0]) } }),
    routerService('svc.local', 'r'),
    clientNode('web', ['svc.local']),
  );
  const out = translateSidecar(state, 'web', noEndpoints);
  const host = egressHosts(out)[0];
  assert.deepEqual(host?.domains, ['svc.local', 'svc.local:8080']);
  assert.equal(host?.routes?.[0]?.route?.cluster, 'cds_egress_m_a_http_8080');
  assert.deepEqual(
    out.clusters.map((c) => c.name),
    ['cds_egress_m_a_http_8080'],
  );
  assert.deepEqual(
    out.clusterLoadAssignments.map((c) => c.cluster_name),
    ['cds_egress_m_a_http_8080'],
  );
});

test('routes of another protocol than the router listener, or of another port, are left out', () => {
  const state = meshState(
    {},
    httpNode('a'),
    router('r', [8080, 'http'], [9090, 'http']),
    route('r', 'on-8080', { httpRoute: { match: { prefix: '/', port: 8080 }, action: action(['a', 1]) } }),
    route('r', 'on-9090', { httpRoute: { match: { prefix: '/b', port: 9090 }, action: action(['a', 1]) } }),
    route('r', 'grpc', { grpcRoute: { match: { port: 8080 }, action: action(['a', 1]) } }),
    routerService('svc.local', 'r'),
    clientNode('web', ['svc.local']),
  );
  const hosts = egressHosts(translateSidecar(state, 'web', noEndpoints));
  assert.deepEqual(
    hosts.map((h) => [h.name, h.domains, h.routes?.map((r) => r.name)]),
    [
      ['svc.local_8080', ['svc.local', 'svc.local:8080'], ['on-8080']],
      ['svc.local_9090', ['svc.local:9090'], ['on-9090']],
      ['egress_drop_all', ['*'], ['drop_all']],
    ],
  );
});

test('inbound: listener timeouts on the local route, connection pool as circuit breakers, ports and hosts from options', () => {
  const node = record('virtualNode', 'api', {
    listeners: [
      {
        portMapping: { port: 50051, protocol: 'grpc' },
        connectionPool: { grpc: { maxRequests: 64 } },
        timeout: { grpc: { perRequest: { unit: 's', value: 30 }, idle: { unit: 's', value: 120 } } },
      },
    ],
    serviceDiscovery: { dns: { hostname: 'api.local' } },
  });
  const out = translateSidecar(meshState({}, node), 'api', noEndpoints, {
    inboundPort: 25000,
    outboundPort: 25001,
    appHost: '127.0.0.2',
    listenHost: '127.0.0.1',
  });
  assert.deepEqual(
    out.listeners.map((l) => l.name),
    ['lds_egress_127.0.0.1_25001', 'lds_ingress_127.0.0.1_25000'],
  );
  const local = out.routeConfigurations.find((r) => r.name === 'rds_ingress_grpc_50051');
  const action0 = local?.virtual_hosts?.[0]?.routes?.[0]?.route;
  assert.deepEqual(action0?.timeout, { seconds: 30, nanos: 0 });
  assert.deepEqual(action0?.idle_timeout, { seconds: 120, nanos: 0 });
  const cluster = out.clusters.find((c) => c.name === 'cds_ingress_m_api_grpc_50051');
  assert.equal(cluster?.type, 'STATIC');
  assert.deepEqual(cluster?.http2_protocol_options, {});
  assert.deepEqual(cluster?.circuit_breakers?.thresholds?.[0]?.max_requests, { value: 64 });
  assert.deepEqual(cluster?.circuit_breakers?.thresholds?.[0]?.max_connections, { value: 2147483647 });
  const address = cluster?.load_assignment?.endpoints?.[0]?.lb_endpoints?.[0]?.endpoint?.address;
  assert.deepEqual(address, { socket_address: { address: '127.0.0.2', port_value: 50051 } });
  const inbound = out.listeners.find((l) => l.name === 'lds_ingress_127.0.0.1_25000');
  const hcmAny = inbound?.filter_chains?.[0]?.filters?.[0]?.typed_config;
  const hcm = decodeAny(hcmAny, extensionTypeUrls.httpConnectionManager);
  assert.equal(hcm.stat_prefix, 'ingress');
  assert.equal(hcm.http_filters?.at(-1)?.name, 'envoy.filters.http.router');
});

test('a node provider gets a catch-all route with App Mesh default retries and timeout', () => {
  const state = meshState(
    {},
    httpNode('a', 80),
    record('virtualService', 'a.local', { provider: { virtualNode: { virtualNodeName: 'a' } } }),
    clientNode('web', ['a.local']),
  );
  const out = translateSidecar(state, 'web', noEndpoints);
  const only = egressHosts(out)[0]?.routes?.[0];
  assert.deepEqual(only?.match, { prefix: '/' });
  assert.equal(only?.route?.cluster, 'cds_egress_m_a_http_80');
  assert.deepEqual(only?.route?.timeout, { seconds: 15, nanos: 0 });
  assert.equal(
    only?.route?.retry_policy?.retry_on,
    'connect-failure,refused-stream,reset,retriable-status-codes',
  );
  assert.deepEqual(egressHosts(out)[0]?.domains, ['a.local', 'a.local:80']);
});
