// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/config/bootstrap/v3/bootstrap.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../../../google/protobuf/Duration.ts';
import type { Long } from '@grpc/proto-loader';

export interface MemoryAllocatorManager {
  /**
   * Configures tcmalloc to perform background release of free memory in amount of bytes per ``memory_release_interval`` interval.
   * If equals to ``0``, no memory release will occur. Defaults to ``0``.
   */
  'bytes_to_release'?: (number | string | Long);
  /**
   * Interval in milliseconds for memory releasing. If specified, during every
   * interval Envoy will try to release ``bytes_to_release`` of free memory back to operating system for reuse.
   * Defaults to 1000 milliseconds.
   */
  'memory_release_interval'?: (_google_protobuf_Duration | null);
}

export interface MemoryAllocatorManager__Output {
  /**
   * Configures tcmalloc to perform background release of free memory in amount of bytes per ``memory_release_interval`` interval.
   * If equals to ``0``, no memory release will occur. Defaults to ``0``.
   */
  'bytes_to_release': (string);
  /**
   * Interval in milliseconds for memory releasing. If specified, during every
   * interval Envoy will try to release ``bytes_to_release`` of free memory back to operating system for reuse.
   * Defaults to 1000 milliseconds.
   */
  'memory_release_interval': (_google_protobuf_Duration__Output | null);
}
