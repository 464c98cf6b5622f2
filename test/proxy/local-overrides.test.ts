// Local overrides work on decoded resources: the result equals decoding the overridden messages, and unchanged
// inputs give the very same objects, so the proxy rebuilds nothing for them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeListener, decodeRouteConfiguration } from '../../src/proxy/index.ts';
import type { DecodedSnapshot } from '../../src/proxy/index.ts';
import { localOverrides } from '../../src/proxy/xds-client/index.ts';
import type { Listener__Output, RouteConfiguration__Output } from '../../src/xds/protos/index.ts';
import { httpListener, prefixRoute, routeConfig, vhost } from './envoy-fixtures.ts';

function held(routes: RouteConfiguration__Output): DecodedSnapshot {
  const out: Listener__Output = { ...httpListener('out', { port: 15001 }), traffic_direction: 'OUTBOUND' };
  const inbound = httpListener('in', { port: 15000, routeConfigName: 'in' });
  return {
    listeners: [out, inbound].map((message) => ({ message, config: decodeListener(message) })),
    routeConfigurations: [{ message: routes, config: decodeRouteConfiguration(routes) }],
    clusters: [],
    clusterLoadAssignments: [],
  };
}

const routesV1 = routeConfig('out', [vhost('svc', ['svc:80'], [prefixRoute('/', 'svc')])]);
const routesV2 = routeConfig('out', [vhost('svc', ['svc:80'], [prefixRoute('/v2', 'svc')])]);

test('overrides on decoded listeners equal decoding the overridden messages', () => {
  const transform = localOverrides({
    listenHost: '127.0.0.2',
    accessLog: '/dev/null',
    accessLogFormat: 'json',
    httpBackends: new Map([['svc:80', 18080]]),
  })!;
  const result = transform(held(routesV1));
  assert.deepEqual(
    result.listeners.map((l) => l.message.name),
    ['out', 'in', 'out_backend_18080'],
  );
  for (const { message, config } of result.listeners) {
    assert.deepEqual(config, decodeListener(message), message.name);
    assert.equal(config.host, '127.0.0.2');
    assert.equal(config.accessLogs.at(-1)?.path, '/dev/null');
  }
  const derived = result.routeConfigurations.find((r) => r.message.name === 'out_backend_18080');
  assert.ok(derived);
  assert.deepEqual(derived.config, decodeRouteConfiguration(derived.message));
});

test('unchanged inputs give the same objects; a route change re-derives only what depends on it', () => {
  const transform = localOverrides({ listenHost: '127.0.0.2', httpBackends: new Map([['svc:80', 18080]]) })!;
  const input = held(routesV1);
  const first = transform(input);
  const again = transform(input);
  first.listeners.forEach((l, i) => assert.equal(again.listeners[i]!.config, l.config, l.message.name));
  first.routeConfigurations.forEach((r, i) => assert.equal(again.routeConfigurations[i]!.config, r.config));

  const changed = transform({
    ...input,
    routeConfigurations: [{ message: routesV2, config: decodeRouteConfiguration(routesV2) }],
  });
  assert.equal(changed.listeners[0]!.config, first.listeners[0]!.config, 'out is unchanged');
  assert.equal(changed.listeners[1]!.config, first.listeners[1]!.config, 'in is unchanged');
  const backendRoutes = (s: DecodedSnapshot) =>
    s.routeConfigurations.find((r) => r.message.name === 'out_backend_18080')!.config;
  assert.notEqual(backendRoutes(changed), backendRoutes(first), 'the derived route table follows its source');
});
