// The admin interface: /ready, /stats/prometheus names and labels, /config_dump, /clusters; and access logs.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { packAny, extensionTypeUrls } from '../../src/xds/protos/index.ts';
import { MeshProxy } from '../../src/proxy/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';
import { closeClientAgent, request, startHttpServer, waitFor } from './upstream-servers.ts';

after(() => closeClientAgent());

test('admin endpoints and Envoy-compatible Prometheus stats', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-proxy-'));
  const logPath = path.join(dir, 'access.log');
  const up = await startHttpServer((req, res) => {
    req.resume();
    res.writeHead(req.url === '/fail' ? 503 : 200);
    res.end('x');
  });
  const proxy = new MeshProxy({ admin: { host: '127.0.0.1', port: 0 } });
  await proxy.start();
  const admin = proxy.adminPort ?? 0;
  try {
    assert.equal((await request(admin, '/ready')).status, 503, 'not ready before the first config');
    await proxy.applyConfig(
      snapshot({
        listeners: [
          httpListener('egress', {
            statPrefix: 'egress',
            accessLog: [
              {
                name: 'envoy.access_loggers.file',
                typed_config: packAny(extensionTypeUrls.fileAccessLog, { path: logPath }),
              },
            ],
          }),
        ],
        routeConfigurations: [routeConfig('egress', [vhost('svc', ['svc'], [prefixRoute('/', 'backend')])])],
        clusters: [cluster('backend')],
        clusterLoadAssignments: [endpoints('backend', [up.port])],
      }),
    );
    const ready = await request(admin, '/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body, 'LIVE\n');
    const port = proxy.listenerPort('egress') ?? 0;
    for (let i = 0; i < 3; i++) await request(port, '/ok', { headers: { 'user-agent': 'tester' } });
    await request(port, '/fail');
    const prom = (await request(admin, '/stats/prometheus')).body;
    const has = (line: string): void => assert.ok(prom.includes(line), `missing ${line}`);
    has('envoy_cluster_upstream_rq_total{envoy_cluster_name="backend"} 4');
    has('envoy_cluster_upstream_rq{envoy_response_code="200",envoy_cluster_name="backend"} 3');
    has('envoy_cluster_upstream_rq{envoy_response_code="503",envoy_cluster_name="backend"} 1');
    has('envoy_cluster_upstream_rq_xx{envoy_response_code_class="2",envoy_cluster_name="backend"} 3');
    has('envoy_cluster_upstream_rq_xx{envoy_response_code_class="5",envoy_cluster_name="backend"} 1');
    has('# TYPE envoy_cluster_upstream_rq_time histogram');
    has('envoy_cluster_upstream_rq_time_count{envoy_cluster_name="backend"} 4');
    has('envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="backend",le="+Inf"} 4');
    has('envoy_cluster_upstream_cx_active{envoy_cluster_name="backend"} 1');
    has('envoy_http_downstream_rq_total{envoy_http_conn_manager_prefix="egress"} 4');
    has(
      'envoy_http_downstream_rq_xx{envoy_response_code_class="2",envoy_http_conn_manager_prefix="egress"} 3',
    );
    has('envoy_cluster_upstream_rq_retry{envoy_cluster_name="backend"} 0');
    has('envoy_cluster_upstream_rq_timeout{envoy_cluster_name="backend"} 0');
    has('envoy_cluster_outlier_detection_ejections_enforced_total{envoy_cluster_name="backend"} 0');
    has('envoy_cluster_upstream_rq_pending_overflow{envoy_cluster_name="backend"} 0');

    const dump = JSON.parse((await request(admin, '/config_dump')).body) as {
      configs: Record<string, unknown>[];
    };
    const listeners = dump.configs.find((c) => String(c['@type']).endsWith('ListenersConfigDump')) as {
      dynamic_listeners: {
        name: string;
        active_state: {
          listener: { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] };
        };
      }[];
    };
    assert.equal(listeners.dynamic_listeners[0]?.name, 'egress');
    const hcm =
      listeners.dynamic_listeners[0]?.active_state.listener.filter_chains[0]?.filters[0]?.typed_config;
    assert.equal(hcm?.stat_prefix, 'egress', 'nested Any rendered as fields');

    const clusters = (await request(admin, '/clusters')).body;
    assert.match(clusters, new RegExp(`backend::127\\.0\\.0\\.1:${up.port}::health_flags::healthy`));
    const clustersJson = JSON.parse((await request(admin, '/clusters?format=json')).body) as {
      cluster_statuses: { name: string; host_statuses: { ejection: { ejected: boolean } }[] }[];
    };
    assert.equal(clustersJson.cluster_statuses[0]?.host_statuses[0]?.ejection.ejected, false);

    await waitFor(
      async () => (await readFile(logPath, 'utf8').catch(() => '')).split('\n').length > 4,
      5000,
      'access log lines',
    );
    const lines = (await readFile(logPath, 'utf8')).trim().split('\n');
    assert.match(
      lines[0] ?? '',
      /^\[\d{4}-\d\d-\d\dT[^\]]+\] "GET \/ok HTTP\/1\.1" 200 - 0 1 \d+ \d+ "-" "tester" "[0-9a-f-]{36}" "svc" "127\.0\.0\.1:\d+"$/,
    );
    assert.match(lines[3] ?? '', /"GET \/fail HTTP\/1\.1" 503 /);
  } finally {
    await proxy.close();
    await up.close();
    await rm(dir, { recursive: true, force: true });
  }
});
