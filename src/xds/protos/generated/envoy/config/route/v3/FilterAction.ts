// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/config/route/v3/route_components.proto

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../../../../google/protobuf/Any.ts';

/**
 * A filter-defined action type.
 */
export interface FilterAction {
  'action'?: (_google_protobuf_Any | null);
}

/**
 * A filter-defined action type.
 */
export interface FilterAction__Output {
  'action': (_google_protobuf_Any__Output | null);
}
