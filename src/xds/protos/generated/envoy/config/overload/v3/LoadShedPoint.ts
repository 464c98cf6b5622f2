// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/config/overload/v3/overload.proto

import type { Trigger as _envoy_config_overload_v3_Trigger, Trigger__Output as _envoy_config_overload_v3_Trigger__Output } from '../../../../envoy/config/overload/v3/Trigger.ts';

/**
 * A point within the connection or request lifecycle that provides context on
 * whether to shed load at that given stage for the current entity at the
 * point.
 */
export interface LoadShedPoint {
  /**
   * This is just a well-known string for the LoadShedPoint.
   * Deployment specific LoadShedPoints e.g. within a custom extension should
   * be prefixed by the company / deployment name to avoid colliding with any
   * open source LoadShedPoints.
   */
  'name'?: (string);
  /**
   * A set of triggers for this LoadShedPoint. The LoadShedPoint will use the
   * the maximum state of all triggers, which can be scalar values between 0 and
   * 1 or saturated. A LoadShedPoint can only have one trigger for a given
   * resource e.g. :ref:`Trigger.name
   * <envoy_v3_api_field_config.overload.v3.Trigger.name>` must be unique in
   * this list.
   */
  'triggers'?: (_envoy_config_overload_v3_Trigger)[];
}

/**
 * A point within the connection or request lifecycle that provides context on
 * whether to shed load at that given stage for the current entity at the
 * point.
 */
export interface LoadShedPoint__Output {
  /**
   * This is just a well-known string for the LoadShedPoint.
   * Deployment specific LoadShedPoints e.g. within a custom extension should
   * be prefixed by the company / deployment name to avoid colliding with any
   * open source LoadShedPoints.
   */
  'name': (string);
  /**
   * A set of triggers for this LoadShedPoint. The LoadShedPoint will use the
   * the maximum state of all triggers, which can be scalar values between 0 and
   * 1 or saturated. A LoadShedPoint can only have one trigger for a given
   * resource e.g. :ref:`Trigger.name
   * <envoy_v3_api_field_config.overload.v3.Trigger.name>` must be unique in
   * this list.
   */
  'triggers': (_envoy_config_overload_v3_Trigger__Output)[];
}
