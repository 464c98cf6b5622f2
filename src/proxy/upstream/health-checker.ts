// Active health checking for one cluster: probes every host each interval and flips health at the thresholds.
import type { Clock, TimerHandle } from '../clock.ts';
import type { HealthCheckConfig } from '../config/cluster-types.ts';
import type { ClusterStats } from '../stats/cluster-stats.ts';
import type { ClientTls } from '../tls/client-tls.ts';
import { probe } from './health-probe.ts';
import type { ProbeResult } from './health-probe.ts';
import type { Host } from './host.ts';

export interface CheckedHosts {
  readonly name: string;
  /** The TLS probes use (the cluster's, as it is when each probe starts). */
  readonly tls: ClientTls | undefined;
  hosts(): readonly Host[];
  availabilityChanged(): void;
  /** A passing check, so outlier detection can un-eject the host. */
  healthCheckPassed(host: Host): void;
}

export class HealthChecker {
  #config: HealthCheckConfig;
  readonly #cluster: CheckedHosts;
  readonly #stats: ClusterStats;
  readonly #clock: Clock;
  readonly #inFlight = new Set<Host>();
  readonly #nextDue = new WeakMap<Host, number>();
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(config: HealthCheckConfig, cluster: CheckedHosts, stats: ClusterStats, clock: Clock) {
    this.#config = config;
    this.#cluster = cluster;
    this.#stats = stats;
    this.#clock = clock;
    // New hosts are checked right away: they take no traffic until their first pass.
    this.#timer = clock.setTimer(() => this.#tick(), 0);
  }

  update(config: HealthCheckConfig): void {
    this.#config = config;
  }

  /** Hosts added by EDS are probed at the next tick (immediately). */
  hostsChanged(): void {
    this.#timer?.cancel();
    this.#timer = this.#clock.setTimer(() => this.#tick(), 0);
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  #tick(): void {
    if (this.#stopped) return;
    const now = this.#clock.now();
    let nextWake = Infinity;
    for (const host of this.#cluster.hosts()) {
      const due = this.#nextDue.get(host) ?? now;
      if (due <= now && !this.#inFlight.has(host)) {
        void this.#check(host);
        const interval =
          host.activeHealth === 'unhealthy' ? this.#config.unhealthyIntervalMs : this.#config.intervalMs;
        this.#nextDue.set(host, now + interval);
        nextWake = Math.min(nextWake, now + interval);
      } else nextWake = Math.min(nextWake, Math.max(due, now + 1));
    }
    const delay = Number.isFinite(nextWake) ? nextWake - now : this.#config.intervalMs;
    this.#timer = this.#clock.setTimer(() => this.#tick(), delay);
  }

  async #check(host: Host): Promise<void> {
    this.#inFlight.add(host);
    this.#stats.hcAttempt.value++;
    let result: ProbeResult;
    try {
      result = await probe(
        this.#config.protocol,
        {
          address: host.address,
          port: this.#config.altPort ?? host.config.healthCheckPort ?? host.port,
          defaultAuthority: this.#cluster.name,
          tls: this.#cluster.tls,
          stats: this.#stats,
        },
        this.#config.timeoutMs,
      );
    } finally {
      this.#inFlight.delete(host);
    }
    if (this.#stopped || host.removed) return;
    this.record(host, result);
  }

  /** Applies one probe result to the host's health (exposed for unit tests). */
  record(host: Host, result: ProbeResult): void {
    const before = host.activeHealth;
    if (result === 'pass') {
      this.#stats.hcSuccess.value++;
      host.hcFailures = 0;
      host.hcSuccesses++;
      if (
        before === 'pending' ||
        (before === 'unhealthy' && host.hcSuccesses >= this.#config.healthyThreshold)
      )
        host.activeHealth = 'healthy';
      this.#cluster.healthCheckPassed(host);
    } else {
      this.#stats.hcFailure.value++;
      if (result === 'network_failure') this.#stats.hcNetworkFailure.value++;
      host.hcSuccesses = 0;
      host.hcFailures++;
      if (
        before === 'pending' ||
        (before === 'healthy' && host.hcFailures >= this.#config.unhealthyThreshold)
      )
        host.activeHealth = 'unhealthy';
    }
    if (host.activeHealth !== before) this.#cluster.availabilityChanged();
  }
}
