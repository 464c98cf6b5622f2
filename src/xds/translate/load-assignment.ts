// Resolved endpoints of a virtual node listener as the ClusterLoadAssignment of its egress cluster, in the
// form both Envoy and grpc-js-xds accept: IP endpoints, every locality set and weighted (xds.md §3.4).
import type { ClusterLoadAssignment, LbEndpoint, LocalityLbEndpoints } from './envoy-types.ts';
import type { ResolvedEndpoint } from './mesh-state.ts';

function weightOf(endpoint: ResolvedEndpoint): number {
  return Math.max(1, Math.floor(endpoint.weight ?? 1));
}

/**
 * Endpoints for the listener on `listenerPort`: those without a `listenerPort` and those naming it. Repeated
 * address:port pairs are dropped (gRPC NACKs duplicates); one locality per zone, weighted by the sum of its
 * healthy endpoint weights (at least 1, or gRPC drops the locality) so that every healthy endpoint gets its
 * share whatever its zone. Sorted, so equal input gives
 * equal bytes.
 */
export function loadAssignment(
  clusterName: string,
  endpoints: readonly ResolvedEndpoint[],
  listenerPort: number,
): ClusterLoadAssignment & { cluster_name: string } {
  const seen = new Set<string>();
  const byZone = new Map<string, ResolvedEndpoint[]>();
  for (const endpoint of endpoints) {
    if (endpoint.listenerPort != null && endpoint.listenerPort !== listenerPort) continue;
    const key = `${endpoint.address}|${endpoint.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const zone = endpoint.zone ?? '';
    const list = byZone.get(zone);
    if (list) list.push(endpoint);
    else byZone.set(zone, [endpoint]);
  }
  const localities: LocalityLbEndpoints[] = [...byZone.keys()].sort().map((zone) => {
    const members = byZone
      .get(zone)!
      .slice()
      .sort((a, b) => (a.address === b.address ? a.port - b.port : a.address < b.address ? -1 : 1));
    const healthy = members.filter((e) => e.healthy);
    const lbEndpoints: LbEndpoint[] = members.map((endpoint) => ({
      endpoint: { address: { socket_address: { address: endpoint.address, port_value: endpoint.port } } },
      health_status: endpoint.healthy ? 'HEALTHY' : 'UNHEALTHY',
      load_balancing_weight: { value: weightOf(endpoint) },
    }));
    return {
      locality: zone === '' ? {} : { zone },
      lb_endpoints: lbEndpoints,
      load_balancing_weight: {
        value: Math.max(
          1,
          healthy.reduce((sum, e) => sum + weightOf(e), 0),
        ),
      },
    };
  });
  return { cluster_name: clusterName, endpoints: localities };
}
