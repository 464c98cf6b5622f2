// /clusters: every cluster's hosts with load, health flags and ejection state (Envoy's text form, or JSON).
import type { Cluster } from '../upstream/cluster.ts';

export function clustersText(clusters: Iterable<Cluster>): string {
  const lines: string[] = [];
  for (const c of clusters) {
    const cb = c.config.circuitBreakers;
    lines.push(`${c.name}::default_priority::max_connections::${cb.maxConnections}`);
    lines.push(`${c.name}::default_priority::max_pending_requests::${cb.maxPendingRequests}`);
    lines.push(`${c.name}::default_priority::max_requests::${cb.maxRequests}`);
    lines.push(`${c.name}::default_priority::max_retries::${cb.maxRetries}`);
    for (const h of c.hosts()) {
      const p = `${c.name}::${h.key}`;
      lines.push(`${p}::rq_active::${h.activeRequests}`);
      lines.push(`${p}::health_flags::${h.healthFlags()}`);
      lines.push(`${p}::weight::${h.config.weight}`);
      lines.push(`${p}::priority::${h.config.priority}`);
      lines.push(`${p}::outlier::ejected::${h.ejected}::times_ejected::${h.timesEjected}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function clustersJson(clusters: Iterable<Cluster>): object {
  return {
    cluster_statuses: [...clusters].map((c) => ({
      name: c.name,
      host_statuses: c.hosts().map((h) => ({
        address: { socket_address: { address: h.address, port_value: h.port } },
        health_status: {
          eds_health_status: h.config.health,
          failed_active_health_check: h.activeHealth !== 'healthy',
          failed_outlier_check: h.ejected,
          pending_active_hc: h.activeHealth === 'pending',
        },
        weight: h.config.weight,
        priority: h.config.priority,
        stats: [{ name: 'rq_active', value: String(h.activeRequests), type: 'GAUGE' }],
        ejection: { ejected: h.ejected, times_ejected: h.timesEjected, available: h.available },
      })),
    })),
  };
}
