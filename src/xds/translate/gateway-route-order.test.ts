// The gateway route ordering rule: priority, then path specificity (longest prefix first), then condition
// count, then name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  GatewayRouteSpec,
  GrpcGatewayRouteMatch,
  HttpGatewayRouteMatch,
} from '../../model/specs/index.ts';
import { compareGatewayRoutes } from './gateway-route-order.ts';

const action = { target: { virtualService: { virtualServiceName: 's' } } };
interface NamedGatewayRoute {
  readonly name: string;
  readonly spec: GatewayRouteSpec;
}
const http = (name: string, match: HttpGatewayRouteMatch, priority?: number): NamedGatewayRoute => ({
  name,
  spec: { httpRoute: { match, action }, ...(priority === undefined ? {} : { priority }) },
});
const grpc = (name: string, match: GrpcGatewayRouteMatch): NamedGatewayRoute => ({
  name,
  spec: { grpcRoute: { match, action } },
});
const order = (routes: NamedGatewayRoute[]) => routes.sort(compareGatewayRoutes).map((r) => r.name);

test('explicit priorities first, lowest number first, whatever the prefix; unset priorities last', () => {
  assert.deepEqual(
    order([
      http('none-long', { prefix: '/very/long/prefix' }),
      http('p5', { prefix: '/' }, 5),
      http('p0', { prefix: '/a' }, 0),
      http('p1000', { prefix: '/b' }, 1000),
    ]),
    ['p0', 'p5', 'p1000', 'none-long'],
  );
});

test('same priority: exact path, then regex path, then the longest prefix', () => {
  assert.deepEqual(
    order([
      http('root', { prefix: '/' }),
      http('short', { prefix: '/api' }),
      http('regex', { path: { regex: '/api/v[0-9]+' } }),
      http('long', { prefix: '/api/v1/' }),
      http('exact', { path: { exact: '/api/v1/items' } }),
    ]),
    ['exact', 'regex', 'long', 'short', 'root'],
  );
});

test('a hostname-only match covers every path, so it ranks like the prefix "/"', () => {
  assert.deepEqual(
    order([
      http('by-host', { hostname: { exact: 'a.example.com' } }),
      http('prefix', { prefix: '/x' }),
      http('root', { prefix: '/' }),
    ]),
    ['prefix', 'by-host', 'root'],
  );
});

test('same path: more conditions first (hostname, headers, query parameters, method)', () => {
  assert.deepEqual(
    order([
      http('plain', { prefix: '/p' }),
      http('method', { prefix: '/p', method: 'GET' }),
      http('three', {
        prefix: '/p',
        hostname: { suffix: '.example.com' },
        headers: [{ name: 'x' }],
        queryParameters: [{ name: 'q' }],
      }),
    ]),
    ['three', 'method', 'plain'],
  );
});

test('equal routes are ordered by name', () => {
  assert.deepEqual(order([http('b', { prefix: '/x' }), http('a', { prefix: '/x' })]), ['a', 'b']);
});

test('gRPC: a longer service name first, a match on metadata before one without, hostname-only last', () => {
  assert.deepEqual(
    order([
      grpc('host', { hostname: { exact: 'g.example.com' } }),
      grpc('short', { serviceName: 'a.B' }),
      grpc('long', { serviceName: 'pkg.v1.Service' }),
      grpc('long-meta', { serviceName: 'pkg.v1.Service', metadata: [{ name: 'x-tenant' }] }),
    ]),
    ['long-meta', 'long', 'short', 'host'],
  );
});
