// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/config/core/v3/http_service.proto

import type { HttpUri as _envoy_config_core_v3_HttpUri, HttpUri__Output as _envoy_config_core_v3_HttpUri__Output } from '../../../../envoy/config/core/v3/HttpUri.ts';
import type { HeaderValueOption as _envoy_config_core_v3_HeaderValueOption, HeaderValueOption__Output as _envoy_config_core_v3_HeaderValueOption__Output } from '../../../../envoy/config/core/v3/HeaderValueOption.ts';

/**
 * HTTP service configuration.
 */
export interface HttpService {
  /**
   * The service's HTTP URI. For example:
   * 
   * .. code-block:: yaml
   * 
   * http_uri:
   * uri: https://www.myserviceapi.com/v1/data
   * cluster: www.myserviceapi.com|443
   */
  'http_uri'?: (_envoy_config_core_v3_HttpUri | null);
  /**
   * Specifies a list of HTTP headers that should be added to each request
   * handled by this virtual host.
   */
  'request_headers_to_add'?: (_envoy_config_core_v3_HeaderValueOption)[];
}

/**
 * HTTP service configuration.
 */
export interface HttpService__Output {
  /**
   * The service's HTTP URI. For example:
   * 
   * .. code-block:: yaml
   * 
   * http_uri:
   * uri: https://www.myserviceapi.com/v1/data
   * cluster: www.myserviceapi.com|443
   */
  'http_uri': (_envoy_config_core_v3_HttpUri__Output | null);
  /**
   * Specifies a list of HTTP headers that should be added to each request
   * handled by this virtual host.
   */
  'request_headers_to_add': (_envoy_config_core_v3_HeaderValueOption__Output)[];
}
