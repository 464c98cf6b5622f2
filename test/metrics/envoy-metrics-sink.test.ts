// What `envoy-bootstrap` gives a stock Envoy for golden metrics: a MetricsService sink on the xDS cluster
// whose config is a valid envoy.config.metrics.v3.MetricsServiceConfig.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envoyBootstrap } from '../../src/cli/envoy-bootstrap-command.ts';
import { messageType } from '../../src/xds/protos/index.ts';

test('the bootstrap sends Envoy stats to the control plane every 10 s', () => {
  const bootstrap = envoyBootstrap({
    node: 'mesh/demo/virtualNode/front',
    xdsAddr: '127.0.0.1:15010',
    adminAddr: '127.0.0.1:9901',
  }) as {
    stats_flush_interval: string;
    stats_sinks: { name: string; typed_config: Record<string, unknown> }[];
  };
  assert.equal(bootstrap.stats_flush_interval, '10s');
  const [sink] = bootstrap.stats_sinks;
  assert.equal(sink!.name, 'envoy.stat_sinks.metrics_service');
  const { '@type': typeUrl, ...config } = sink!.typed_config;
  assert.equal(typeUrl, 'type.googleapis.com/envoy.config.metrics.v3.MetricsServiceConfig');
  const type = messageType('envoy.config.metrics.v3.MetricsServiceConfig');
  const message = type.fromObject(config);
  assert.equal(type.verify(message), null);
  const back = type.toObject(message, { enums: String }) as Record<string, unknown>;
  assert.equal(back.histogram_emit_mode, 'HISTOGRAM');
  assert.equal(back.transport_api_version, 'V3');
  assert.deepEqual(back.grpc_service, { envoy_grpc: { cluster_name: 'switchyard_xds' } });
});
