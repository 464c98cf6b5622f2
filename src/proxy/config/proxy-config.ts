// A whole proxy configuration (listeners, route tables, clusters, endpoints), decoded from an Envoy snapshot at once.
import type {
  Cluster__Output,
  ClusterLoadAssignment__Output,
  Listener__Output,
  RouteConfiguration__Output,
} from '../../xds/protos/index.ts';
import { ConfigError } from './config-error.ts';
import type { ClusterConfig, EndpointsConfig } from './cluster-types.ts';
import { decodeCluster } from './decode-cluster.ts';
import { decodeClusterLoadAssignment } from './decode-cluster-load-assignment.ts';
import { decodeListener } from './decode-listener.ts';
import { decodeRouteConfiguration } from './decode-route-configuration.ts';
import type { ListenerConfig } from './listener-types.ts';
import type { RouteTableConfig } from './route-types.ts';

/** Envoy resources as protobufjs `toObject` renders them (the generated `__Output` shapes). */
export interface EnvoySnapshot {
  readonly listeners: readonly Listener__Output[];
  readonly routeConfigurations: readonly RouteConfiguration__Output[];
  readonly clusters: readonly Cluster__Output[];
  readonly clusterLoadAssignments: readonly ClusterLoadAssignment__Output[];
}

/** Immutable; the data path reads only this. Maps are keyed by resource name (EDS: cluster_name). */
export interface ProxyConfig {
  readonly listeners: ReadonlyMap<string, ListenerConfig>;
  readonly routeTables: ReadonlyMap<string, RouteTableConfig>;
  readonly clusters: ReadonlyMap<string, ClusterConfig>;
  readonly endpoints: ReadonlyMap<string, EndpointsConfig>;
  /** What was applied, for /config_dump. */
  readonly source: EnvoySnapshot;
}

function decodeAll<In, Out>(
  items: readonly In[],
  kind: string,
  nameOf: (x: In) => string,
  decode: (x: In) => Out,
  errors: string[],
): Map<string, Out> {
  const out = new Map<string, Out>();
  for (const item of items) {
    const name = nameOf(item);
    if (out.has(name)) {
      errors.push(`duplicate ${kind} "${name}"`);
      continue;
    }
    try {
      out.set(name, decode(item));
    } catch (cause) {
      if (!(cause instanceof ConfigError)) throw cause;
      errors.push(cause.message);
    }
  }
  return out;
}

/**
 * Decodes every resource; throws one ConfigError naming every invalid resource, so a snapshot is applied
 * whole or not at all. References between resources (a route naming a missing cluster) are not errors:
 * Envoy answers such requests with 503 / 404 at request time, and so does the proxy.
 */
export function decodeSnapshot(snapshot: EnvoySnapshot): ProxyConfig {
  const errors: string[] = [];
  const listeners = decodeAll(snapshot.listeners, 'Listener', (l) => l.name, decodeListener, errors);
  const routeTables = decodeAll(
    snapshot.routeConfigurations,
    'RouteConfiguration',
    (r) => r.name,
    decodeRouteConfiguration,
    errors,
  );
  const clusters = decodeAll(snapshot.clusters, 'Cluster', (c) => c.name, decodeCluster, errors);
  const endpoints = decodeAll(
    snapshot.clusterLoadAssignments,
    'ClusterLoadAssignment',
    (c) => c.cluster_name,
    decodeClusterLoadAssignment,
    errors,
  );
  const ports = new Map<string, string>();
  for (const l of listeners.values()) {
    const key = `${l.host}:${l.port}`;
    const other = ports.get(key);
    if (other !== undefined && l.port !== 0)
      errors.push(`Listener "${l.name}" and "${other}" both bind ${key}`);
    ports.set(key, l.name);
  }
  if (errors.length > 0) throw new ConfigError('snapshot', errors);
  return Object.freeze({ listeners, routeTables, clusters, endpoints, source: snapshot });
}
