// A whole proxy configuration (listeners, route tables, clusters, endpoints): decoded from an Envoy snapshot at once,
// or assembled from resources the xDS client decoded one at a time.
import type {
  Cluster__Output,
  ClusterLoadAssignment__Output,
  Listener__Output,
  RouteConfiguration__Output,
  Secret__Output,
} from '../../xds/protos/index.ts';
import { ConfigError } from './config-error.ts';
import type { ClusterConfig, EndpointsConfig } from './cluster-types.ts';
import { decodeCluster } from './decode-cluster.ts';
import { decodeClusterLoadAssignment } from './decode-cluster-load-assignment.ts';
import { decodeListener } from './decode-listener.ts';
import { decodeRouteConfiguration } from './decode-route-configuration.ts';
import { decodeSecret } from './decode-secret.ts';
import type { ListenerConfig } from './listener-types.ts';
import type { RouteTableConfig } from './route-types.ts';
import type { SecretConfig } from './tls-types.ts';

/** Envoy resources as protobufjs `toObject` renders them (the generated `__Output` shapes). */
export interface EnvoySnapshot {
  readonly listeners: readonly Listener__Output[];
  readonly routeConfigurations: readonly RouteConfiguration__Output[];
  readonly clusters: readonly Cluster__Output[];
  readonly clusterLoadAssignments: readonly ClusterLoadAssignment__Output[];
  /** SDS secrets (absent: none). */
  readonly secrets?: readonly Secret__Output[];
}

/** Immutable; the data path reads only this. Maps are keyed by resource name (EDS: cluster_name). */
export interface ProxyConfig {
  readonly listeners: ReadonlyMap<string, ListenerConfig>;
  readonly routeTables: ReadonlyMap<string, RouteTableConfig>;
  readonly clusters: ReadonlyMap<string, ClusterConfig>;
  readonly endpoints: ReadonlyMap<string, EndpointsConfig>;
  /** SDS secrets by name: what `{kind: 'sds'}` certificate and trust sources resolve to. */
  readonly secrets: ReadonlyMap<string, SecretConfig>;
  /** What was applied, for /config_dump. */
  readonly source: EnvoySnapshot;
}

/** One resource as the xDS client holds it: the message as received (after local overrides) and its decoded form. */
export interface Decoded<M, C> {
  readonly message: M;
  readonly config: C;
}

/** Every resource of a configuration, already decoded one by one (see `assembleConfig`). */
export interface DecodedSnapshot {
  readonly listeners: readonly Decoded<Listener__Output, ListenerConfig>[];
  readonly routeConfigurations: readonly Decoded<RouteConfiguration__Output, RouteTableConfig>[];
  readonly clusters: readonly Decoded<Cluster__Output, ClusterConfig>[];
  readonly clusterLoadAssignments: readonly Decoded<ClusterLoadAssignment__Output, EndpointsConfig>[];
  readonly secrets?: readonly Decoded<Secret__Output, SecretConfig>[];
}

function decodeAll<In, Out>(
  items: readonly In[],
  decode: (x: In) => Out,
  errors: string[],
): Decoded<In, Out>[] {
  const out: Decoded<In, Out>[] = [];
  for (const message of items) {
    try {
      out.push({ message, config: decode(message) });
    } catch (cause) {
      if (!(cause instanceof ConfigError)) throw cause;
      errors.push(cause.message);
    }
  }
  return out;
}

function byName<M, C>(
  items: readonly Decoded<M, C>[],
  kind: string,
  nameOf: (m: M) => string,
  errors: string[],
): Map<string, C> {
  const out = new Map<string, C>();
  for (const { message, config } of items) {
    const name = nameOf(message);
    if (out.has(name)) errors.push(`duplicate ${kind} "${name}"`);
    else out.set(name, config);
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
  const decoded: DecodedSnapshot = {
    listeners: decodeAll(snapshot.listeners, decodeListener, errors),
    routeConfigurations: decodeAll(snapshot.routeConfigurations, decodeRouteConfiguration, errors),
    clusters: decodeAll(snapshot.clusters, decodeCluster, errors),
    clusterLoadAssignments: decodeAll(snapshot.clusterLoadAssignments, decodeClusterLoadAssignment, errors),
    secrets: decodeAll(snapshot.secrets ?? [], decodeSecret, errors),
  };
  return assembleConfig(decoded, errors);
}

/**
 * Puts decoded resources together into one configuration without decoding anything again: checks what only
 * the whole set can show (duplicate names, two listeners on one address) and throws a ConfigError naming each.
 * The decoded objects are used as they are, so an unchanged resource keeps its identity from one
 * configuration to the next (the proxy rebuilds only what changed).
 */
export function assembleConfig(decoded: DecodedSnapshot, earlierErrors: readonly string[] = []): ProxyConfig {
  const errors = [...earlierErrors];
  const listeners = byName(decoded.listeners, 'Listener', (l) => l.name, errors);
  const routeTables = byName(decoded.routeConfigurations, 'RouteConfiguration', (r) => r.name, errors);
  const clusters = byName(decoded.clusters, 'Cluster', (c) => c.name, errors);
  const endpoints = byName(
    decoded.clusterLoadAssignments,
    'ClusterLoadAssignment',
    (c) => c.cluster_name,
    errors,
  );
  const secrets = byName(decoded.secrets ?? [], 'Secret', (s) => s.name, errors);
  const ports = new Map<string, string>();
  for (const l of listeners.values()) {
    const key = `${l.host}:${l.port}`;
    const other = ports.get(key);
    if (other !== undefined && l.port !== 0)
      errors.push(`Listener "${l.name}" and "${other}" both bind ${key}`);
    ports.set(key, l.name);
  }
  if (errors.length > 0) throw new ConfigError('snapshot', errors);
  const source: EnvoySnapshot = {
    listeners: decoded.listeners.map((d) => d.message),
    routeConfigurations: decoded.routeConfigurations.map((d) => d.message),
    clusters: decoded.clusters.map((d) => d.message),
    clusterLoadAssignments: decoded.clusterLoadAssignments.map((d) => d.message),
    secrets: (decoded.secrets ?? []).map((d) => d.message),
  };
  return Object.freeze({ listeners, routeTables, clusters, endpoints, secrets, source });
}
