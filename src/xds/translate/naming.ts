// Envoy resource names in App Mesh's patterns (appmesh-spec §4.6): visible in stats, so dashboards keep working.
import type { Protocol } from '../../model/specs/index.ts';

export function ingressListenerName(host: string, port: number): string {
  return `lds_ingress_${host}_${port}`;
}

export function egressListenerName(host: string, port: number): string {
  return `lds_egress_${host}_${port}`;
}

/** The cluster that reaches the local app behind a node listener. */
export function ingressClusterName(mesh: string, node: string, protocol: Protocol, port: number): string {
  return `cds_ingress_${mesh}_${node}_${protocol}_${port}`;
}

/** The EDS cluster of one listener of a target virtual node (also its ClusterLoadAssignment name). */
export function egressClusterName(mesh: string, node: string, protocol: Protocol, port: number): string {
  return `cds_egress_${mesh}_${node}_${protocol}_${port}`;
}

/** ALLOW_ALL egress: unmatched traffic passes through to where the application sent it. */
export function passthroughClusterName(mesh: string): string {
  return `cds_egress_${mesh}_passthrough`;
}

export function ingressRouteConfigName(protocol: Protocol, port: number): string {
  return `rds_ingress_${protocol}_${port}`;
}

/** The single outbound route configuration of HTTP proxy mode. */
export function egressRouteConfigName(outboundPort: number): string {
  return `rds_egress_http_${outboundPort}`;
}

/** Route configuration of a proxyless gRPC client's listener `<service>` or `<service>:<port>`. */
export function grpcRouteConfigName(service: string, port: number): string {
  return `rds_grpc_${service}_${port}`;
}

/** HCM stat prefix: `ingress` for one listener, `ingress.<protocol>.<port>` for several (appmesh-spec §4.6). */
export function ingressStatPrefix(protocol: Protocol, port: number, listenerCount: number): string {
  return listenerCount > 1 ? `ingress.${protocol}.${port}` : 'ingress';
}
