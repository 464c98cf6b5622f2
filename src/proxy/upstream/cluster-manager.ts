// All running clusters by name; applies new cluster and endpoint configs while keeping per-host state.
import type { Clock } from '../clock.ts';
import type { ClusterConfig, EndpointsConfig } from '../config/cluster-types.ts';
import { ConfigError } from '../config/config-error.ts';
import type { StatsStore } from '../stats/stats-store.ts';
import { DirectTlsMaterial } from '../tls/tls-material.ts';
import type { TlsMaterialSource } from '../tls/tls-material.ts';
import { Cluster } from './cluster.ts';
import { ClientTls } from '../tls/client-tls.ts';

/** Each TLS cluster's ClientTls, by cluster name, built before a configuration is applied. */
export type ClusterTlsPlan = ReadonlyMap<string, ClientTls>;

export class ClusterManager {
  #clusters: ReadonlyMap<string, Cluster> = new Map();
  /** The endpoints each EDS cluster was last given. */
  #endpoints = new Map<Cluster, EndpointsConfig>();
  readonly #store: StatsStore;
  readonly #clock: Clock;
  readonly #random: () => number;
  /** Where clusters read their TLS client certificate and trust PEM when they are built or updated. */
  readonly material: TlsMaterialSource;

  constructor(
    store: StatsStore,
    clock: Clock,
    random: () => number = Math.random,
    material: TlsMaterialSource = new DirectTlsMaterial(new Map()),
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.material = material;
  }

  get(name: string): Cluster | undefined {
    return this.#clusters.get(name);
  }

  all(): Iterable<Cluster> {
    return this.#clusters.values();
  }

  /**
   * Builds the TLS of every cluster in `configs` that has some from the material as it is now, reusing a running
   * cluster's when its decoded config is the same object (so a copy of an unchanged config is how rotated material
   * reaches a cluster: new connections use it, open ones and the pools stay). Throws ConfigError (naming every cluster whose material is missing or bad) and
   * changes nothing: call it before anything of a new configuration is committed.
   */
  prepareTls(configs: ReadonlyMap<string, ClusterConfig>): ClusterTlsPlan {
    const plan = new Map<string, ClientTls>();
    const errors: string[] = [];
    for (const [name, config] of configs) {
      if (config.tls === undefined) continue;
      const running = this.#clusters.get(name);
      const reused = running?.config === config ? running.tls : undefined;
      try {
        plan.set(name, reused ?? new ClientTls(config.tls, this.material));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        errors.push(`cluster "${name}" transport_socket: ${err.message}`);
      }
    }
    if (errors.length > 0) throw new ConfigError('upstream TLS material', errors);
    return plan;
  }

  /**
   * Replaces the cluster set. A cluster that stays is updated in place (its hosts, pools and ejections
   * survive); a removed one closes after its in-flight requests; EDS endpoints come from `endpoints`
   * keyed by the cluster's service name. `tls` comes from `prepareTls` (built here when not given, which
   * throws before anything changes if some TLS material is missing).
   */
  apply(
    configs: ReadonlyMap<string, ClusterConfig>,
    endpoints: ReadonlyMap<string, EndpointsConfig>,
    tls: ClusterTlsPlan = this.prepareTls(configs),
  ): void {
    const next = new Map<string, Cluster>();
    const nextEndpoints = new Map<Cluster, EndpointsConfig>();
    for (const [name, config] of configs) {
      let cluster = this.#clusters.get(name);
      // The same decoded object means an unchanged resource: nothing to redo for it.
      const changed = cluster?.config !== config;
      if (!cluster) cluster = new Cluster(config, this.#store, this.#clock, this.#random, tls.get(name));
      else if (changed) cluster.update(config, tls.get(name));
      if (config.discovery === 'EDS') {
        const eds = endpoints.get(config.edsServiceName);
        if (eds && (changed || this.#endpoints.get(cluster) !== eds)) cluster.setEndpoints(eds);
        if (eds) nextEndpoints.set(cluster, eds);
      }
      next.set(name, cluster);
    }
    this.#endpoints = nextEndpoints;
    for (const [name, cluster] of this.#clusters) if (!next.has(name)) cluster.close();
    this.#clusters = next;
    this.#store.gauge('cluster_manager.active_clusters').set(next.size);
  }

  close(): void {
    for (const c of this.#clusters.values()) c.close();
    this.#clusters = new Map();
    this.#endpoints = new Map();
  }
}
