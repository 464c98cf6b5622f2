// Cluster builders: the EDS cluster of a target node listener (sidecar and proxyless gRPC forms), the static
// cluster of the local app behind an inbound listener, and the ALLOW_ALL passthrough cluster.
import type { Listener } from '../../model/specs/index.ts';
import { circuitBreakers } from './circuit-breakers.ts';
import { millisToDuration } from './durations.ts';
import type { CircuitBreakers, Cluster } from './envoy-types.ts';
import { healthCheck } from './health-check.ts';
import { outlierDetection } from './outlier-detection.ts';

/** App Mesh's observed connect timeout (appmesh-spec §3.4). */
export const connectTimeoutMs = 1000;

type NamedCluster = Cluster & { name: string };

const adsSource = { ads: {}, resource_api_version: 'V3' } as const;

function speaksHttp2(listener: Listener): boolean {
  return listener.portMapping.protocol === 'http2' || listener.portMapping.protocol === 'grpc';
}

/**
 * The sidecar's cluster for one listener of a target node: EDS over ADS (its ClusterLoadAssignment has the
 * same name), round robin, App Mesh's open circuit breakers, and the listener's outlier detection and
 * health check, which App Mesh applies on the client side. A gateway passes its listener's connection pool
 * limits as `breakers`.
 */
export function egressCluster(
  name: string,
  listener: Listener,
  breakers: CircuitBreakers = circuitBreakers(),
): NamedCluster {
  const cluster: NamedCluster = {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: adsSource },
    connect_timeout: millisToDuration(connectTimeoutMs),
    lb_policy: 'ROUND_ROBIN',
    circuit_breakers: breakers,
  };
  if (listener.outlierDetection) cluster.outlier_detection = outlierDetection(listener.outlierDetection);
  if (listener.healthCheck) cluster.health_checks = [healthCheck(listener.healthCheck)];
  if (speaksHttp2(listener)) cluster.http2_protocol_options = {};
  return cluster;
}

/**
 * The same destination for a proxyless gRPC client: EDS and ROUND_ROBIN only. Health checks are left out (the
 * client ignores them; EDS health status carries health) and so is outlier detection, which gRPC would turn
 * into success-rate ejection rather than App Mesh's consecutive-error ejection.
 */
export function grpcClientCluster(name: string): NamedCluster {
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: adsSource },
    connect_timeout: millisToDuration(connectTimeoutMs),
    lb_policy: 'ROUND_ROBIN',
    circuit_breakers: circuitBreakers(),
  };
}

/** The local app behind an inbound listener: a static endpoint, limited by the listener's connection pool. */
export function ingressCluster(name: string, listener: Listener, appHost: string): NamedCluster {
  const cluster: NamedCluster = {
    name,
    type: 'STATIC',
    connect_timeout: millisToDuration(connectTimeoutMs),
    lb_policy: 'ROUND_ROBIN',
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          locality: {},
          lb_endpoints: [
            {
              endpoint: {
                address: { socket_address: { address: appHost, port_value: listener.portMapping.port } },
              },
            },
          ],
        },
      ],
    },
    circuit_breakers: circuitBreakers(listener.connectionPool),
  };
  if (speaksHttp2(listener)) cluster.http2_protocol_options = {};
  return cluster;
}

/**
 * ALLOW_ALL egress. An ORIGINAL_DST cluster whose destination comes from the Host header: in HTTP proxy mode
 * that is the only record of where the app was going. Both our sidecar and a stock Envoy take an IP literal
 * with its port there (`127.0.0.1:8080`, `[::1]:8080`); ours also defaults a missing port to 80, and neither
 * resolves names (ours answers 503; Envoy falls back to the connection's original destination).
 */
export function passthroughCluster(name: string): NamedCluster {
  return {
    name,
    type: 'ORIGINAL_DST',
    connect_timeout: millisToDuration(connectTimeoutMs),
    lb_policy: 'CLUSTER_PROVIDED',
    original_dst_lb_config: { use_http_header: true, http_header_name: 'host' },
    circuit_breakers: circuitBreakers(),
  };
}
