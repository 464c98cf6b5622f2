// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/config/metrics/v3/metrics_service.proto

import type { GrpcService as _envoy_config_core_v3_GrpcService, GrpcService__Output as _envoy_config_core_v3_GrpcService__Output } from '../../../../envoy/config/core/v3/GrpcService.ts';
import type { BoolValue as _google_protobuf_BoolValue, BoolValue__Output as _google_protobuf_BoolValue__Output } from '../../../../google/protobuf/BoolValue.ts';
import type { ApiVersion as _envoy_config_core_v3_ApiVersion, ApiVersion__Output as _envoy_config_core_v3_ApiVersion__Output } from '../../../../envoy/config/core/v3/ApiVersion.ts';
import type { HistogramEmitMode as _envoy_config_metrics_v3_HistogramEmitMode, HistogramEmitMode__Output as _envoy_config_metrics_v3_HistogramEmitMode__Output } from '../../../../envoy/config/metrics/v3/HistogramEmitMode.ts';

/**
 * Metrics Service is configured as a built-in ``envoy.stat_sinks.metrics_service`` :ref:`StatsSink
 * <envoy_v3_api_msg_config.metrics.v3.StatsSink>`. This opaque configuration will be used to create
 * Metrics Service.
 * 
 * Example:
 * 
 * .. code-block:: yaml
 * 
 * stats_sinks:
 * - name: envoy.stat_sinks.metrics_service
 * typed_config:
 * "@type": type.googleapis.com/envoy.config.metrics.v3.MetricsServiceConfig
 * 
 * [#extension: envoy.stat_sinks.metrics_service]
 * [#next-free-field: 6]
 */
export interface MetricsServiceConfig {
  /**
   * The upstream gRPC cluster that hosts the metrics service.
   */
  'grpc_service'?: (_envoy_config_core_v3_GrpcService | null);
  /**
   * If true, counters are reported as the delta between flushing intervals. Otherwise, the current
   * counter value is reported. Defaults to false.
   * Eventually (https://github.com/envoyproxy/envoy/issues/10968) if this value is not set, the
   * sink will take updates from the :ref:`MetricsResponse <envoy_v3_api_msg_service.metrics.v3.StreamMetricsResponse>`.
   */
  'report_counters_as_deltas'?: (_google_protobuf_BoolValue | null);
  /**
   * API version for metric service transport protocol. This describes the metric service gRPC
   * endpoint and version of messages used on the wire.
   */
  'transport_api_version'?: (_envoy_config_core_v3_ApiVersion);
  /**
   * If true, metrics will have their tags emitted as labels on the metrics objects sent to the MetricsService,
   * and the tag extracted name will be used instead of the full name, which may contain values used by the tag
   * extractor or additional tags added during stats creation.
   */
  'emit_tags_as_labels'?: (boolean);
  /**
   * Specify which metrics types to emit for histograms. Defaults to SUMMARY_AND_HISTOGRAM.
   */
  'histogram_emit_mode'?: (_envoy_config_metrics_v3_HistogramEmitMode);
}

/**
 * Metrics Service is configured as a built-in ``envoy.stat_sinks.metrics_service`` :ref:`StatsSink
 * <envoy_v3_api_msg_config.metrics.v3.StatsSink>`. This opaque configuration will be used to create
 * Metrics Service.
 * 
 * Example:
 * 
 * .. code-block:: yaml
 * 
 * stats_sinks:
 * - name: envoy.stat_sinks.metrics_service
 * typed_config:
 * "@type": type.googleapis.com/envoy.config.metrics.v3.MetricsServiceConfig
 * 
 * [#extension: envoy.stat_sinks.metrics_service]
 * [#next-free-field: 6]
 */
export interface MetricsServiceConfig__Output {
  /**
   * The upstream gRPC cluster that hosts the metrics service.
   */
  'grpc_service': (_envoy_config_core_v3_GrpcService__Output | null);
  /**
   * If true, counters are reported as the delta between flushing intervals. Otherwise, the current
   * counter value is reported. Defaults to false.
   * Eventually (https://github.com/envoyproxy/envoy/issues/10968) if this value is not set, the
   * sink will take updates from the :ref:`MetricsResponse <envoy_v3_api_msg_service.metrics.v3.StreamMetricsResponse>`.
   */
  'report_counters_as_deltas': (_google_protobuf_BoolValue__Output | null);
  /**
   * API version for metric service transport protocol. This describes the metric service gRPC
   * endpoint and version of messages used on the wire.
   */
  'transport_api_version': (_envoy_config_core_v3_ApiVersion__Output);
  /**
   * If true, metrics will have their tags emitted as labels on the metrics objects sent to the MetricsService,
   * and the tag extracted name will be used instead of the full name, which may contain values used by the tag
   * extractor or additional tags added during stats creation.
   */
  'emit_tags_as_labels': (boolean);
  /**
   * Specify which metrics types to emit for histograms. Defaults to SUMMARY_AND_HISTOGRAM.
   */
  'histogram_emit_mode': (_envoy_config_metrics_v3_HistogramEmitMode__Output);
}
