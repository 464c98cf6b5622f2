// Cluster (decoded protobuf object) → ClusterConfig: discovery, balancing, protocol, limits, outlier and health checks,
// TLS.
import type { HealthCheck__Output } from '../../xds/protos/generated/envoy/config/core/v3/HealthCheck.ts';
import type { OutlierDetection__Output } from '../../xds/protos/generated/envoy/config/cluster/v3/OutlierDetection.ts';
import { unpackAny, extensionTypeUrls } from '../../xds/protos/index.ts';
import type { Cluster__Output } from '../../xds/protos/index.ts';
import { Violations } from './config-error.ts';
import { boolValue, deepFreeze, durationMs, uint32Value } from './duration.ts';
import { decodeEndpointsInto } from './decode-cluster-load-assignment.ts';
import { decodeClusterTls } from './decode-upstream-tls.ts';
import type {
  CircuitBreakerLimits,
  ClusterConfig,
  HealthCheckConfig,
  OriginalDstConfig,
  OutlierDetectionConfig,
} from './cluster-types.ts';

const httpProtocolOptionsKey = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

function decodeOutlier(o: OutlierDetection__Output, path: string, v: Violations): OutlierDetectionConfig {
  const pct = uint32Value(o.max_ejection_percent) ?? 10;
  if (pct > 100) v.add(`${path}.max_ejection_percent`, 'must be at most 100');
  const intervalMs = durationMs(o.interval) ?? 10_000;
  if (intervalMs <= 0) v.add(`${path}.interval`, 'must be greater than 0');
  const baseEjectionMs = durationMs(o.base_ejection_time) ?? 30_000;
  if (baseEjectionMs <= 0) v.add(`${path}.base_ejection_time`, 'must be greater than 0');
  return {
    consecutive5xx: uint32Value(o.consecutive_5xx) ?? 5,
    consecutiveGatewayFailure: uint32Value(o.consecutive_gateway_failure) ?? 5,
    intervalMs,
    baseEjectionMs,
    maxEjectionMs: Math.max(durationMs(o.max_ejection_time) ?? 300_000, baseEjectionMs),
    maxEjectionPercent: pct,
    enforcingConsecutive5xx: uint32Value(o.enforcing_consecutive_5xx) ?? 100,
    enforcingConsecutiveGatewayFailure: uint32Value(o.enforcing_consecutive_gateway_failure) ?? 0,
    successfulHealthCheckUnejects: boolValue(o.successful_active_health_check_uneject_host) ?? true,
  };
}

function decodeHealthCheck(
  h: HealthCheck__Output,
  path: string,
  v: Violations,
): HealthCheckConfig | undefined {
  const timeoutMs = durationMs(h.timeout);
  const intervalMs = durationMs(h.interval);
  const unhealthyThreshold = uint32Value(h.unhealthy_threshold);
  const healthyThreshold = uint32Value(h.healthy_threshold);
  if (timeoutMs === undefined || timeoutMs <= 0)
    v.add(`${path}.timeout`, 'is required and must be greater than 0');
  if (intervalMs === undefined || intervalMs <= 0)
    v.add(`${path}.interval`, 'is required and must be greater than 0');
  if (unhealthyThreshold === undefined) v.add(`${path}.unhealthy_threshold`, 'is required');
  if (healthyThreshold === undefined) v.add(`${path}.healthy_threshold`, 'is required');
  let protocol: HealthCheckConfig['protocol'] | undefined;
  switch (h.health_checker) {
    case 'http_health_check': {
      const hc = h.http_health_check;
      if (!hc || !hc.path.startsWith('/')) v.add(`${path}.http_health_check.path`, 'must start with /');
      const ranges = (hc?.expected_statuses ?? []).map((r) => [Number(r.start), Number(r.end)] as const);
      protocol = {
        kind: 'http',
        path: hc?.path ?? '/',
        host: hc?.host ?? '',
        expectedStatuses: ranges.length > 0 ? ranges : [[200, 201]],
        http2: hc?.codec_client_type === 'HTTP2',
      };
      break;
    }
    case 'tcp_health_check':
      protocol = { kind: 'tcp' };
      break;
    case 'grpc_health_check':
      protocol = {
        kind: 'grpc',
        serviceName: h.grpc_health_check?.service_name ?? '',
        authority: h.grpc_health_check?.authority ?? '',
      };
      break;
    default:
      v.add(path, `unsupported health checker ${h.health_checker ?? '(none)'}`);
  }
  if (protocol === undefined || timeoutMs === undefined || intervalMs === undefined) return undefined;
  const altPort = uint32Value(h.alt_port);
  return {
    timeoutMs,
    intervalMs,
    unhealthyIntervalMs: durationMs(h.unhealthy_interval) ?? intervalMs,
    unhealthyThreshold: unhealthyThreshold ?? 1,
    healthyThreshold: healthyThreshold ?? 1,
    altPort: altPort === undefined || altPort === 0 ? undefined : altPort,
    protocol,
  };
}

interface HttpProtocolOptionsOutput {
  explicit_http_config?: { protocol_config?: string } | null;
  upstream_protocol_options?: string;
  common_http_protocol_options?: { idle_timeout: { seconds: string; nanos: number } | null } | null;
}

