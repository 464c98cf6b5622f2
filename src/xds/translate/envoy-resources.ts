// The output of translation, and the collector builders add to: resources deduplicated by name, plus the
// records they were computed from.
import { resourcePath, type ResourceKey } from '../../model/resource-key.ts';
import type { Cluster, ClusterLoadAssignment, Listener, RouteConfiguration, Secret } from './envoy-types.ts';

export interface EnvoyResources {
  readonly listeners: Listener[];
  readonly routeConfigurations: RouteConfiguration[];
  readonly clusters: Cluster[];
  readonly clusterLoadAssignments: ClusterLoadAssignment[];
  readonly secrets: Secret[];
  /**
   * Every record the output was read from, including records looked up but absent (a backend service that
   * does not exist yet): creating one of those must also recompute this output. Sorted by resource path.
   */
  readonly dependsOn: ResourceKey[];
  /**
   * What the specs ask for that this output cannot carry out (each names the field path), for the control
   * plane to log; absent or empty when everything was expressed.
   */
  readonly warnings?: readonly string[];
  /**
   * Every SDS secret the output makes the proxy subscribe to, with the spec field that named it (`--mtls` for
   * the mesh-wide switch), sorted by name then field; absent when there are none. The control plane uses the
   * field to say which spec names a secret it cannot serve.
   */
  readonly secretReferences?: readonly SecretReference[];
}

export interface SecretReference {
  readonly name: string;
  /** A field path such as `spec.listeners[0].tls`, or `--mtls`. */
  readonly field: string;
}

/** Accumulates one translation's output; the first resource added under a name wins. */
export class ResourceCollector {
  readonly #listeners = new Map<string, Listener>();
  readonly #routes = new Map<string, RouteConfiguration>();
  readonly #clusters = new Map<string, Cluster>();
  readonly #assignments = new Map<string, ClusterLoadAssignment>();
  readonly #deps = new Map<string, ResourceKey>();
  readonly #warnings = new Set<string>();
  readonly #secretReferences = new Map<string, SecretReference>();

  addListener(listener: Listener & { name: string }): void {
    if (!this.#listeners.has(listener.name)) this.#listeners.set(listener.name, listener);
  }

  addRouteConfiguration(config: RouteConfiguration & { name: string }): void {
    if (!this.#routes.has(config.name)) this.#routes.set(config.name, config);
  }

  addCluster(cluster: Cluster & { name: string }): void {
    if (!this.#clusters.has(cluster.name)) this.#clusters.set(cluster.name, cluster);
  }

  hasCluster(name: string): boolean {
    return this.#clusters.has(name);
  }

  addLoadAssignment(assignment: ClusterLoadAssignment & { cluster_name: string }): void {
    if (!this.#assignments.has(assignment.cluster_name)) {
      this.#assignments.set(assignment.cluster_name, assignment);
    }
  }

  /** Records `key` (only its identifying fields, even when given a whole record). */
  dependOn(key: ResourceKey): void {
    const { kind, meshName, parentName, name } = key;
    this.#deps.set(resourcePath(key), { kind, meshName, parentName, name });
  }

  /** Records something a spec asks for that the output cannot express. */
  warn(message: string): void {
    this.#warnings.add(message);
  }

  /** Records that the output subscribes the proxy to SDS secret `name`, because of spec field `field`. */
  referSecret(name: string, field: string): void {
    this.#secretReferences.set(`${name}\n${field}`, { name, field });
  }

  finish(): EnvoyResources {
    const byName = <T>(map: Map<string, T>): T[] =>
      [...map.entries()].sort(([a], [b]) => compare(a, b)).map(([, value]) => value);
    return {
      listeners: byName(this.#listeners),
      routeConfigurations: byName(this.#routes),
      clusters: byName(this.#clusters),
      clusterLoadAssignments: byName(this.#assignments),
      secrets: [],
      dependsOn: byName(this.#deps),
      ...(this.#warnings.size > 0 ? { warnings: [...this.#warnings] } : {}),
      ...(this.#secretReferences.size > 0 ? { secretReferences: byName(this.#secretReferences) } : {}),
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
