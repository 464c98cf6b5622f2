// Adds the egress cluster and ClusterLoadAssignment of every route target, once per (node, listener).
import { upstreamTransportSocket } from './client-tls.ts';
import { egressCluster, grpcClientCluster } from './clusters.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import type { CircuitBreakers } from './envoy-types.ts';
import type { UpstreamTlsContext } from '../protos/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.ts';
import { loadAssignment } from './load-assignment.ts';
import type { EndpointsByNode } from './mesh-state.ts';
import type { ResolvedTarget } from './service-plan.ts';

export type ClusterForm = 'sidecar' | 'grpcClient';

export function addTargetClusters(
  targets: readonly ResolvedTarget[],
  endpoints: EndpointsByNode,
  form: ClusterForm,
  out: ResourceCollector,
  breakersOf?: (clusterName: string) => CircuitBreakers,
  tlsOf?: (target: ResolvedTarget) => UpstreamTlsContext | undefined,
): void {
  for (const target of targets) {
    // A cluster is per target listener: the first backend that reaches it decides its TLS too (tlsOf still
    // sees every target, so a caller can tell when a later one asks for other TLS).
    const tls = form === 'sidecar' ? tlsOf?.(target) : undefined;
    if (out.hasCluster(target.clusterName)) continue;
    if (form === 'sidecar') {
      const cluster = egressCluster(target.clusterName, target.listener, breakersOf?.(target.clusterName));
      if (tls) cluster.transport_socket = upstreamTransportSocket(tls);
      out.addCluster(cluster);
    } else {
      out.addCluster(grpcClientCluster(target.clusterName));
    }
    out.addLoadAssignment(
      loadAssignment(target.clusterName, endpoints.get(target.node) ?? [], target.listener.portMapping.port),
    );
  }
}
