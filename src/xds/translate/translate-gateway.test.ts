// Virtual gateway translation on small meshes: listeners, route selection per listener, composition with the
// target service's routes, rewrites, fallbacks, connection pools and dependencies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcePath } from '../../model/resource-key.ts';
import { extensionTypeUrls } from '../protos/index.ts';
import type { EnvoyResources } from './envoy-resources.ts';
import type { Route } from './envoy-types.ts';
import { decodeAny, httpNode, meshState, record, route, router, routerService } from './test-fixtures.ts';
import { translateGateway } from './translate-gateway.ts';

const noEndpoints = new Map();
const listener = (port: number, protocol = 'http', extra: object = {}) => ({
  portMapping: { port, protocol },
  ...extra,
});
const gateway = (name: string, listeners: object[], extra: object = {}) =>
  record('virtualGateway', name, { listeners, ...extra });
const gatewayRoute = (gatewayName: string, name: string, spec: object) =>
  record('gatewayRoute', name, spec, gatewayName);
const target = (service: string, port?: number) => ({
  virtualService: { virtualServiceName: service },
  ...(port === undefined ? {} : { port }),
});
const nodeService = (name: string, node: string) =>
  record('virtualService', name, { provider: { virtualNode: { virtualNodeName: node } } });

function routesOf(out: EnvoyResources, routeConfigName: string): Route[] {
  const config = out.routeConfigurations.find((r) => r.name === routeConfigName);
  assert.ok(config, `no route configuration ${routeConfigName}`);
  return config.virtual_hosts?.[0]?.routes ?? [];
}

const names = (routes: Route[]) => routes.map((r) => r.name);

test('a gateway that does not exist yields nothing but depends on itself and the mesh', () => {
  const out = translateGateway(meshState({}), 'ghost', noEndpoints);
  assert.deepEqual(out.listeners, []);
  assert.deepEqual(out.dependsOn.map(resourcePath), ['mesh/m', 'mesh/m/virtualGateway/ghost']);
});

test('a gateway without routes: one listener per gateway listener, each answering 404 for everything', () => {
  const state = meshState({}, gateway('gw', [listener(8080), listener(9090, 'http2')]));
  const out = translateGateway(state, 'gw', noEndpoints, { listenHost: '127.0.0.1' });
  assert.deepEqual(
    out.listeners.map((l) => [l.name, l.address?.socket_address?.port_value]),
    [
      ['lds_ingress_127.0.0.1_8080', 8080],
      ['lds_ingress_127.0.0.1_9090', 9090],
    ],
  );
  for (const name of ['rds_ingress_http_8080', 'rds_ingress_http2_9090']) {
    assert.deepEqual(routesOf(out, name), [
      { name: 'no_gateway_route', match: { prefix: '/' }, direct_response: { status: 404 } },
    ]);
  }
  const hcm = decodeAny(
    out.listeners[0]!.filter_chains![0]!.filters![0]!.typed_config,
    extensionTypeUrls.httpConnectionManager,
  );
  assert.equal(hcm.stat_prefix, 'ingress.http.8080');
  assert.equal(hcm.strip_any_host_port, true);
  assert.equal(hcm.rds?.route_config_name, 'rds_ingress_http_8080');
});

test('the gateway logging becomes the access log of every listener', () => {
  const logging = { accessLog: { file: { path: '/dev/stdout', format: { text: '%RESPONSE_CODE%\n' } } } };
  const out = translateGateway(
    meshState({}, gateway('gw', [listener(8080)], { logging })),
    'gw',
    noEndpoints,
  );
  const hcm = decodeAny(
    out.listeners[0]!.filter_chains![0]!.filters![0]!.typed_config,
    extensionTypeUrls.httpConnectionManager,
  );
  const log = decodeAny(hcm.access_log[0]!.typed_config, extensionTypeUrls.fileAccessLog);
  assert.equal(log.path, '/dev/stdout');
  assert.equal(log.log_format?.text_format_source?.inline_string, '%RESPONSE_CODE%\n');
});

