// The mesh proxy (sidecar or gateway data plane): applies whole configurations and runs listeners, routing, clusters and the admin server.
import { AccessLogger, AccessLogSinks } from './access-log/access-logger.ts';
import type { AdminControls } from './admin/admin-controls.ts';
import { AdminServer } from './admin/admin-server.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import type { ClusterConfig } from './config/cluster-types.ts';
import type { ListenerConfig } from './config/listener-types.ts';
import { decodeSnapshot } from './config/proxy-config.ts';
import type { EnvoySnapshot, ProxyConfig } from './config/proxy-config.ts';
import type { RouteTableConfig } from './config/route-types.ts';
import type { CertificateSource, PeerValidation, SecretConfig } from './config/tls-types.ts';
import { RouteTable } from './http/route-table.ts';
import type { HttpScope } from './http/router.ts';
import { ListenerManager } from './listeners/listener-manager.ts';
import type { TcpScope } from './listeners/tcp-listener.ts';
import type { MeshMetrics } from './mesh-metrics/mesh-metrics.ts';
import { HttpStats, TcpStats } from './stats/http-stats.ts';
import { StatsStore } from './stats/stats-store.ts';
import { ConfigError } from './config/config-error.ts';
import type { TlsMaterialSource } from './tls/tls-material.ts';
import { WatchedTlsMaterial } from './tls/watched-tls-material.ts';
import type { MaterialLogger } from './tls/watched-tls-material.ts';
import type { Cluster } from './upstream/cluster.ts';
import { ClusterManager } from './upstream/cluster-manager.ts';
import { createServerTlsContext } from './tls/server-tls-context.ts';
import { listenerTracer, Tracer } from './tracing/index.ts';
import type { TracedNode, TracingSettings } from './tracing/index.ts';

/** A compiled route table and the decoded configuration it was compiled from. */
interface BuiltTable {
  readonly config: RouteTableConfig;
  readonly table: RouteTable;
}

/** A listener's scope and what it was built from. */
interface BuiltScope {
  readonly listener: ListenerConfig;
  readonly routeTable: RouteTable | undefined;
  /** The TLS material objects the scope's TLS was made from (empty without TLS). */
  readonly material: readonly object[];
  readonly scope: HttpScope | TcpScope;
}

/** The cluster config handed to the cluster manager, and the TLS material it was given with. */
interface AppliedCluster {
  readonly config: ClusterConfig;
  readonly material: readonly object[];
  /** `config`, or a copy of it once the material changed (a new object is what makes a cluster rebuild). */
  readonly given: ClusterConfig;
}

function sameMaterial(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}

/**
 * The material TLS settings resolve to now: the same objects while nothing changed. Throws ConfigError when a
 * certificate or trust source is missing or unusable (the configuration is then refused).
 */
function materialOf(
  material: TlsMaterialSource,
  tls:
    | { readonly certificate: CertificateSource | undefined; readonly validation: PeerValidation | undefined }
    | undefined,
  subject: string,
): readonly object[] {
  if (!tls) return [];
  const out: object[] = [];
  try {
    if (tls.certificate) out.push(material.certificate(tls.certificate));
    if (tls.validation) out.push(material.trust(tls.validation.trust));
  } catch (cause) {
    if (cause instanceof ConfigError)
      throw new ConfigError(subject, [cause.message.replace(/^invalid /, '')], { cause });
    throw cause;
  }
  return out;
}

