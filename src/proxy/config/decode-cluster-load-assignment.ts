// ClusterLoadAssignment (decoded protobuf object) → EndpointsConfig.
import type { ClusterLoadAssignment__Output } from '../../xds/protos/index.ts';
import { Violations } from './config-error.ts';
import { deepFreeze, uint32Value } from './duration.ts';
import type { EndpointsConfig, HostConfig, HostHealth } from './cluster-types.ts';

const healthValues = new Set(['HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED', 'UNKNOWN']);

export function decodeEndpointsInto(
  cla: ClusterLoadAssignment__Output,
  path: string,
  v: Violations,
): EndpointsConfig {
  const hosts: HostConfig[] = [];
  cla.endpoints.forEach((locality, li) => {
    locality.lb_endpoints.forEach((lb, ei) => {
      const at = `${path}endpoints[${li}].lb_endpoints[${ei}]`;
      const sock = lb.endpoint?.address?.socket_address;
      if (!sock || sock.address === '') {
        v.add(`${at}.endpoint.address`, 'a socket_address is required');
        return;
      }
      const port = sock.port_value ?? 0;
      if (port <= 0 || port > 65535)
        v.add(`${at}.endpoint.address.socket_address.port_value`, 'must be in [1, 65535]');
      const weight = uint32Value(lb.load_balancing_weight) ?? 1;
      if (weight < 1) v.add(`${at}.load_balancing_weight`, 'must be at least 1');
      const hcPort = lb.endpoint?.health_check_config?.port_value ?? 0;
      hosts.push({
        host: sock.address,
        port,
        weight,
        health: (healthValues.has(lb.health_status) ? lb.health_status : 'UNKNOWN') as HostHealth,
        priority: locality.priority,
        healthCheckPort: hcPort > 0 ? hcPort : undefined,
      });
    });
  });
  return { clusterName: cla.cluster_name, hosts };
}

/** Throws ConfigError listing every violation; the result is deeply frozen. */
export function decodeClusterLoadAssignment(cla: ClusterLoadAssignment__Output): EndpointsConfig {
  const v = new Violations();
  if (cla.cluster_name === '') v.add('cluster_name', 'must not be empty');
  const out = decodeEndpointsInto(cla, '', v);
  v.throwIfAny(`ClusterLoadAssignment "${cla.cluster_name}"`);
  return deepFreeze(out);
}
