// A running upstream cluster: its host set (swapped whole on EDS updates), balancing, pools and limits.
import type { Clock } from '../clock.ts';
import type { ClusterConfig, EndpointsConfig } from '../config/cluster-types.ts';
import type { MatchRequest } from '../config/match-request.ts';
import { ClusterStats } from '../stats/cluster-stats.ts';
import type { StatsStore } from '../stats/stats-store.ts';
import type { ClientTls } from '../tls/client-tls.ts';
import type { UpstreamExchange, UpstreamRequestHead } from './exchange.ts';
import { HealthChecker } from './health-checker.ts';
import { Host } from './host.ts';
import { Http1Pool } from './http1-pool.ts';
import { Http2Pool } from './http2-pool.ts';
import { OutlierDetector } from './outlier-detector.ts';
import { OriginalDstHosts } from './original-dst-hosts.ts';
import { createPicker } from './picker.ts';
import type { Picker } from './picker.ts';

type Pool = Http1Pool | Http2Pool;

export type Admission = 'ok' | 'overflow';

export class Cluster {
  readonly name: string;
  readonly stats: ClusterStats;
  #config: ClusterConfig;
  #hosts: readonly Host[] = [];
  #available: readonly Host[] | undefined;
  #picker: Picker;
  readonly #pools = new Map<Host, Pool>();
  readonly #clock: Clock;
  readonly #random: () => number;
  #outlier: OutlierDetector | undefined;
  #health: HealthChecker | undefined;
  #activeRequests = 0;
  #activeRetries = 0;
  #closed = false;
  /** ORIGINAL_DST only: the destinations requests named. */
  #originalDst: OriginalDstHosts | undefined;
  /** Set exactly when the config has `tls`: new connections (pools, TCP proxy, health checks) read it. */
  #tls: ClientTls | undefined;

  constructor(
    config: ClusterConfig,
    store: StatsStore,
    clock: Clock,
    random: () => number = Math.random,
    tls: ClientTls | undefined = undefined,
  ) {
    this.name = config.name;
    this.#config = config;
    this.#tls = tls;
    this.#clock = clock;
    this.#random = random;
    this.stats = new ClusterStats(store, config.name);
    this.#picker = createPicker(config.lbPolicy, random);
    this.#applyDetectors();
    this.#applyOriginalDst(undefined);
    if (config.loadAssignment) this.setEndpoints(config.loadAssignment);
  }

  get config(): ClusterConfig {
    return this.#config;
  }

  hosts(): readonly Host[] {
    return this.#hosts;
  }

  /** The TLS new connections to this cluster's hosts use; undefined: plaintext. */
  get tls(): ClientTls | undefined {
    return this.#tls;
  }

