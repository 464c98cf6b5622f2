// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/type/v3/hash_policy.proto


/**
 * An Object in the :ref:`filterState <arch_overview_data_sharing_between_filters>` will be used
 * to compute the hash used by hash-based load balancing algorithms.
 */
export interface _envoy_type_v3_HashPolicy_FilterState {
  /**
   * The name of the Object in the filterState, which is an Envoy::Hashable object. If there is no
   * data associated with the key, or the stored object is not Envoy::Hashable, no hash will be
   * produced.
   */
  'key'?: (string);
}

/**
 * An Object in the :ref:`filterState <arch_overview_data_sharing_between_filters>` will be used
 * to compute the hash used by hash-based load balancing algorithms.
 */
export interface _envoy_type_v3_HashPolicy_FilterState__Output {
  /**
   * The name of the Object in the filterState, which is an Envoy::Hashable object. If there is no
   * data associated with the key, or the stored object is not Envoy::Hashable, no hash will be
   * produced.
   */
  'key': (string);
}

/**
 * The source IP will be used to compute the hash used by hash-based load balancing
 * algorithms.
 */
export interface _envoy_type_v3_HashPolicy_SourceIp {
}

/**
 * The source IP will be used to compute the hash used by hash-based load balancing
 * algorithms.
 */
export interface _envoy_type_v3_HashPolicy_SourceIp__Output {
}

/**
 * Specifies the hash policy
 */
export interface HashPolicy {
  'source_ip'?: (_envoy_type_v3_HashPolicy_SourceIp | null);
  'filter_state'?: (_envoy_type_v3_HashPolicy_FilterState | null);
  'policy_specifier'?: "source_ip"|"filter_state";
}

/**
 * Specifies the hash policy
 */
export interface HashPolicy__Output {
  'source_ip'?: (_envoy_type_v3_HashPolicy_SourceIp__Output | null);
  'filter_state'?: (_envoy_type_v3_HashPolicy_FilterState__Output | null);
  'policy_specifier'?: "source_ip"|"filter_state";
}
