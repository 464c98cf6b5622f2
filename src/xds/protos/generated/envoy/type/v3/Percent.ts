// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/type/v3/percent.proto


/**
 * Identifies a percentage, in the range [0.0, 100.0].
 */
export interface Percent {
  'value'?: (number | string);
}

/**
 * Identifies a percentage, in the range [0.0, 100.0].
 */
export interface Percent__Output {
  'value': (number);
}
