// Cross-resource port and protocol rules between routes, routers, nodes, gateway routes and gateways.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkGatewayRouteAgainstGateway,
  checkGatewayRoutesAgainstGateway,
  checkGatewayRouteTarget,
  checkRouteAgainstRouter,
  checkRouterAgainstRoutes,
  checkRouteTargets,
} from './consistency.ts';
import type {
  GatewayRouteSpec,
  Protocol,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
} from './specs/index.ts';

const listen = (...mappings: [number, Protocol][]) =>
  mappings.map(([port, protocol]) => ({ portMapping: { port, protocol } }));
const router = (...mappings: [number, Protocol][]): VirtualRouterSpec => ({ listeners: listen(...mappings) });
const node = (...ports: number[]): VirtualNodeSpec => ({
  listeners: listen(...ports.map((port): [number, Protocol] => [port, 'http'])),
  serviceDiscovery: { dns: { hostname: 'n.local' } },
});
const gateway = (...mappings: [number, 'http' | 'http2' | 'grpc'][]): VirtualGatewaySpec => ({
  listeners: mappings.map(([port, protocol]) => ({ portMapping: { port, protocol } })),
});

const httpRoute = (port?: number, targets = [{ virtualNode: 'red', weight: 100 }]): RouteSpec => ({
  httpRoute: { match: { prefix: '/', port }, action: { weightedTargets: targets } },
});
const grpcRoute = (port?: number): RouteSpec => ({
  grpcRoute: { match: { port }, action: { weightedTargets: [{ virtualNode: 'red', weight: 1 }] } },
});
const tcpRoute: RouteSpec = {
  tcpRoute: { action: { weightedTargets: [{ virtualNode: 'red', weight: 1 }] } },
};
const gatewayRoute = (port?: number, targetPort?: number): GatewayRouteSpec => ({
  httpRoute: {
    match: { prefix: '/', port },
    action: { target: { virtualService: { virtualServiceName: 'color.local' }, port: targetPort } },
  },
});

const multipleListeners =
  'Route must define a port match criteria if the Virtual Router has multiple listeners';

test('a route fits a single listener of its protocol', () => {
  assert.deepEqual(checkRouteAgainstRouter(httpRoute(), router([9080, 'http'])), []);
  assert.deepEqual(checkRouteAgainstRouter(tcpRoute, router([5432, 'tcp'])), []);
  assert.deepEqual(checkRouteAgainstRouter({ http2Route: httpRoute().httpRoute }, router([1, 'http2'])), []);
  assert.deepEqual(checkRouteAgainstRouter(grpcRoute(9090), router([9090, 'grpc'])), []);
});

test('the route type must match the router listener protocol', () => {
  const [violation] = checkRouteAgainstRouter(grpcRoute(), router([9080, 'http']));
  assert.equal(violation?.path, 'spec.grpcRoute');
  assert.match(
    violation?.message ?? '',
    /grpcRoute does not match the Virtual Router listener protocol http/,
  );
  assert.equal(checkRouteAgainstRouter(httpRoute(), router([9080, 'http2'])).length, 1);
  assert.equal(checkRouteAgainstRouter(tcpRoute, router([9080, 'http'])).length, 1);
});

test('with several router listeners a route must match a port of its protocol', () => {
  const twoListeners = router([9080, 'http'], [9090, 'grpc']);
  assert.deepEqual(checkRouteAgainstRouter(httpRoute(), twoListeners), [
    { path: 'spec.httpRoute.match.port', message: multipleListeners },
  ]);
  assert.deepEqual(checkRouteAgainstRouter(httpRoute(9080), twoListeners), []);
  assert.deepEqual(checkRouteAgainstRouter(grpcRoute(9090), twoListeners), []);
  const [wrongProtocol] = checkRouteAgainstRouter(httpRoute(9090), twoListeners);
  assert.equal(wrongProtocol?.path, 'spec.httpRoute');
  assert.match(wrongProtocol?.message ?? '', /listener on port 9090, whose protocol is grpc/);
  assert.deepEqual(checkRouteAgainstRouter(tcpRoute, router([1, 'tcp'], [2, 'tcp'])), [
    { path: 'spec.tcpRoute.match.port', message: multipleListeners },
  ]);
});

test('a route match port must be a router listener port, even with one listener', () => {
  assert.deepEqual(checkRouteAgainstRouter(httpRoute(8080), router([9080, 'http'])), [
    {
      path: 'spec.httpRoute.match.port',
      message: 'port 8080 is not a listener port of the Virtual Router (listener ports: 9080)',
    },
  ]);
});

test('a router without listeners takes no routes', () => {
  const [violation] = checkRouteAgainstRouter(httpRoute(), {});
  assert.equal(violation?.path, 'spec');
  assert.match(violation?.message ?? '', /no listeners/);
});