test('routes go to the listener of their protocol and port; without a port only on a one-listener gateway', () => {
  const http = (port?: number) => ({
    httpRoute: { match: { prefix: '/', ...(port ? { port } : {}) }, action: { target: target('svc') } },
  });
  const state = meshState(
    {},
    gateway('gw', [listener(8080), listener(9090, 'grpc')]),
    gatewayRoute('gw', 'no-port', http()),
    gatewayRoute('gw', 'on-8080', http(8080)),
    gatewayRoute('gw', 'on-9090', http(9090)),
    gatewayRoute('gw', 'grpc', {
      grpcRoute: { match: { serviceName: 'a.B', port: 9090 }, action: { target: target('svc') } },
    }),
  );
  const out = translateGateway(state, 'gw', noEndpoints);
  assert.deepEqual(names(routesOf(out, 'rds_ingress_http_8080')), ['on-8080', 'no_gateway_route']);
  assert.deepEqual(names(routesOf(out, 'rds_ingress_grpc_9090')), ['grpc', 'no_gateway_route']);
});

test('a target service that does not exist: the route answers 503 and the service is depended on', () => {
  const state = meshState(
    {},
    gateway('gw', [listener(8080)]),
    gatewayRoute('gw', 'r', { httpRoute: { match: { prefix: '/x' }, action: { target: target('nope') } } }),
  );
  const out = translateGateway(state, 'gw', noEndpoints);
  assert.deepEqual(routesOf(out, 'rds_ingress_http_8080')[0], {
    name: 'r',
    match: { prefix: '/x' },
    direct_response: { status: 503 },
  });
  assert.ok(out.dependsOn.map(resourcePath).includes('mesh/m/virtualService/nope'));
});

test('behind a router: the router routes apply with their weights, retries and timeouts, after the rewrites', () => {
  const state = meshState(
    {},
    httpNode('v1'),
    httpNode('v2'),
    router('rt', [8080, 'http']),
    routerService('svc', 'rt'),
    route('rt', 'beta', {
      priority: 0,
      httpRoute: {
        match: { prefix: '/', headers: [{ name: 'x-beta', match: { exact: '1' } }] },
        action: { weightedTargets: [{ virtualNode: 'v2', weight: 1 }] },
        retryPolicy: {
          maxRetries: 4,
          perRetryTimeout: { unit: 'ms', value: 200 },
          httpRetryEvents: ['server-error'],
        },
      },
    }),
    route('rt', 'split', {
      priority: 1,
      httpRoute: {
        match: { prefix: '/' },
        action: {
          weightedTargets: [
            { virtualNode: 'v1', weight: 3 },
            { virtualNode: 'v2', weight: 1 },
          ],
        },
        timeout: { perRequest: { unit: 's', value: 2 } },
      },
    }),
    gateway('gw', [listener(8080)]),
    gatewayRoute('gw', 'shop', {
      httpRoute: { match: { prefix: '/shop' }, action: { target: target('svc') } },
    }),
  );
  const out = translateGateway(state, 'gw', noEndpoints);
  const [beta, split, last, ...rest] = routesOf(out, 'rds_ingress_http_8080');
  assert.equal(rest.length, 0);
  assert.equal(beta?.name, 'shop/beta');
  assert.deepEqual(beta?.match, {
    prefix: '/shop',
    headers: [{ name: 'x-beta', string_match: { exact: '1' } }],
  });
  assert.equal(beta?.route?.cluster, 'cds_egress_m_v2_http_8080');
  assert.equal(beta?.route?.retry_policy?.num_retries?.value, 4);
  assert.equal(beta?.route?.host_rewrite_literal, 'svc');
  assert.deepEqual(beta?.route?.regex_rewrite, { pattern: { regex: '^/shop/?' }, substitution: '/' });
  assert.equal(split?.name, 'shop/split');
  assert.deepEqual(
    split?.route?.weighted_clusters?.clusters?.map((c) => [c.name, c.weight?.value]),
    [
      ['cds_egress_m_v1_http_8080', 3],
      ['cds_egress_m_v2_http_8080', 1],
    ],
  );
  assert.deepEqual(split?.route?.timeout, { seconds: 2, nanos: 0 });
  // The router's catch-all takes everything the gateway route matched, so no 404 fallback is needed.
  assert.equal(last?.name, 'no_gateway_route');
  assert.deepEqual(
    out.clusters.map((c) => c.name),
    ['cds_egress_m_v1_http_8080', 'cds_egress_m_v2_http_8080'],
  );
  assert.deepEqual(
    out.clusterLoadAssignments.map((c) => c.cluster_name),
    ['cds_egress_m_v1_http_8080', 'cds_egress_m_v2_http_8080'],
  );
  assert.deepEqual(out.dependsOn.map(resourcePath), [
    'mesh/m',
    'mesh/m/virtualGateway/gw',
    'mesh/m/virtualGateway/gw/gatewayRoute/shop',
    'mesh/m/virtualNode/v1',
    'mesh/m/virtualNode/v2',
    'mesh/m/virtualRouter/rt',
    'mesh/m/virtualRouter/rt/route/beta',
    'mesh/m/virtualRouter/rt/route/split',
    'mesh/m/virtualService/svc',
  ]);
});

