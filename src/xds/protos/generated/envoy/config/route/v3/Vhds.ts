// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/config/route/v3/route.proto

import type { ConfigSource as _envoy_config_core_v3_ConfigSource, ConfigSource__Output as _envoy_config_core_v3_ConfigSource__Output } from '../../../../envoy/config/core/v3/ConfigSource.ts';

export interface Vhds {
  /**
   * Configuration source specifier for VHDS.
   */
  'config_source'?: (_envoy_config_core_v3_ConfigSource | null);
}

export interface Vhds__Output {
  /**
   * Configuration source specifier for VHDS.
   */
  'config_source': (_envoy_config_core_v3_ConfigSource__Output | null);
}