test('an updated router must still fit its routes', () => {
  const routes = [
    { name: 'web', spec: httpRoute() },
    { name: 'api', spec: httpRoute() },
  ];
  assert.deepEqual(checkRouterAgainstRoutes(router([9080, 'http']), routes), []);
  const [violation, ...rest] = checkRouterAgainstRoutes(router([9080, 'http'], [9090, 'http']), routes);
  assert.deepEqual(rest, []);
  assert.equal(violation?.path, 'spec.listeners');
  assert.match(
    violation?.message ?? '',
    /^All Routes for this Virtual Router must define a port match criteria .*missing on: web, api/,
  );
  const ported = [
    { name: 'web', spec: httpRoute(9080) },
    { name: 'rpc', spec: grpcRoute(9090) },
  ];
  assert.deepEqual(checkRouterAgainstRoutes(router([9080, 'http'], [9090, 'grpc']), ported), []);
  const [dropped] = checkRouterAgainstRoutes(router([9080, 'http'], [9091, 'grpc']), ported);
  assert.match(dropped?.message ?? '', /^Route rpc: port 9090 is not a listener port/);
  const [changed] = checkRouterAgainstRoutes(router([9080, 'grpc']), [{ name: 'web', spec: httpRoute() }]);
  assert.match(changed?.message ?? '', /^Route web: httpRoute does not match/);
});

test('weighted targets name a listener port when the node has several', () => {
  const nodes = new Map([
    ['one', node(9080)],
    ['two', node(9080, 9081)],
  ]);
  const route = (targets: { virtualNode: string; weight: number; port?: number }[]) =>
    checkRouteTargets(httpRoute(undefined, targets), nodes);
  assert.deepEqual(route([{ virtualNode: 'one', weight: 1 }]), []);
  assert.deepEqual(route([{ virtualNode: 'two', weight: 1, port: 9081 }]), []);
  assert.deepEqual(route([{ virtualNode: 'missing-from-map', weight: 1, port: 1 }]), []);
  const [needsPort] = route([
    { virtualNode: 'one', weight: 1 },
    { virtualNode: 'two', weight: 1 },
  ]);
  assert.equal(needsPort?.path, 'spec.httpRoute.action.weightedTargets[1].port');
  assert.match(needsPort?.message ?? '', /is required because Virtual Node two has multiple listeners/);
  const [wrongPort] = route([{ virtualNode: 'one', weight: 1, port: 9999 }]);
  assert.equal(wrongPort?.path, 'spec.httpRoute.action.weightedTargets[0].port');
  assert.match(wrongPort?.message ?? '', /port 9999 is not a listener port of Virtual Node one/);
});

test('a gateway route fits its gateway listeners', () => {
  assert.deepEqual(checkGatewayRouteAgainstGateway(gatewayRoute(), gateway([8080, 'http'])), []);
  const [wrongType] = checkGatewayRouteAgainstGateway(gatewayRoute(), gateway([8080, 'grpc']));
  assert.equal(wrongType?.path, 'spec.httpRoute');
  const two = gateway([8080, 'http'], [8443, 'http']);
  assert.deepEqual(checkGatewayRouteAgainstGateway(gatewayRoute(), two), [
    {
      path: 'spec.httpRoute.match.port',
      message:
        'Gateway Route must define a port match criteria if the Virtual Gateway has multiple listeners',
    },
  ]);
  assert.deepEqual(checkGatewayRouteAgainstGateway(gatewayRoute(8443), two), []);
  const [notListener] = checkGatewayRouteAgainstGateway(gatewayRoute(9000), two);
  assert.match(notListener?.message ?? '', /port 9000 is not a listener port of the Virtual Gateway/);
});

test('an updated gateway must still fit its gateway routes', () => {
  const routes = [{ name: 'color', spec: gatewayRoute() }];
  assert.deepEqual(checkGatewayRoutesAgainstGateway(gateway([8080, 'http']), routes), []);
  const [violation] = checkGatewayRoutesAgainstGateway(gateway([8080, 'http'], [8081, 'http']), routes);
  assert.match(
    violation?.message ?? '',
    /^All Gateway Routes for this Virtual Gateway must define a port match/,
  );
});

test('a gateway route target names a provider listener port when there are several', () => {
  assert.deepEqual(checkGatewayRouteTarget(gatewayRoute(), undefined), []);
  assert.deepEqual(checkGatewayRouteTarget(gatewayRoute(), [9080]), []);
  assert.deepEqual(checkGatewayRouteTarget(gatewayRoute(undefined, 9081), [9080, 9081]), []);
  const [needsPort] = checkGatewayRouteTarget(gatewayRoute(), [9080, 9081]);
  assert.equal(needsPort?.path, 'spec.httpRoute.action.target.port');
  assert.match(needsPort?.message ?? '', /provider of Virtual Service color.local has multiple listeners/);
  const [wrongPort] = checkGatewayRouteTarget(gatewayRoute(undefined, 1), [9080]);
  assert.match(wrongPort?.message ?? '', /port 1 is not a listener port/);
});
