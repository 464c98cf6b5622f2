// Passive outlier detection: consecutive 5xx / gateway failures eject a host for base × times-ejected.
import type { Clock, TimerHandle } from '../clock.ts';
import type { OutlierDetectionConfig } from '../config/cluster-types.ts';
import type { ClusterStats } from '../stats/cluster-stats.ts';
import type { Host } from './host.ts';

/** What the detector needs from its cluster: the live hosts and a way to say availability changed. */
export interface OutlierHosts {
  hosts(): readonly Host[];
  availabilityChanged(): void;
}

export class OutlierDetector {
  #config: OutlierDetectionConfig;
  readonly #clock: Clock;
  readonly #stats: ClusterStats;
  readonly #cluster: OutlierHosts;
  readonly #random: () => number;
  #timer: TimerHandle | undefined;

  constructor(
    config: OutlierDetectionConfig,
    cluster: OutlierHosts,
    stats: ClusterStats,
    clock: Clock,
    random: () => number = Math.random,
  ) {
    this.#config = config;
    this.#cluster = cluster;
    this.#stats = stats;
    this.#clock = clock;
    this.#random = random;
    this.#schedule();
  }

  update(config: OutlierDetectionConfig): void {
    const intervalChanged = config.intervalMs !== this.#config.intervalMs;
    this.#config = config;
    if (intervalChanged) {
      this.#timer?.cancel();
      this.#schedule();
    }
  }

  /** A response from the host (final or retried). */
  onResponse(host: Host, status: number): void {
    if (status >= 500) {
      host.consecutive5xx++;
      if (status === 502 || status === 503 || status === 504) host.consecutiveGatewayFailures++;
      else host.consecutiveGatewayFailures = 0;
      this.#check(host);
    } else {
      host.consecutive5xx = 0;
      host.consecutiveGatewayFailures = 0;
    }
  }

  /** No response from the host: connect failure, reset or timeout count as a gateway error (a 503/504). */
  onFailure(host: Host): void {
    host.consecutive5xx++;
    host.consecutiveGatewayFailures++;
    this.#check(host);
  }

  /** A passing active health check takes a host out of ejection (successful_active_health_check_uneject_host). */
  onHealthCheckSuccess(host: Host): void {
    if (host.ejected && this.#config.successfulHealthCheckUnejects) this.#uneject(host);
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #check(host: Host): void {
    if (host.ejected || host.removed) return;
    const c = this.#config;
    if (c.consecutive5xx > 0 && host.consecutive5xx >= c.consecutive5xx) {
      this.#stats.ejectionsDetectedConsecutive5xx.value++;
      if (this.#enforced(c.enforcingConsecutive5xx) && this.#eject(host))
        this.#stats.ejectionsEnforcedConsecutive5xx.value++;
    } else if (
      c.consecutiveGatewayFailure > 0 &&
      host.consecutiveGatewayFailures >= c.consecutiveGatewayFailure
    ) {
      this.#stats.ejectionsDetectedGatewayFailure.value++;
      if (this.#enforced(c.enforcingConsecutiveGatewayFailure) && this.#eject(host))
        this.#stats.ejectionsEnforcedGatewayFailure.value++;
    }
  }

  #enforced(percent: number): boolean {
    return percent >= 100 || this.#random() * 100 < percent;
  }

  #eject(host: Host): boolean {
    const hosts = this.#cluster.hosts();
    let ejected = 0;
    for (const h of hosts) if (h.ejected) ejected++;
    // max_ejection_percent bounds ejections, but one host can always be ejected.
    if (ejected > 0 && (ejected + 1) * 100 > this.#config.maxEjectionPercent * hosts.length) {
      this.#stats.ejectionsOverflow.value++;
      return false;
    }
    host.timesEjected++;
    host.ejected = true;
    host.ejectedAtMs = this.#clock.now();
    host.ejectionMs = Math.min(this.#config.baseEjectionMs * host.timesEjected, this.#config.maxEjectionMs);
    this.#stats.ejectionsEnforcedTotal.value++;
    this.#stats.ejectionsActive.value++;
    this.#cluster.availabilityChanged();
    return true;
  }

  #uneject(host: Host): void {
    host.ejected = false;
    host.consecutive5xx = 0;
    host.consecutiveGatewayFailures = 0;
    this.#stats.ejectionsActive.value--;
    this.#cluster.availabilityChanged();
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimer(() => this.#tick(), this.#config.intervalMs);
  }

  /** Every interval: return hosts whose ejection ran out, and let well-behaved hosts' ejection multiplier decay. */
  #tick(): void {
    const now = this.#clock.now();
    for (const host of this.#cluster.hosts()) {
      if (host.ejected) {
        if (now - host.ejectedAtMs >= host.ejectionMs) this.#uneject(host);
      } else if (
        host.timesEjected > 0 &&
        now - host.ejectedAtMs >= host.ejectionMs + this.#config.baseEjectionMs
      ) {
        host.timesEjected--;
        host.ejectedAtMs = now;
      }
    }
    this.#schedule();
  }
}
