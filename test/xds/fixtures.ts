// Resources, snapshots and a running server for the ADS protocol tests.
import { Resource, createResource } from '../../src/xds/protos/resource.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { AdsServer } from '../../src/xds/server/ads-server.ts';
import type { AdsServerOptions } from '../../src/xds/server/ads-server.ts';
import { Snapshot } from '../../src/xds/server/snapshot.ts';
import { SnapshotCache } from '../../src/xds/server/snapshot-cache.ts';

/** An opaque type that sorts after every Envoy type: a response to it proves nothing else was pending. */
export const barrierType = 'type.googleapis.com/switchyard.test.Barrier';
const barriers = Array.from(
  { length: 64 },
  (_, i) => new Resource(`b${i}`, { type_url: barrierType, value: Buffer.from([i]) }),
);

/** `rev` changes the content (and so the version) without changing the name. */
export function cluster(name: string, rev = 0): Resource {
  return createResource(typeUrls.cluster, {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {} } },
    connect_timeout: { seconds: 1 + rev },
  });
}

export function endpoints(clusterName: string, port = 8080): Resource {
  return createResource(typeUrls.clusterLoadAssignment, {
    cluster_name: clusterName,
    endpoints: [
      {
        locality: {},
        load_balancing_weight: { value: 1 },
        lb_endpoints: [
          { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } },
        ],
      },
    ],
  });
}

export function listener(name: string, routeName: string): Resource {
  return createResource(typeUrls.listener, { name, stat_prefix: routeName });
}

export function routes(name: string, clusterName: string): Resource {
  return createResource(typeUrls.routeConfiguration, {
    name,
    virtual_hosts: [
      { name: 'vh', domains: ['*'], routes: [{ match: { prefix: '' }, route: { cluster: clusterName } }] },
    ],
  });
}

/** A snapshot of the given resources plus the barrier resources. */
export function snapshot(...resources: Resource[]): Snapshot {
  return new Snapshot([...resources, ...barriers]);
}

export interface RunningServer {
  readonly cache: SnapshotCache;
  readonly server: AdsServer;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(options: Partial<AdsServerOptions> = {}): Promise<RunningServer> {
  const cache = options.cache ?? new SnapshotCache();
  const server = new AdsServer({ ...options, cache });
  const port = await server.listen('127.0.0.1:0');
  return { cache, server, port, close: () => server.close() };
}
