import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packAny, typeUrls, unpackAny } from '../../xds/protos/index.ts';
import { ConfigError } from './config-error.ts';
import { decodeCluster } from './decode-cluster.ts';
import { decodeClusterLoadAssignment } from './decode-cluster-load-assignment.ts';
import { decodeRouteConfiguration } from './decode-route-configuration.ts';

const out = <T>(url: string, obj: object): T => unpackAny(packAny(url, obj)) as T;

test('cluster defaults follow Envoy: 5 s connect timeout, 1024 limits, 3 retries, outlier defaults', () => {
  const c = decodeCluster(out(typeUrls.cluster, { name: 'c', type: 'EDS', outlier_detection: {} }));
  assert.equal(c.connectTimeoutMs, 5000);
  assert.deepEqual(c.circuitBreakers, {
    maxConnections: 1024,
    maxPendingRequests: 1024,
    maxRequests: 1024,
    maxRetries: 3,
  });
  assert.equal(c.outlierDetection?.consecutive5xx, 5);
  assert.equal(c.outlierDetection?.intervalMs, 10000);
  assert.equal(c.outlierDetection?.baseEjectionMs, 30000);
  assert.equal(c.outlierDetection?.maxEjectionPercent, 10);
  assert.equal(c.protocol, 'http1');
  assert.ok(Object.isFrozen(c));
});

test('cluster violations are all reported with field paths', () => {
  assert.throws(
    () =>
      decodeCluster(
        out(typeUrls.cluster, {
          name: 'c',
          type: 'ORIGINAL_DST',
          lb_policy: 'MAGLEV',
          health_checks: [{ interval: { seconds: 1 }, http_health_check: { path: 'no-slash' } }],
        }),
      ),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.violations, [
        'lb_policy: must be CLUSTER_PROVIDED for an ORIGINAL_DST cluster',
        'original_dst_lb_config.use_http_header: must be true: switchyard proxy has no connection interception, so the destination must come from a header',
        'health_checks[0].timeout: is required and must be greater than 0',
        'health_checks[0].unhealthy_threshold: is required',
        'health_checks[0].healthy_threshold: is required',
        'health_checks[0].http_health_check.path: must start with /',
      ]);
      return true;
    },
  );
});

test('route defaults: 15 s timeout, retry policy with 1 retry and 25/250 ms back-off', () => {
  const rt = decodeRouteConfiguration(
    out(typeUrls.routeConfiguration, {
      name: 'r',
      virtual_hosts: [
        {
          name: 'v',
          domains: ['*'],
          routes: [
            { match: { prefix: '/' }, route: { cluster: 'c', retry_policy: { retry_on: '5xx,reset' } } },
          ],
        },
      ],
    }),
  );
  const action = rt.virtualHosts[0]?.routes[0]?.action;
  assert.equal(action?.kind, 'forward');
  if (action?.kind !== 'forward') return;
  assert.equal(action.timeoutMs, 15000);
  assert.equal(action.retryPolicy?.numRetries, 1);
  assert.equal(action.retryPolicy?.backOffBaseMs, 25);
  assert.equal(action.retryPolicy?.backOffMaxMs, 250);
});

test('endpoints decode with health, weight and priority', () => {
  const e = decodeClusterLoadAssignment(
    out(typeUrls.clusterLoadAssignment, {
      cluster_name: 'c',
      endpoints: [
        {
          priority: 1,
          lb_endpoints: [
            {
              endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 80 } } },
              health_status: 'UNHEALTHY',
              load_balancing_weight: { value: 3 },
            },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(e.hosts[0], {
    host: '10.0.0.1',
    port: 80,
    weight: 3,
    health: 'UNHEALTHY',
    priority: 1,
    healthCheckPort: undefined,
  });
});