test('a request the gateway route takes but no service route does gets 404, not a later gateway route', () => {
  const state = meshState(
    {},
    httpNode('v1'),
    router('rt', [8080, 'http']),
    routerService('svc', 'rt'),
    route('rt', 'only-api', {
      httpRoute: {
        match: { prefix: '/api/' },
        action: { weightedTargets: [{ virtualNode: 'v1', weight: 1 }] },
      },
    }),
    nodeService('other', 'v1'),
    gateway('gw', [listener(8080)]),
    gatewayRoute('gw', 'svc', {
      priority: 0,
      httpRoute: { match: { prefix: '/' }, action: { target: target('svc') } },
    }),
    gatewayRoute('gw', 'other', {
      priority: 1,
      httpRoute: { match: { prefix: '/' }, action: { target: target('other') } },
    }),
  );
  const routes = routesOf(translateGateway(state, 'gw', noEndpoints), 'rds_ingress_http_8080');
  assert.deepEqual(names(routes), ['svc/only-api', 'svc/no_route', 'other/v1_8080', 'no_gateway_route']);
  assert.deepEqual(routes[1], {
    name: 'svc/no_route',
    match: { prefix: '/' },
    direct_response: { status: 404 },
  });
});

test('a virtual-node provider: straight to the node listener, host rewritten to the service name', () => {
  const state = meshState(
    {},
    httpNode('app', 8080),
    nodeService('app.local', 'app'),
    gateway('gw', [listener(80)]),
    gatewayRoute('gw', 'by-host', {
      httpRoute: {
        match: { hostname: { exact: 'app.example.com' } },
        action: { target: target('app.local') },
      },
    }),
  );
  const [first] = routesOf(translateGateway(state, 'gw', noEndpoints), 'rds_ingress_http_80');
  assert.deepEqual(first, {
    name: 'by-host/app_8080',
    match: {
      prefix: '/',
      headers: [{ name: ':authority', string_match: { exact: 'app.example.com', ignore_case: true } }],
    },
    route: {
      cluster: 'cds_egress_m_app_http_8080',
      timeout: { seconds: 15, nanos: 0 },
      retry_policy: first?.route?.retry_policy,
      host_rewrite_literal: 'app.local',
    },
  });
});

