// HTTP connection managers: the sidecar's (RDS over ADS, router filter, access logs, App Mesh's path
// normalisation) and the minimal one a proxyless gRPC client accepts.
import { extensionTypeUrls } from '../protos/index.ts';
import type { AccessLog, Filter, HttpConnectionManager } from './envoy-types.ts';
import { packTyped } from './typed-config.ts';

const adsSource = { ads: {}, resource_api_version: 'V3' } as const;

/** The router must be the last HTTP filter (Envoy and gRPC both require it). */
function routerFilter() {
  return { name: 'envoy.filters.http.router', typed_config: packTyped(extensionTypeUrls.router, {}) };
}

export function sidecarHttpConnectionManager(
  statPrefix: string,
  routeConfigName: string,
  accessLog: AccessLog[],
): HttpConnectionManager {
  const hcm: HttpConnectionManager = {
    stat_prefix: statPrefix,
    codec_type: 'AUTO',
    rds: { route_config_name: routeConfigName, config_source: adsSource },
    http_filters: [routerFilter()],
    // App Mesh enabled both whenever path matching is used (appmesh-spec §3.5), i.e. always.
    normalize_path: { value: true },
    merge_slashes: true,
  };
  if (accessLog.length > 0) hcm.access_log = accessLog;
  return hcm;
}

/**
 * On a listener that terminates TLS in front of the local app: whatever x-forwarded-client-cert the client sent
 * is replaced by the verified peer's identity (its URI SAN and subject), so the app can trust the header.
 */
export function forwardClientCertificate(hcm: HttpConnectionManager): void {
  hcm.forward_client_cert_details = 'SANITIZE_SET';
  hcm.set_current_client_cert_details = { uri: true, subject: { value: true } };
}

/**
 * For grpc-js-xds: RDS over ADS and the router filter, plus the stat prefix Envoy's validation requires (gRPC
 * ignores it). In particular no
 * `common_http_protocol_options.idle_timeout`, which grpc-js 1.14 misreads as a deadline for every call.
 */
export function grpcClientHttpConnectionManager(routeConfigName: string): HttpConnectionManager {
  return {
    stat_prefix: 'grpc_client',
    rds: { route_config_name: routeConfigName, config_source: adsSource },
    http_filters: [routerFilter()],
  };
}

export function httpConnectionManagerFilter(hcm: HttpConnectionManager): Filter {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: packTyped(extensionTypeUrls.httpConnectionManager, hcm),
  };
}
