// The route ordering rule: priority, then path specificity, then condition count, then name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GrpcRouteMatch, HttpRouteMatch, RouteSpec } from '../../model/specs/index.ts';
import { compareRoutes } from './route-order.ts';

const action = { weightedTargets: [{ virtualNode: 'n', weight: 1 }] };
interface NamedRoute {
  readonly name: string;
  readonly priority?: number;
  readonly spec: RouteSpec;
}
const http = (name: string, match: HttpRouteMatch, priority?: number): NamedRoute => ({
  name,
  priority,
  spec: { httpRoute: { match, action }, ...(priority === undefined ? {} : { priority }) },
});
const grpc = (name: string, match: GrpcRouteMatch): NamedRoute => ({
  name,
  spec: { grpcRoute: { match, action } },
});
const order = (routes: NamedRoute[]) => routes.sort(compareRoutes).map((r) => r.name);

test('explicit priorities come first, lowest number first, routes without priority last', () => {
  assert.deepEqual(
    order([
      http('none', { prefix: '/a/b/c' }),
      http('p10', { prefix: '/' }, 10),
      http('p0', { prefix: '/' }, 0),
    ]),
    ['p0', 'p10', 'none'],
  );
});

test('same priority: exact path, then regex, then prefixes longest first', () => {
  assert.deepEqual(
    order([
      http('root', { prefix: '/' }),
      http('regex', { path: { regex: '/a/.*' } }),
      http('long-prefix', { prefix: '/api/v1' }),
      http('exact', { path: { exact: '/api' } }),
      http('short-prefix', { prefix: '/api' }),
    ]),
    ['exact', 'regex', 'long-prefix', 'short-prefix', 'root'],
  );
});

test('same path: more conditions first, then by name', () => {
  assert.deepEqual(
    order([
      http('b-plain', { prefix: '/x' }),
      http('a-plain', { prefix: '/x' }),
      http('method', { prefix: '/x', method: 'GET' }),
      http('two', { prefix: '/x', headers: [{ name: 'h' }], queryParameters: [{ name: 'q' }] }),
    ]),
    ['two', 'method', 'a-plain', 'b-plain'],
  );
});

test('gRPC: service and method, then service, then match-all; metadata narrows', () => {
  assert.deepEqual(
    order([
      grpc('all', {}),
      grpc('service', { serviceName: 'pkg.Svc' }),
      grpc('method', { serviceName: 'pkg.Svc', methodName: 'Get' }),
      grpc('service-meta', { serviceName: 'pkg.Svc', metadata: [{ name: 'x' }] }),
    ]),
    ['method', 'service-meta', 'service', 'all'],
  );
});
