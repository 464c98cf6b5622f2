// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/config/metrics/v3/metrics_service.proto

/**
 * HistogramEmitMode is used to configure which metric types should be emitted for histograms.
 */
export const HistogramEmitMode = {
  /**
   * Emit Histogram and Summary metric types.
   */
  SUMMARY_AND_HISTOGRAM: 'SUMMARY_AND_HISTOGRAM',
  /**
   * Emit only Summary metric types.
   */
  SUMMARY: 'SUMMARY',
  /**
   * Emit only Histogram metric types.
   */
  HISTOGRAM: 'HISTOGRAM',
} as const;

/**
 * HistogramEmitMode is used to configure which metric types should be emitted for histograms.
 */
export type HistogramEmitMode =
  /**
   * Emit Histogram and Summary metric types.
   */
  | 'SUMMARY_AND_HISTOGRAM'
  | 0
  /**
   * Emit only Summary metric types.
   */
  | 'SUMMARY'
  | 1
  /**
   * Emit only Histogram metric types.
   */
  | 'HISTOGRAM'
  | 2

/**
 * HistogramEmitMode is used to configure which metric types should be emitted for histograms.
 */
export type HistogramEmitMode__Output = typeof HistogramEmitMode[keyof typeof HistogramEmitMode]
