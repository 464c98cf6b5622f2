// Starts a MeshProxy with one outbound HTTP listener routing host "svc" to cluster "svc", for failure-handling tests.
import { MeshProxy } from '../../src/proxy/index.ts';
import type { MeshProxyOptions } from '../../src/proxy/index.ts';
import type { Cluster } from '../../src/xds/protos/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';

export interface Harness {
  readonly proxy: MeshProxy;
  readonly port: number;
  close(): Promise<void>;
}

export async function startSingleRouteProxy(
  upstreamPorts: readonly number[],
  routeAction: Record<string, unknown> = {},
  clusterExtra: Partial<Cluster> = {},
  options: MeshProxyOptions = {},
): Promise<Harness> {
  const proxy = new MeshProxy(options);
  await proxy.start();
  await proxy.applyConfig(
    snapshot({
      listeners: [httpListener('out')],
      routeConfigurations: [
        routeConfig('out', [vhost('svc', ['svc'], [prefixRoute('/', 'svc', routeAction)])]),
      ],
      clusters: [cluster('svc', clusterExtra)],
      clusterLoadAssignments: [endpoints('svc', upstreamPorts)],
    }),
  );
  return { proxy, port: proxy.listenerPort('out') ?? 0, close: () => proxy.close() };
}

export function counter(proxy: MeshProxy, name: string): number {
  return proxy.stats.counter(name).value;
}