/** Files a configuration's TLS reads (the material source watches only these). */
function tlsFilesOf(config: ProxyConfig): string[] {
  const files: string[] = [];
  const secretFiles = (s: SecretConfig | undefined): void => {
    if (s?.kind === 'certificate-file') files.push(s.certificateChainPath, s.privateKeyPath);
    if (s?.kind === 'validation-file') files.push(s.trustedCaPath);
  };
  const tlsFiles = (
    tls:
      | {
          readonly certificate: CertificateSource | undefined;
          readonly validation: PeerValidation | undefined;
        }
      | undefined,
  ): void => {
    const c = tls?.certificate;
    if (c?.kind === 'file') files.push(c.certificateChainPath, c.privateKeyPath);
    else if (c) secretFiles(config.secrets.get(c.secretName));
    const t = tls?.validation?.trust;
    if (t?.kind === 'file') files.push(t.certificateChainPath);
    else if (t) secretFiles(config.secrets.get(t.secretName));
  };
  for (const l of config.listeners.values()) tlsFiles(l.tls);
  for (const c of config.clusters.values()) tlsFiles(c.tls);
  return files;
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
  /** Where TLS file reload warnings go (never PEM). */
  readonly logger?: MaterialLogger;
  /** How often TLS files in use are stat()ed besides fs.watch (default 2 s). */
  readonly tlsFilePollIntervalMs?: number;
  /** Counts golden metrics per mesh pair for the metrics reporter; omit for none. */
  readonly meshMetrics?: MeshMetrics;
  /** Trace HTTP requests and export the spans (absent: no tracing, no per-request cost). */
  readonly tracing?: { readonly settings: TracingSettings; readonly node: TracedNode };
}

export class MeshProxy {
  readonly stats = new StatsStore();
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #clusters: ClusterManager;
  readonly #listeners = new ListenerManager();
  readonly #tracer: Tracer | undefined;
  readonly #sinks = new AccessLogSinks();
  readonly #httpStats = new Map<string, HttpStats>();
  readonly #tcpStats = new Map<string, TcpStats>();
  readonly #adminOptions: MeshProxyOptions['admin'];
  /** Set while an admin /healthcheck/fail stands: HTTP/1.1 responses carry Connection: close. */
  #drainClose = false;
  readonly #adminControls: AdminControls | undefined;
  readonly #meshMetrics: MeshMetrics | undefined;
  #admin: AdminServer | undefined;
  #config: ProxyConfig | undefined;
  #applying: Promise<void> = Promise.resolve();
  /** What the applied configuration built, kept so an update rebuilds only what changed. */
  #tables = new Map<string, BuiltTable>();
  #scopes = new Map<string, BuiltScope>();
  #appliedClusters = new Map<string, AppliedCluster>();
  #closing = false;
  readonly #material: WatchedTlsMaterial;
  readonly #logger: MaterialLogger | undefined;
  readonly #tableBuilds = this.stats.counter('switchyard.config.route_table_builds');
  readonly #scopeBuilds = this.stats.counter('switchyard.config.listener_scope_builds');
  /** Listener scopes and clusters rebuilt because their TLS material changed (rotation, file reload). */
  readonly #tlsRebuilds = this.stats.counter('switchyard.config.tls_material_rebuilds');

