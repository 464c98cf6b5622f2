// One upstream endpoint and its runtime state (load, outlier ejection, active health), kept across EDS updates.
import type { HostConfig } from '../config/cluster-types.ts';

export type ActiveHealth = 'pending' | 'healthy' | 'unhealthy';

export class Host {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** Replaced whole when EDS changes the endpoint's weight, health or priority. */
  config: HostConfig;
  activeRequests = 0;
  // Outlier detection state (owned by OutlierDetector).
  ejected = false;
  ejectedAtMs = 0;
  ejectionMs = 0;
  timesEjected = 0;
  consecutive5xx = 0;
  consecutiveGatewayFailures = 0;
  // Active health checking state (owned by HealthChecker).
  activeHealth: ActiveHealth;
  hcSuccesses = 0;
  hcFailures = 0;
  /** Set when EDS no longer lists the host: in-flight requests finish, new ones never pick it. */
  removed = false;

  constructor(config: HostConfig, activelyChecked: boolean) {
    this.key = hostKey(config.host, config.port);
    this.address = config.host;
    this.port = config.port;
    this.config = config;
    this.activeHealth = activelyChecked ? 'pending' : 'healthy';
  }

  /** EDS says it may take traffic (UNKNOWN counts as healthy, as in Envoy). */
  get edsHealthy(): boolean {
    const h = this.config.health;
    return h === 'HEALTHY' || h === 'UNKNOWN' || h === 'DEGRADED';
  }

  get available(): boolean {
    return this.edsHealthy && !this.ejected && this.activeHealth === 'healthy';
  }

  /** Envoy's /clusters health flags. */
  healthFlags(): string {
    const flags: string[] = [];
    if (this.activeHealth !== 'healthy') flags.push('/failed_active_hc');
    if (this.ejected) flags.push('/failed_outlier_check');
    if (!this.edsHealthy) flags.push('/failed_eds_health');
    if (this.activeHealth === 'pending') flags.push('/pending_active_hc');
    return flags.length === 0 ? 'healthy' : flags.join('');
  }
}

export function hostKey(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