test('every rewrite: hostname disabled, prefix value, default prefix disabled, exact path', () => {
  const http = (match: object, rewrite?: object) => ({
    httpRoute: { match, action: { target: target('app.local'), ...(rewrite ? { rewrite } : {}) } },
  });
  const state = meshState(
    {},
    httpNode('app'),
    nodeService('app.local', 'app'),
    gateway('gw', [listener(80)]),
    gatewayRoute(
      'gw',
      'keep-host',
      http({ prefix: '/k/' }, { hostname: { defaultTargetHostname: 'DISABLED' } }),
    ),
    gatewayRoute('gw', 'value', http({ prefix: '/old/' }, { prefix: { value: '/new/' } })),
    gatewayRoute('gw', 'no-prefix', http({ prefix: '/same' }, { prefix: { defaultPrefix: 'DISABLED' } })),
    gatewayRoute('gw', 'exact', http({ path: { exact: '/a/b' } }, { path: { exact: '/c' } })),
    gatewayRoute('gw', 'regex', http({ path: { regex: '/r/[0-9]+' } })),
  );
  const routes = routesOf(translateGateway(state, 'gw', noEndpoints), 'rds_ingress_http_80');
  const byName = new Map(routes.map((r) => [r.name, r.route]));
  assert.equal(byName.get('keep-host/app_8080')?.host_rewrite_literal, undefined);
  assert.deepEqual(byName.get('keep-host/app_8080')?.regex_rewrite, {
    pattern: { regex: '^/k/?' },
    substitution: '/',
  });
  assert.deepEqual(byName.get('value/app_8080')?.regex_rewrite, {
    pattern: { regex: '^/old/?' },
    substitution: '/new/',
  });
  assert.equal(byName.get('no-prefix/app_8080')?.regex_rewrite, undefined);
  assert.deepEqual(byName.get('exact/app_8080')?.regex_rewrite, {
    pattern: { regex: '^.*$' },
    substitution: '/c',
  });
  assert.equal(byName.get('regex/app_8080')?.regex_rewrite, undefined);
  assert.equal(byName.get('regex/app_8080')?.host_rewrite_literal, 'app.local');
  assert.deepEqual(names(routes), [
    'exact/app_8080',
    'regex/app_8080',
    'no-prefix/app_8080',
    'value/app_8080',
    'keep-host/app_8080',
    'no_gateway_route',
  ]);
});

test('every match kind on one route: hostname suffix, headers with invert, query parameters, method', () => {
  const state = meshState(
    {},
    httpNode('app'),
    nodeService('app.local', 'app'),
    gateway('gw', [listener(80)]),
    gatewayRoute('gw', 'all', {
      httpRoute: {
        match: {
          prefix: '/p',
          hostname: { suffix: '.example.com' },
          headers: [
            { name: 'X-Range', match: { range: { start: 1, end: 5 } } },
            { name: 'x-not', invert: true, match: { suffix: 'z' } },
            { name: 'x-present' },
          ],
          queryParameters: [{ name: 'q', match: { exact: 'v' } }, { name: 'flag' }],
          method: 'POST',
        },
        action: { target: target('app.local') },
      },
    }),
  );
  const [first] = routesOf(translateGateway(state, 'gw', noEndpoints), 'rds_ingress_http_80');
  assert.deepEqual(first?.match, {
    prefix: '/p',
    headers: [
      { name: ':authority', string_match: { suffix: '.example.com', ignore_case: true } },
      { name: 'x-range', range_match: { start: 1, end: 5 } },
      { name: 'x-not', string_match: { suffix: 'z' }, invert_match: true },
      { name: 'x-present', present_match: true },
      { name: ':method', string_match: { exact: 'POST' } },
    ],
    query_parameters: [
      { name: 'q', string_match: { exact: 'v' } },
      { name: 'flag', present_match: true },
    ],
  });
});