  /**
   * New settings for the same cluster name (with the TLS built for them); pools are rebuilt only if connection
   * settings changed. Changed TLS settings close the old connections: they were verified under the old rules;
   * new material under the same settings (a rotated certificate or bundle) is used by new connections only.
   */
  update(config: ClusterConfig, tls: ClientTls | undefined = undefined): void {
    const old = this.#config;
    this.#config = config;
    this.#tls = tls;
    if (old.lbPolicy !== config.lbPolicy) this.#picker = createPicker(config.lbPolicy, this.#random);
    if (
      JSON.stringify(old.tls) !== JSON.stringify(config.tls) ||
      old.protocol !== config.protocol ||
      old.connectTimeoutMs !== config.connectTimeoutMs ||
      old.circuitBreakers.maxConnections !== config.circuitBreakers.maxConnections ||
      old.idleTimeoutMs !== config.idleTimeoutMs
    ) {
      for (const host of [...this.#pools.keys()]) this.#retirePool(host);
    }
    this.#applyDetectors();
    this.#applyOriginalDst(old);
    if (config.loadAssignment) this.setEndpoints(config.loadAssignment);
  }

  /**
   * Swaps the host set atomically. Hosts that stay keep their state (load, ejection, health, pool);
   * removed hosts finish their in-flight requests and then close their connections.
   */
  setEndpoints(endpoints: EndpointsConfig): void {
    const byKey = new Map(this.#hosts.map((h) => [h.key, h]));
    const next: Host[] = [];
    const checked = this.#config.healthChecks.length > 0;
    for (const hc of endpoints.hosts) {
      const key = new Host(hc, checked).key;
      const existing = byKey.get(key);
      if (existing && !next.includes(existing)) {
        existing.config = hc;
        byKey.delete(key);
        next.push(existing);
      } else if (!existing) next.push(new Host(hc, checked));
    }
    for (const gone of byKey.values()) {
      gone.removed = true;
      if (gone.ejected) this.stats.ejectionsActive.value--;
      if (gone.activeRequests === 0) this.#retirePool(gone);
    }
    if (byKey.size > 0 || next.length !== this.#hosts.length) this.stats.membershipChange.value++;
    this.#hosts = next;
    this.stats.updateSuccess.value++;
    this.stats.membershipTotal.set(next.length);
    this.#health?.hostsChanged();
    this.availabilityChanged();
  }

  availabilityChanged(): void {
    this.#available = undefined;
    let healthy = 0;
    for (const h of this.#hosts) if (h.available) healthy++;
    this.stats.membershipHealthy.set(healthy);
    this.stats.hcHealthy.set(healthy);
  }

  healthCheckPassed(host: Host): void {
    this.#outlier?.onHealthCheckSuccess(host);
  }

  /** The hosts new requests may go to: the best priority with available hosts, or all of it in panic. */
  #computeAvailable(): readonly Host[] {
    if (this.#hosts.length === 0) return [];
    let best = Infinity;
    for (const h of this.#hosts) if (h.available && h.config.priority < best) best = h.config.priority;
    if (best === Infinity) {
      // Nothing available anywhere: Envoy's panic mode balances over every host of the first priority.
      let first = Infinity;
      for (const h of this.#hosts) first = Math.min(first, h.config.priority);
      return this.#hosts.filter((h) => h.config.priority === first);
    }
    const level = this.#hosts.filter((h) => h.config.priority === best);
    const available = level.filter((h) => h.available);
    if (available.length * 100 < this.#config.panicThresholdPercent * level.length) return level;
    return available;
  }

  /**
   * Picks a host for a new attempt, or undefined when the cluster has no hosts at all. A retry passes the hosts
   * it already tried (Envoy's previous_hosts predicate) and how many re-picks it may spend avoiding them.
   */
  pickHost(tried?: readonly Host[], reattempts = 0): Host | undefined {
    const hosts = (this.#available ??= this.#computeAvailable());
    if (hosts.length === 0) return undefined;
    const host = this.#picker.pick(hosts);
    if (tried === undefined || !tried.includes(host)) return host;
    return this.#repick(hosts, host, tried, reattempts);
  }

  /**
   * Re-picks like Envoy (the balancer again, up to `reattempts` times). When the balancer still lands on tried
   * hosts (random or least-request over few hosts do, a few percent of the time) we go further than Envoy and
   * take an untried host if one exists, so a retry with an untried host left never repeats a failed one.
   */
  #repick(hosts: readonly Host[], first: Host, tried: readonly Host[], reattempts: number): Host {
    let host = first;
    for (let i = 0; i < reattempts; i++) {
      host = this.#picker.pick(hosts);
      if (!tried.includes(host)) return host;
    }
    const n = hosts.length;
    const start = Math.floor(this.#random() * n);
    for (let i = 0; i < n; i++) {
      const candidate = hosts[(start + i) % n] as Host;
      if (!tried.includes(candidate)) return candidate;
    }
    // Every host was tried already: Envoy then goes to its last pick.
    return host;
  }

  /**
   * ORIGINAL_DST: the host for the destination this request names, or undefined when it names none usable,
   * was passed through already, or the cluster is not ORIGINAL_DST.
   */
  originalDstHost(req: MatchRequest): Host | undefined {
    return this.#originalDst?.hostFor(req);
  }

  get isOriginalDst(): boolean {
    return this.#originalDst !== undefined;
  }

  /** Circuit breaking for a new request: max_requests, and for HTTP/1.1 max_connections + max_pending_requests. */
  admit(): Admission {
    const cb = this.#config.circuitBreakers;
    const active = this.#activeRequests;
    if (active >= cb.maxRequests) {
      this.stats.cbRqOpen.set(1);
      this.stats.rqPendingOverflow.value++;
      return 'overflow';
    }
    if (this.#config.protocol === 'http1' && active >= cb.maxConnections + cb.maxPendingRequests) {
      this.stats.cbRqPendingOpen.set(1);
      this.stats.rqPendingOverflow.value++;
      return 'overflow';
    }
    return 'ok';
  }

  /** A retry may start only while fewer than max_retries retries are outstanding cluster-wide. */
  tryStartRetry(): boolean {
    if (this.#activeRetries >= this.#config.circuitBreakers.maxRetries) {
      this.stats.rqRetryOverflow.value++;
      this.stats.cbRqRetryOpen.set(1);
      return false;
    }
    this.#activeRetries++;
    return true;
  }

  finishRetry(): void {
    this.#activeRetries--;
    if (this.#activeRetries < this.#config.circuitBreakers.maxRetries) this.stats.cbRqRetryOpen.set(0);
  }

  /** Starts an attempt on `host`; the caller must call `release(host)` exactly once when it is over. */
  send(host: Host, head: UpstreamRequestHead): UpstreamExchange {
    host.activeRequests++;
    this.#activeRequests++;
    this.stats.rqActive.value++;
    this.stats.rqTotal.value++;
    if (
      this.#config.protocol === 'http1' &&
      this.#activeRequests > this.#config.circuitBreakers.maxConnections
    ) {
      this.stats.rqPendingTotal.value++;
    }
    return this.#pool(host).request(head);
  }

  release(host: Host): void {
    host.activeRequests--;
    this.#activeRequests--;
    this.stats.rqActive.value--;
    const cb = this.#config.circuitBreakers;
    if (this.#activeRequests < cb.maxRequests) this.stats.cbRqOpen.set(0);
    if (this.#activeRequests < cb.maxConnections + cb.maxPendingRequests) this.stats.cbRqPendingOpen.set(0);
    if (host.removed && host.activeRequests === 0) this.#retirePool(host);
  }

  onResponse(host: Host, status: number): void {
    this.#outlier?.onResponse(host, status);
  }

  onFailure(host: Host): void {
    this.#outlier?.onFailure(host);
  }

  /** Stops timers and closes connections once the last in-flight request is done. */
  close(): void {
    this.#closed = true;
    this.#originalDst?.clear();
    this.#outlier?.stop();
    this.#health?.stop();
    for (const h of this.#hosts) {
      h.removed = true;
      if (h.activeRequests === 0) this.#retirePool(h);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  #pool(host: Host): Pool {
    let pool = this.#pools.get(host);
    if (!pool) {
      const settings = {
        maxConnections: this.#config.circuitBreakers.maxConnections,
        connectTimeoutMs: this.#config.connectTimeoutMs,
        idleTimeoutMs: this.#config.idleTimeoutMs,
        tls: () => this.#tls,
      };
      pool =
        this.#config.protocol === 'http2'
          ? new Http2Pool(host, settings, this.stats)
          : new Http1Pool(host, settings, this.stats);
      this.#pools.set(host, pool);
    }
    return pool;
  }

  #retirePool(host: Host): void {
    const pool = this.#pools.get(host);
    if (!pool) return;
    this.#pools.delete(host);
    if (host.activeRequests === 0) pool.close();
    else {
      // Still serving requests on the old settings: close when they finish (checked on a slow timer).
      const wait = (): void => {
        if (host.activeRequests === 0) pool.close();
        else this.#clock.setTimer(wait, 1_000);
      };
      this.#clock.setTimer(wait, 1_000);
    }
  }

  #applyOriginalDst(old: ClusterConfig | undefined): void {
    const od = this.#config.originalDst;
    if (old !== undefined && old.originalDst === od) return;
    this.#originalDst?.clear();
    this.#originalDst =
      od &&
      new OriginalDstHosts(od, this.#clock, (host) => {
        if (host.activeRequests === 0) this.#retirePool(host);
      });
  }

  #applyDetectors(): void {
    const od = this.#config.outlierDetection;
    if (od && this.#outlier) this.#outlier.update(od);
    else if (od) this.#outlier = new OutlierDetector(od, this, this.stats, this.#clock, this.#random);
    else {
      this.#outlier?.stop();
      this.#outlier = undefined;
    }
    const hc = this.#config.healthChecks[0];
    if (hc && this.#health) this.#health.update(hc);
    else if (hc) this.#health = new HealthChecker(hc, this, this.stats, this.#clock);
    else {
      this.#health?.stop();
      this.#health = undefined;
      for (const h of this.#hosts) h.activeHealth = 'healthy';
    }
  }
}