function decodeProtocol(c: Cluster__Output, v: Violations): { protocol: 'http1' | 'http2'; idleMs?: number } {
  const any = c.typed_extension_protocol_options[httpProtocolOptionsKey];
  if (any) {
    try {
      const opts = unpackAny(any) as HttpProtocolOptionsOutput;
      const http2 = opts.explicit_http_config?.protocol_config === 'http2_protocol_options';
      return {
        protocol: http2 ? 'http2' : 'http1',
        idleMs: durationMs(opts.common_http_protocol_options?.idle_timeout),
      };
    } catch (cause) {
      v.add(`typed_extension_protocol_options["${httpProtocolOptionsKey}"]`, (cause as Error).message);
    }
  }
  if (any && any.type_url !== extensionTypeUrls.httpProtocolOptions)
    v.add(`typed_extension_protocol_options["${httpProtocolOptionsKey}"]`, `unexpected type ${any.type_url}`);
  return { protocol: c.http2_protocol_options !== null ? 'http2' : 'http1' };
}

function decodeLimits(c: Cluster__Output): CircuitBreakerLimits {
  const t = c.circuit_breakers?.thresholds.find((x) => x.priority === 'DEFAULT');
  return {
    maxConnections: uint32Value(t?.max_connections) ?? 1024,
    maxPendingRequests: uint32Value(t?.max_pending_requests) ?? 1024,
    maxRequests: uint32Value(t?.max_requests) ?? 1024,
    maxRetries: uint32Value(t?.max_retries) ?? 3,
  };
}

/** Destinations the passthrough keeps at once; each has its own connection pool. */
export const originalDstMaxHosts = 256;

/**
 * ORIGINAL_DST reads the destination from a header only: the proxy does not intercept connections yet, so
 * there is no original destination address to fall back to (Envoy would use the connection's).
 */
function decodeOriginalDst(c: Cluster__Output, v: Violations): OriginalDstConfig {
  const cfg = c.original_dst_lb_config;
  if (!cfg?.use_http_header)
    v.add(
      'original_dst_lb_config.use_http_header',
      'must be true: switchyard proxy has no connection interception, so the destination must come from a header',
    );
  const idleMs = durationMs(c.cleanup_interval) ?? 5_000;
  if (idleMs <= 0) v.add('cleanup_interval', 'must be greater than 0');
  const name = (cfg?.http_header_name ?? '').toLowerCase();
  return {
    // Envoy's default header; `host` and `:authority` both mean the request's authority.
    headerName: name === '' ? 'x-envoy-original-dst-host' : name === ':authority' ? 'host' : name,
    maxHosts: originalDstMaxHosts,
    idleMs,
  };
}

/** Throws ConfigError listing every violation; the result is deeply frozen. */
export function decodeCluster(c: Cluster__Output): ClusterConfig {
  const v = new Violations();
  if (c.name === '') v.add('name', 'must not be empty');
  const type = c.cluster_discovery_type === 'type' ? c.type : undefined;
  if (
    type !== 'EDS' &&
    type !== 'STATIC' &&
    type !== 'STRICT_DNS' &&
    type !== 'LOGICAL_DNS' &&
    type !== 'ORIGINAL_DST'
  )
    v.add('type', `unsupported discovery type ${type ?? c.cluster_discovery_type ?? '(none)'}`);
  const lb = c.lb_policy;
  if (type === 'ORIGINAL_DST') {
    if (lb !== 'CLUSTER_PROVIDED') v.add('lb_policy', 'must be CLUSTER_PROVIDED for an ORIGINAL_DST cluster');
  } else if (lb === 'CLUSTER_PROVIDED') v.add('lb_policy', 'CLUSTER_PROVIDED is only valid for ORIGINAL_DST');
  else if (lb !== 'ROUND_ROBIN' && lb !== 'LEAST_REQUEST' && lb !== 'RANDOM')
    v.add('lb_policy', `unsupported load balancing policy ${lb}`);
  const originalDst = type === 'ORIGINAL_DST' ? decodeOriginalDst(c, v) : undefined;
  const connectTimeoutMs = durationMs(c.connect_timeout) ?? 5_000;
  if (connectTimeoutMs <= 0) v.add('connect_timeout', 'must be greater than 0');
  const { protocol, idleMs } = decodeProtocol(c, v);
  const healthChecks: HealthCheckConfig[] = [];
  c.health_checks.forEach((h, i) => {
    const decoded = decodeHealthCheck(h, `health_checks[${i}]`, v);
    if (decoded) healthChecks.push(decoded);
  });
  const loadAssignment = c.load_assignment
    ? decodeEndpointsInto(c.load_assignment, 'load_assignment.', v)
    : undefined;
  if ((type === 'STATIC' || type === 'STRICT_DNS' || type === 'LOGICAL_DNS') && loadAssignment === undefined)
    v.add('load_assignment', `is required for a ${type} cluster`);
  const panic = c.common_lb_config?.healthy_panic_threshold?.value;
  const outlierDetection = c.outlier_detection
    ? decodeOutlier(c.outlier_detection, 'outlier_detection', v)
    : undefined;
  const tls = decodeClusterTls(c.transport_socket, c.transport_socket_matches.length, v);
  v.throwIfAny(`Cluster "${c.name}"`);
  return deepFreeze({
    name: c.name,
    discovery: type as ClusterConfig['discovery'],
    edsServiceName: c.eds_cluster_config?.service_name || c.name,
    connectTimeoutMs,
    lbPolicy: lb as ClusterConfig['lbPolicy'],
    protocol,
    idleTimeoutMs: idleMs ?? durationMs(c.common_http_protocol_options?.idle_timeout) ?? 3_600_000,
    circuitBreakers: decodeLimits(c),
    outlierDetection,
    healthChecks,
    loadAssignment: loadAssignment && { ...loadAssignment, clusterName: c.name },
    panicThresholdPercent: panic ?? 50,
    originalDst,
    ...(tls && { tls }),
  });
}
