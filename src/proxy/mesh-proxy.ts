// The mesh proxy (sidecar or gateway data plane): applies whole configurations and runs listeners, routing, clusters and the admin server.
import { AccessLogger, AccessLogSinks } from './access-log/access-logger.ts';
import type { AdminControls } from './admin/admin-controls.ts';
import { AdminServer } from './admin/admin-server.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import type { ListenerConfig } from './config/listener-types.ts';
import { decodeSnapshot } from './config/proxy-config.ts';
import type { EnvoySnapshot, ProxyConfig } from './config/proxy-config.ts';
import type { RouteTableConfig } from './config/route-types.ts';
import { RouteTable } from './http/route-table.ts';
import type { HttpScope } from './http/router.ts';
import { ListenerManager } from './listeners/listener-manager.ts';
import type { TcpScope } from './listeners/tcp-listener.ts';
import { HttpStats, TcpStats } from './stats/http-stats.ts';
import { StatsStore } from './stats/stats-store.ts';
import type { Cluster } from './upstream/cluster.ts';
import { ClusterManager } from './upstream/cluster-manager.ts';

/** A compiled route table and the decoded configuration it was compiled from. */
interface BuiltTable {
  readonly config: RouteTableConfig;
  readonly table: RouteTable;
}

/** A listener's scope and what it was built from. */
interface BuiltScope {
  readonly listener: ListenerConfig;
  readonly routeTable: RouteTable | undefined;
  readonly scope: HttpScope | TcpScope;
}

export interface MeshProxyOptions {
  readonly clock?: Clock;
  /** Random source in [0, 1) for weighted clusters, balancing, jitter; injectable for tests. */
  readonly random?: () => number;
  /** Admin server address; omit for none. Port 0 picks a free port (see `adminPort`). */
  readonly admin?: {
    readonly host: string;
    readonly port: number;
    /** Host names the admin accepts in the Host header besides IP literals and localhost. */
    readonly allowedHosts?: readonly string[];
  };
  /** What the admin interface may do to the process running this proxy (the sidecar's quit, identity...). */
  readonly adminControls?: AdminControls;
}

export class MeshProxy {
  readonly stats = new StatsStore();
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #clusters: ClusterManager;
  readonly #listeners = new ListenerManager();
  readonly #sinks = new AccessLogSinks();
  readonly #httpStats = new Map<string, HttpStats>();
  readonly #tcpStats = new Map<string, TcpStats>();
  readonly #adminOptions: MeshProxyOptions['admin'];
  /** Set while an admin /healthcheck/fail stands: HTTP/1.1 responses carry Connection: close. */
  #drainClose = false;
  readonly #adminControls: AdminControls | undefined;
  #admin: AdminServer | undefined;
  #config: ProxyConfig | undefined;
  #applying: Promise<void> = Promise.resolve();
  /** What the applied configuration built, kept so an update rebuilds only what changed. */
  #tables = new Map<string, BuiltTable>();
  #scopes = new Map<string, BuiltScope>();
  readonly #tableBuilds = this.stats.counter('switchyard.config.route_table_builds');
  readonly #scopeBuilds = this.stats.counter('switchyard.config.listener_scope_builds');

  constructor(options: MeshProxyOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#clusters = new ClusterManager(this.stats, this.#clock, this.#random);
    this.#adminOptions = options.admin;
    this.#adminControls = options.adminControls;
  }

