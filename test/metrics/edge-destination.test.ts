// Naming a pair's destination from the Envoy names the translation emits: sidecar virtual hosts, gateway
// routes, egress clusters; only a router's own routes are App Mesh routes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { destinationOf, targetNodeOf } from '../../src/controlplane/metrics/edge-destination.ts';
import type { SeriesLabels } from '../../src/controlplane/metrics/metrics-window.ts';
import {
  httpNode,
  meshState,
  record,
  route,
  router,
  routerService,
} from '../../src/xds/translate/test-fixtures.ts';

const state = meshState(
  {},
  httpNode('blue_v2'),
  httpNode('green'),
  router('color', [80, 'http']),
  route('color', 'color-route', {
    httpRoute: {
      match: { prefix: '/' },
      action: { weightedTargets: [{ virtualNode: 'blue_v2', weight: 1 }] },
    },
  }),
  routerService('color.m.local', 'color'),
  record('virtualService', 'green.m.local', { provider: { virtualNode: { virtualNodeName: 'green' } } }),
  record('virtualGateway', 'ingress', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] }),
  record(
    'gatewayRoute',
    'to-color',
    {
      httpRoute: {
        match: { prefix: '/' },
        action: { target: { virtualService: { virtualServiceName: 'color.m.local' } } },
      },
    },
    'ingress',
  ),
);

const labels = (l: Partial<SeriesLabels>): SeriesLabels => ({
  meshName: 'm',
  sourceKind: 'virtualNode',
  sourceName: 'front',
  virtualHost: '',
  route: '',
  cluster: '',
  ...l,
});

test('the target node comes from the egress cluster, names with underscores included', () => {
  assert.equal(targetNodeOf('m', 'cds_egress_m_blue_v2_http2_8080'), 'blue_v2');
  assert.equal(targetNodeOf('m', 'cds_egress_m_passthrough'), undefined);
  assert.equal(targetNodeOf('m', 'cds_ingress_m_blue_http_8080'), undefined);
});

test('a sidecar pair through a router names the service, router, route and node', () => {
  assert.deepEqual(
    destinationOf(
      state,
      labels({
        virtualHost: 'color.m.local_80',
        route: 'color-route',
        cluster: 'cds_egress_m_blue_v2_http_8080',
      }),
    ),
    {
      virtualServiceName: 'color.m.local',
      virtualRouterName: 'color',
      routeName: 'color-route',
      virtualNodeName: 'blue_v2',
    },
  );
});

test('a node-provided service has no router or route', () => {
  assert.deepEqual(
    destinationOf(
      state,
      labels({
        virtualHost: 'green.m.local_8080',
        route: 'green_8080',
        cluster: 'cds_egress_m_green_http_8080',
      }),
    ),
    { virtualServiceName: 'green.m.local', virtualNodeName: 'green' },
  );
});

test("a gateway's pair names the service its gateway route targets", () => {
  assert.deepEqual(
    destinationOf(
      state,
      labels({
        sourceKind: 'virtualGateway',
        sourceName: 'ingress',
        virtualHost: 'ingress_http_8080',
        route: 'to-color/color-route',
        cluster: 'cds_egress_m_blue_v2_http_8080',
      }),
    ),
    {
      virtualServiceName: 'color.m.local',
      virtualRouterName: 'color',
      routeName: 'color-route',
      virtualNodeName: 'blue_v2',
    },
  );
});

test('names the mesh does not know (deleted since, stock Envoy) leave those members out', () => {
  assert.deepEqual(destinationOf(state, labels({ cluster: 'cds_egress_m_green_http_8080' })), {
    virtualNodeName: 'green',
  });
  assert.deepEqual(
    destinationOf(state, labels({ virtualHost: 'gone.m.local_80', cluster: 'cds_egress_m_passthrough' })),
    {},
  );
});
