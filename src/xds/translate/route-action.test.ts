// Route rendering: timeouts and their defaults, and how weighted targets become clusters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Listener, RouteSpec } from '../../model/specs/index.ts';
import { clusterSpecifier, grpcClientRoute, sidecarRoute } from './route-action.ts';
import type { PlannedRoute, ResolvedTarget } from './service-plan.ts';

const listener: Listener = { portMapping: { port: 8080, protocol: 'http' } };
const target = (clusterName: string, weight: number): ResolvedTarget => ({
  node: clusterName,
  listener,
  clusterName,
  weight,
});
const planned = (spec: RouteSpec, targets = [target('a', 1)]): PlannedRoute => ({
  name: 'r',
  spec,
  type: spec.grpcRoute ? 'grpcRoute' : 'httpRoute',
  targets,
});
const action = { weightedTargets: [{ virtualNode: 'a', weight: 1 }] };

test('one target is a plain cluster; several are weighted_clusters; repeats of a cluster add up', () => {
  assert.deepEqual(clusterSpecifier([target('a', 7)]), { cluster: 'a' });
  assert.deepEqual(clusterSpecifier([target('a', 3), target('b', 1)]), {
    weighted_clusters: {
      clusters: [
        { name: 'a', weight: { value: 3 } },
        { name: 'b', weight: { value: 1 } },
      ],
    },
  });
  assert.deepEqual(clusterSpecifier([target('a', 3), target('a', 2)]), { cluster: 'a' });
  assert.deepEqual(clusterSpecifier([target('a', 3), target('b', 1), target('a', 2)]).weighted_clusters, {
    clusters: [
      { name: 'a', weight: { value: 5 } },
      { name: 'b', weight: { value: 1 } },
    ],
  });
});

test('per-request timeout defaults to 15 s, 0 disables it, idle is set only when given', () => {
  const plain = sidecarRoute(planned({ httpRoute: { match: { prefix: '/' }, action } }));
  assert.deepEqual(plain.route?.timeout, { seconds: 15, nanos: 0 });
  assert.equal(plain.route?.idle_timeout, undefined);
  const zero = sidecarRoute(
    planned({
      httpRoute: {
        match: { prefix: '/' },
        action,
        timeout: { perRequest: { unit: 'ms', value: 0 }, idle: { unit: 'ms', value: 2500 } },
      },
    }),
  );
  assert.deepEqual(zero.route?.timeout, { seconds: 0, nanos: 0 });
  assert.deepEqual(zero.route?.idle_timeout, { seconds: 2, nanos: 500_000_000 });
});

test('a gRPC client gets the timeout as max_stream_duration too, and no idle timeout', () => {
  const route = grpcClientRoute(
    planned({
      grpcRoute: {
        match: { serviceName: 'pkg.Svc' },
        action,
        timeout: { perRequest: { unit: 's', value: 3 }, idle: { unit: 's', value: 9 } },
      },
    }),
  );
  assert.deepEqual(route?.route?.timeout, { seconds: 3, nanos: 0 });
  assert.deepEqual(route?.route?.max_stream_duration, { max_stream_duration: { seconds: 3, nanos: 0 } });
  assert.equal(route?.route?.idle_timeout, undefined);
  assert.deepEqual(route?.match, { prefix: '/pkg.Svc/' });
});

test('a gRPC client never gets routes no gRPC call can match', () => {
  const withQuery = { prefix: '/', queryParameters: [{ name: 'q' }] };
  assert.equal(grpcClientRoute(planned({ httpRoute: { match: withQuery, action } })), undefined);
  assert.equal(
    grpcClientRoute(planned({ httpRoute: { match: { prefix: '/', method: 'GET' }, action } })),
    undefined,
  );
  const post = grpcClientRoute(
    planned({ httpRoute: { match: { prefix: '/', method: 'POST', scheme: 'https' }, action } }),
  );
  assert.deepEqual(post?.match, { prefix: '/' });
});