  constructor(options: MeshProxyOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger;
    this.#material = new WatchedTlsMaterial({
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.tlsFilePollIntervalMs ? { pollIntervalMs: options.tlsFilePollIntervalMs } : {}),
    });
    // A reloaded file: the applied configuration again, which rebuilds just what uses that file.
    // Queued behind any apply in flight, and reading the configuration only then: a newer one may have landed.
    this.#material.onChange(() => {
      const run = this.#applying.then(() =>
        this.#config && !this.#closing ? this.#apply(this.#config) : undefined,
      );
      this.#applying = run.catch((error: unknown) =>
        this.#logger?.warn({ err: error }, 'tls material changed but the configuration could not be rebuilt'),
      );
    });
    this.#clusters = new ClusterManager(this.stats, this.#clock, this.#random, this.#material);
    this.#adminOptions = options.admin;
    this.#adminControls = options.adminControls;
    this.#meshMetrics = options.meshMetrics;
    if (options.tracing)
      this.#tracer = new Tracer(options.tracing.settings, options.tracing.node, this.#clock, this.stats);
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

  /** Where listeners and clusters read TLS PEM: the applied configuration's SDS secrets, and watched files. */
  get tlsMaterial(): TlsMaterialSource {
    return this.#material;
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
    const previousSecrets = this.#config?.secrets ?? new Map<string, SecretConfig>();
    // Scope builders and clusters read the new secrets; put back the old ones if this configuration is refused.
    this.#material.setSecrets(config.secrets);
    let clusters: Map<string, AppliedCluster>;
    let given: Map<string, ClusterConfig>;
    let clusterTls;
    let plan;
    try {
      clusters = this.#clusterMaterial(config);
      given = new Map([...clusters].map(([name, c]) => [name, c.given]));
      // Missing or bad TLS material rejects the configuration before any listener is bound.
      clusterTls = this.#clusters.prepareTls(given);
      plan = await this.#listeners.prepare(config.listeners, {
        http: (l) => this.#httpScope(l, config, tableFor, scopes),
        tcp: (l) => this.#tcpScope(l, scopes),
      });
    } catch (error) {
      this.#material.setSecrets(previousSecrets);
      throw error;
    }
    // Synchronous from here: a request on a running listener sees all of the old config or all of the new. (A
    // listener bound by this apply may take a connection before this point; it then finds only old clusters.)
    this.#clusters.apply(given, config.endpoints, clusterTls);
    plan.commit();
    this.#tables = tables;
    this.#scopes = scopes;
    this.#appliedClusters = clusters;
    this.#config = config;
    this.#material.keepOnly(tlsFilesOf(config));
  }

  /**
   * What each cluster is given: its decoded config, unless its TLS material changed since it was applied; then a
   * copy, so the cluster manager updates it and the cluster makes new TLS contexts (pools and hosts stay).
   */
  #clusterMaterial(config: ProxyConfig): Map<string, AppliedCluster> {
    const out = new Map<string, AppliedCluster>();
    for (const [name, c] of config.clusters) {
      const material = materialOf(this.#material, c.tls, `TLS of cluster "${name}"`);
      const previous = this.#appliedClusters.get(name);
      if (previous?.config !== c) out.set(name, { config: c, material, given: c });
      else if (sameMaterial(previous.material, material)) out.set(name, previous);
      else {
        this.#tlsRebuilds.inc();
        out.set(name, { config: c, material, given: Object.freeze({ ...c }) });
      }
    }
    return out;
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
    const material = materialOf(this.#material, l.tls, `TLS of listener "${l.name}"`);
    const previous = this.#scopes.get(l.name);
    if (previous?.listener === l && previous.routeTable === routeTable) {
      if (sameMaterial(previous.material, material)) {
        scopes.set(l.name, previous);
        return previous.scope as HttpScope;
      }
      this.#tlsRebuilds.inc();
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
      material: this.#material,
      drainClose: () => this.#drainClose,
      onComplete: logger.empty ? undefined : (ds, info) => logger.log(ds, info),
      ...(l.tls === undefined ? {} : { tls: createServerTlsContext(l.name, l.tls, this.#material) }),
      ...(this.#meshMetrics ? { meshMetrics: this.#meshMetrics } : {}),
      ...(this.#tracer === undefined ? {} : { tracer: listenerTracer(this.#tracer, l.name) }),
    };
    this.#scopeBuilds.inc();
    scopes.set(l.name, { listener: l, routeTable, material, scope });
    return scope;
  }

  #tcpScope(l: ListenerConfig, scopes: Map<string, BuiltScope>): TcpScope {
    if (l.filter.kind !== 'tcp') throw new Error(`listener ${l.name} is not a TCP listener`);
    const material = materialOf(this.#material, l.tls, `TLS of listener "${l.name}"`);
    const previous = this.#scopes.get(l.name);
    if (previous?.listener === l) {
      if (sameMaterial(previous.material, material)) {
        scopes.set(l.name, previous);
        return previous.scope as TcpScope;
      }
      this.#tlsRebuilds.inc();
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
      material: this.#material,
      ...(l.tls === undefined ? {} : { tls: createServerTlsContext(l.name, l.tls, this.#material) }),
    };
    this.#scopeBuilds.inc();
    scopes.set(l.name, { listener: l, routeTable: undefined, material, scope });
    return scope;
  }

  /** Drains listeners (up to `drainMs`), closes upstream connections, the admin server and log files. */
  async close(drainMs = 1_000): Promise<void> {
    this.#closing = true;
    this.#material.close();
    await this.#applying;
    await this.#listeners.close(drainMs);
    this.#clusters.close();
    await this.#admin?.close();
    this.#admin = undefined;
    await this.#sinks.close();
    // The spans of drained requests go out too, within the exporter's own deadline.
    await this.#tracer?.shutdown(Math.min(5000, Math.max(drainMs, 1000)));
  }
}
