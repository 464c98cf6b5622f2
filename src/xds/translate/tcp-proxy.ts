// The tcp_proxy network filter: TCP listeners and TCP routes.
import { extensionTypeUrls } from '../protos/index.ts';
import type { AccessLog, Duration, Filter, TcpProxy } from './envoy-types.ts';
import type { WeightedClusterEntry } from './route-action.ts';
import { packTyped } from './typed-config.ts';

/** One cluster is named directly; several are weighted (weights relative, each ≥ 1). */
export function tcpProxyFilter(
  statPrefix: string,
  clusters: readonly WeightedClusterEntry[],
  idleTimeout: Duration | undefined,
  accessLog: AccessLog[],
): Filter {
  const config: TcpProxy = { stat_prefix: statPrefix };
  if (clusters.length === 1) config.cluster = clusters[0]!.name;
  else config.weighted_clusters = { clusters: clusters.map(({ name, weight }) => ({ name, weight })) };
  if (idleTimeout) config.idle_timeout = idleTimeout;
  if (accessLog.length > 0) config.access_log = accessLog;
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: packTyped(extensionTypeUrls.tcpProxy, config),
  };
}