test('gRPC: the service name is a path prefix joined with the router method routes; metadata matches', () => {
  const state = meshState(
    {},
    record('virtualNode', 'g', {
      listeners: [{ portMapping: { port: 50051, protocol: 'grpc' } }],
      serviceDiscovery: { dns: { hostname: 'g.local' } },
    }),
    router('grt', [50051, 'grpc']),
    routerService('greeter', 'grt'),
    route('grt', 'hello', {
      grpcRoute: {
        match: { serviceName: 'greet.Greeter', methodName: 'Hello' },
        action: { weightedTargets: [{ virtualNode: 'g', weight: 1 }] },
      },
    }),
    route('grt', 'other-service', {
      grpcRoute: {
        match: { serviceName: 'other.S' },
        action: { weightedTargets: [{ virtualNode: 'g', weight: 1 }] },
      },
    }),
    gateway('gw', [listener(50051, 'grpc')]),
    gatewayRoute('gw', 'greet', {
      grpcRoute: {
        match: { serviceName: 'greet.Greeter', metadata: [{ name: 'x-tenant', match: { exact: 'a' } }] },
        action: { target: target('greeter') },
      },
    }),
  );
  const routes = routesOf(translateGateway(state, 'gw', noEndpoints), 'rds_ingress_grpc_50051');
  assert.deepEqual(names(routes), ['greet/hello', 'greet/no_route', 'no_gateway_route']);
  assert.deepEqual(routes[0]?.match, {
    path: '/greet.Greeter/Hello',
    headers: [{ name: 'x-tenant', string_match: { exact: 'a' } }],
  });
  assert.equal(routes[0]?.route?.host_rewrite_literal, 'greeter');
  assert.equal(routes[0]?.route?.regex_rewrite, undefined);
});

test('listener connection pools limit the clusters they reach; a shared cluster gets the loosest limits', () => {
  const state = meshState(
    {},
    httpNode('app'),
    nodeService('app.local', 'app'),
    gateway('gw', [
      listener(80, 'http', { connectionPool: { http: { maxConnections: 10, maxPendingRequests: 5 } } }),
      listener(81, 'http', { connectionPool: { http: { maxConnections: 20 } } }),
    ]),
    gatewayRoute('gw', 'a', {
      httpRoute: { match: { prefix: '/', port: 80 }, action: { target: target('app.local') } },
    }),
    gatewayRoute('gw', 'b', {
      httpRoute: { match: { prefix: '/', port: 81 }, action: { target: target('app.local') } },
    }),
  );
  const one = meshState(
    {},
    httpNode('app'),
    nodeService('app.local', 'app'),
    gateway('gw', [
      listener(80, 'http', { connectionPool: { http: { maxConnections: 10, maxPendingRequests: 5 } } }),
    ]),
    gatewayRoute('gw', 'a', {
      httpRoute: { match: { prefix: '/' }, action: { target: target('app.local') } },
    }),
  );
  const thresholds = (s: typeof state) => {
    const t = translateGateway(s, 'gw', noEndpoints).clusters[0]?.circuit_breakers?.thresholds?.[0];
    return [t?.max_connections?.value, t?.max_pending_requests?.value, t?.max_requests?.value];
  };
  assert.deepEqual(thresholds(one), [10, 5, 2147483647]);
  assert.deepEqual(thresholds(state), [20, 2147483647, 2147483647]);
});

test('the health check travels in the listener metadata', () => {
  const healthCheck = {
    protocol: 'http',
    path: '/ping',
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    intervalMillis: 5000,
    timeoutMillis: 2000,
  };
  const out = translateGateway(
    meshState({}, gateway('gw', [listener(80, 'http', { healthCheck }), listener(81)])),
    'gw',
    noEndpoints,
  );
  const carried = out.listeners[0]?.metadata?.filter_metadata?.['switchyard.virtual_gateway_listener'];
  assert.deepEqual(carried?.fields?.healthCheck?.structValue?.fields?.path, { stringValue: '/ping' });
  assert.deepEqual(carried?.fields?.healthCheck?.structValue?.fields?.intervalMillis, { numberValue: 5000 });
  assert.equal(out.listeners[1]?.metadata, undefined);
});