  /** Starts the admin server (if configured). Listeners start with the first `applyConfig`. */
  async start(): Promise<void> {
    if (this.#adminOptions && !this.#admin) {
      const isReady = (): boolean => this.ready;
      const admin = new AdminServer(
        {
          get ready() {
            return isReady();
          },
          stats: this.stats,
          appliedSnapshot: () => this.#config?.source,
          clusters: () => this.#clusters.all(),
          listeners: () =>
            [...(this.#config?.listeners.values() ?? [])].map((l) => ({
              name: l.name,
              host: l.host,
              port: this.listenerPort(l.name),
            })),
          controls: {
            ...this.#adminControls,
            healthCheckFailed: (failed) => {
              this.#drainClose = failed;
            },
          },
        },
        { allowedHosts: this.#adminOptions.allowedHosts },
      );
      await admin.listen(this.#adminOptions.port, this.#adminOptions.host);
      this.#admin = admin;
    }
  }

  get adminPort(): number | undefined {
    return this.#admin?.port;
  }

  /** True once a configuration has been applied. */
  get ready(): boolean {
    return this.#config !== undefined;
  }

  get config(): ProxyConfig | undefined {
    return this.#config;
  }

  cluster(name: string): Cluster | undefined {
    return this.#clusters.get(name);
  }

  /** The bound port of a listener (useful with port 0). */
  listenerPort(name: string): number | undefined {
    return this.#listeners.get(name)?.port;
  }

  /**
   * Decodes and applies a whole snapshot. An invalid snapshot rejects with a ConfigError (its message is a
   * NACK detail) and changes nothing; the last good config keeps serving. Requests in flight keep the
   * config they started with. Calls are serialized.
   */
  async applyConfig(snapshot: EnvoySnapshot): Promise<void> {
    const config = decodeSnapshot(snapshot);
    await this.apply(config);
  }

  /**
   * Applies an already decoded configuration, whole or not at all: new listeners bind first; if one cannot,
   * this rejects with a ListenerBindError and clusters, routes and listeners are as before. Only then are
   * clusters, route tables and listener scopes swapped. Resources whose decoded object is the same as in
   * the applied configuration are not rebuilt.
   */
  apply(config: ProxyConfig): Promise<void> {
    const run = this.#applying.then(() => this.#apply(config));
    this.#applying = run.catch(() => {});
    return run;
  }

  async #apply(config: ProxyConfig): Promise<void> {
    const tables = new Map<string, BuiltTable>();
    const tableFor = (
      key: string,
      rc: RouteTableConfig | undefined,
      strip: boolean,
    ): RouteTable | undefined => {
      if (!rc) return undefined;
      let built = tables.get(key);
      if (built?.config !== rc) {
        const previous = this.#tables.get(key);
        built = previous?.config === rc ? previous : { config: rc, table: new RouteTable(rc, strip) };
        if (built !== previous) this.#tableBuilds.inc();
        tables.set(key, built);
      }
      return built.table;
    };
    const scopes = new Map<string, BuiltScope>();
    const plan = await this.#listeners.prepare(config.listeners, {
      http: (l) => this.#httpScope(l, config, tableFor, scopes),
      tcp: (l) => this.#tcpScope(l, scopes),
    });
    // Synchronous from here: a request on a running listener sees all of the old config or all of the new. (A
    // listener bound by this apply may take a connection before this point; it then finds only old clusters.)
    this.#clusters.apply(config.clusters, config.endpoints);
    plan.commit();
    this.#tables = tables;
    this.#scopes = scopes;
    this.#config = config;
  }

  #httpScope(
    l: ListenerConfig,
    config: ProxyConfig,
    tableFor: (key: string, rc: RouteTableConfig | undefined, strip: boolean) => RouteTable | undefined,
    scopes: Map<string, BuiltScope>,
  ): HttpScope {
    if (l.filter.kind !== 'http') throw new Error(`listener ${l.name} is not an HTTP listener`);
    const hcm = l.filter;
    const strip = hcm.stripAnyHostPort;
    const routeTable =
      hcm.routes.kind === 'inline'
        ? tableFor(`inline:${strip}:${l.name}`, hcm.routes.table, strip)
        : tableFor(`rds:${strip}:${hcm.routes.name}`, config.routeTables.get(hcm.routes.name), strip);
    const previous = this.#scopes.get(l.name);
    if (previous?.listener === l && previous.routeTable === routeTable) {
      scopes.set(l.name, previous);
      return previous.scope as HttpScope;
    }
    let stats = this.#httpStats.get(hcm.statPrefix);
    if (!stats) this.#httpStats.set(hcm.statPrefix, (stats = new HttpStats(this.stats, hcm.statPrefix)));
    const logger = new AccessLogger([...l.accessLogs, ...hcm.accessLogs], this.#sinks);
    const scope: HttpScope = {
      hcm,
      routeTable,
      stats,
      clusters: this.#clusters,
      clock: this.#clock,
      random: this.#random,
      drainClose: () => this.#drainClose,
      onComplete: logger.empty ? undefined : (ds, info) => logger.log(ds, info),
    };
    this.#scopeBuilds.inc();
    scopes.set(l.name, { listener: l, routeTable, scope });
    return scope;
  }

  #tcpScope(l: ListenerConfig, scopes: Map<string, BuiltScope>): TcpScope {
    if (l.filter.kind !== 'tcp') throw new Error(`listener ${l.name} is not a TCP listener`);
    const previous = this.#scopes.get(l.name);
    if (previous?.listener === l) {
      scopes.set(l.name, previous);
      return previous.scope as TcpScope;
    }
    const tcp = l.filter;
    let stats = this.#tcpStats.get(tcp.statPrefix);
    if (!stats) this.#tcpStats.set(tcp.statPrefix, (stats = new TcpStats(this.stats, tcp.statPrefix)));
    const scope: TcpScope = {
      tcp,
      stats,
      clusters: this.#clusters,
      clock: this.#clock,
      random: this.#random,
    };
    this.#scopeBuilds.inc();
    scopes.set(l.name, { listener: l, routeTable: undefined, scope });
    return scope;
  }

  /** Drains listeners (up to `drainMs`), closes upstream connections, the admin server and log files. */
  async close(drainMs = 1_000): Promise<void> {
    await this.#applying;
    await this.#listeners.close(drainMs);
    this.#clusters.close();
    await this.#admin?.close();
    this.#admin = undefined;
    await this.#sinks.close();
  }
}
