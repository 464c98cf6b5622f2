import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prometheusName, StatsStore } from './stats-store.ts';

test('Envoy tag extraction for cluster, response code and class, http prefix', () => {
  assert.deepEqual(prometheusName('cluster.foo.upstream_rq_total'), {
    metric: 'envoy_cluster_upstream_rq_total',
    labels: 'envoy_cluster_name="foo"',
  });
  assert.deepEqual(prometheusName('cluster.foo.upstream_rq_503'), {
    metric: 'envoy_cluster_upstream_rq',
    labels: 'envoy_response_code="503",envoy_cluster_name="foo"',
  });
  assert.deepEqual(prometheusName('cluster.foo.upstream_rq_5xx'), {
    metric: 'envoy_cluster_upstream_rq_xx',
    labels: 'envoy_response_code_class="5",envoy_cluster_name="foo"',
  });
  assert.deepEqual(prometheusName('http.ingress.downstream_rq_2xx'), {
    metric: 'envoy_http_downstream_rq_xx',
    labels: 'envoy_response_code_class="2",envoy_http_conn_manager_prefix="ingress"',
  });
  assert.deepEqual(prometheusName('cluster.foo.outlier_detection.ejections_active'), {
    metric: 'envoy_cluster_outlier_detection_ejections_active',
    labels: 'envoy_cluster_name="foo"',
  });
  assert.deepEqual(prometheusName('listener.127.0.0.1_15000.downstream_cx_overflow'), {
    metric: 'envoy_listener_downstream_cx_overflow',
    labels: 'envoy_listener_address="127.0.0.1_15000"',
  });
  assert.deepEqual(prometheusName('listener.[::1]_15000.downstream_pre_cx_timeout'), {
    metric: 'envoy_listener_downstream_pre_cx_timeout',
    labels: 'envoy_listener_address="[::1]_15000"',
  });
  assert.deepEqual(prometheusName('cluster_manager.active_clusters'), {
    metric: 'envoy_cluster_manager_active_clusters',
    labels: '',
  });
});

test('histograms render cumulative buckets, sum and count', () => {
  const stats = new StatsStore();
  const h = stats.histogram('cluster.a.upstream_rq_time');
  h.record(3);
  h.record(40);
  const text = stats.renderPrometheus();
  assert.match(text, /# TYPE envoy_cluster_upstream_rq_time histogram/);
  assert.match(text, /envoy_cluster_upstream_rq_time_bucket\{envoy_cluster_name="a",le="1"\} 0/);
  assert.match(text, /envoy_cluster_upstream_rq_time_bucket\{envoy_cluster_name="a",le="5"\} 1/);
  assert.match(text, /envoy_cluster_upstream_rq_time_bucket\{envoy_cluster_name="a",le="50"\} 2/);
  assert.match(text, /envoy_cluster_upstream_rq_time_bucket\{envoy_cluster_name="a",le="\+Inf"\} 2/);
  assert.match(text, /envoy_cluster_upstream_rq_time_sum\{envoy_cluster_name="a"\} 43/);
  assert.match(text, /envoy_cluster_upstream_rq_time_count\{envoy_cluster_name="a"\} 2/);
});
