// The proxy's own, immutable cluster and endpoint configuration: what Cluster and ClusterLoadAssignment decode into.
import type { UpstreamTlsConfig } from './tls-types.ts';

export interface CircuitBreakerLimits {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

export interface OutlierDetectionConfig {
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly intervalMs: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  readonly maxEjectionPercent: number;
  /** Percent chance (0–100) that a detected consecutive-5xx outlier is actually ejected. */
  readonly enforcingConsecutive5xx: number;
  readonly enforcingConsecutiveGatewayFailure: number;
  readonly successfulHealthCheckUnejects: boolean;
}

export type HealthCheckProtocol =
  | {
      readonly kind: 'http';
      readonly path: string;
      readonly host: string;
      readonly expectedStatuses: readonly (readonly [number, number])[];
      readonly http2: boolean;
    }
  | { readonly kind: 'tcp' }
  | { readonly kind: 'grpc'; readonly serviceName: string; readonly authority: string };

export interface HealthCheckConfig {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly unhealthyIntervalMs: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  readonly altPort: number | undefined;
  readonly protocol: HealthCheckProtocol;
}

export type HostHealth = 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED' | 'UNKNOWN';

export interface HostConfig {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly health: HostHealth;
  readonly priority: number;
  /** Port active health checks use instead of `port` (Endpoint.health_check_config.port_value). */
  readonly healthCheckPort: number | undefined;
}

export interface EndpointsConfig {
  readonly clusterName: string;
  readonly hosts: readonly HostConfig[];
}

/** An ORIGINAL_DST cluster's per-request destinations (we read them from a header: no interception yet). */
export interface OriginalDstConfig {
  /** Lower-case header naming `ip[:port]`; `host` means the request's authority. */
  readonly headerName: string;
  /** At most this many destinations at once; a request for another one gets 503 until one goes idle. */
  readonly maxHosts: number;
  /** A destination unused this long is dropped with its connections (Envoy's cleanup_interval). */
  readonly idleMs: number;
}

export interface ClusterConfig {
  readonly name: string;
  readonly discovery: 'EDS' | 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'ORIGINAL_DST';
  /** The ClusterLoadAssignment name an EDS cluster reads (eds_cluster_config.service_name, or the cluster name). */
  readonly edsServiceName: string;
  readonly connectTimeoutMs: number;
  /** CLUSTER_PROVIDED exactly when discovery is ORIGINAL_DST (the destination is the host). */
  readonly lbPolicy: 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'CLUSTER_PROVIDED';
  readonly protocol: 'http1' | 'http2';
  /** Upstream connection idle timeout for pooled connections. */
  readonly idleTimeoutMs: number;
  readonly circuitBreakers: CircuitBreakerLimits;
  readonly outlierDetection: OutlierDetectionConfig | undefined;
  readonly healthChecks: readonly HealthCheckConfig[];
  /** Endpoints given inline (STATIC / DNS clusters, or an EDS cluster's load_assignment). */
  readonly loadAssignment: EndpointsConfig | undefined;
  /** Healthy-host percentage under which the cluster balances over all hosts (Envoy's panic threshold). */
  readonly panicThresholdPercent: number;
  /** Set exactly when discovery is ORIGINAL_DST. */
  readonly originalDst: OriginalDstConfig | undefined;
  /** TLS originated to every host (the cluster's UpstreamTlsContext transport socket); absent: plaintext. */
  readonly tls?: UpstreamTlsConfig;
}
