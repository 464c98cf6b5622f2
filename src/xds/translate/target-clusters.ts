// Adds the egress cluster and ClusterLoadAssignment of every route target, once per (node, listener).
import { egressCluster, grpcClientCluster } from './clusters.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import type { CircuitBreakers } from './envoy-types.ts';
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
): void {
  for (const target of targets) {
    if (out.hasCluster(target.clusterName)) continue;
    out.addCluster(
      form === 'sidecar'
        ? egressCluster(target.clusterName, target.listener, breakersOf?.(target.clusterName))
        : grpcClientCluster(target.clusterName),
    );
    out.addLoadAssignment(
      loadAssignment(target.clusterName, endpoints.get(target.node) ?? [], target.listener.portMapping.port),
    );
  }
}
