// The `cluster.<name>.` stats, created once per cluster so the hot path only bumps fields.
import type { Counter, Gauge, Histogram, StatsStore } from './stats-store.ts';

/** `cluster.<name>.ssl.*`: TLS handshakes a cluster originated, and why the failed ones failed. */
export class ClusterSslStats {
  readonly #store: StatsStore;
  readonly #prefix: string;
  readonly #versions = new Map<string, Counter>();
  /** A completed handshake whose peer passed verification. */
  readonly handshake: Counter;
  /** Any handshake that did not complete after the TCP connection was made (verification failures included). */
  readonly connectionError: Counter;
  /** The server's chain did not verify against the trusted CA (or had expired). */
  readonly failVerifyError: Counter;
  /** The server's chain verified but none of its SANs met the cluster's rules. */
  readonly failVerifySan: Counter;
  /** The server presented no certificate although one is verified. */
  readonly failVerifyNoCert: Counter;
  readonly sessionReused: Counter;

  constructor(store: StatsStore, prefix: string) {
    this.#store = store;
    this.#prefix = prefix;
    const c = (n: string): Counter => store.counter(prefix + n);
    this.handshake = c('handshake');
    this.connectionError = c('connection_error');
    this.failVerifyError = c('fail_verify_error');
    this.failVerifySan = c('fail_verify_san');
    this.failVerifyNoCert = c('fail_verify_no_cert');
    this.sessionReused = c('session_reused');
  }

  /** `ssl.versions.TLSv1.3`, spelled as Envoy spells it. */
  recordVersion(protocol: string | null): void {
    if (protocol === null) return;
    let counter = this.#versions.get(protocol);
    if (!counter) {
      counter = this.#store.counter(`${this.#prefix}versions.${protocol}`);
      this.#versions.set(protocol, counter);
    }
    counter.value++;
  }
}

export class ClusterStats {
  readonly #store: StatsStore;
  readonly #prefix: string;
  // Indexed by status code: an array lookup per response rather than a Map's hashing.
  readonly #byCode: (Counter | undefined)[] = [];
  readonly #byClass: Counter[] = [];
  readonly #retryByCode: (Counter | undefined)[] = [];
  readonly #retryByClass: Counter[] = [];
  readonly rqTotal: Counter;
  readonly rqCompleted: Counter;
  readonly rqTimeout: Counter;
  readonly rqPerTryTimeout: Counter;
  readonly rqRetry: Counter;
  readonly rqRetrySuccess: Counter;
  readonly rqRetryLimitExceeded: Counter;
  readonly rqRetryOverflow: Counter;
  readonly rqPendingTotal: Counter;
  readonly rqPendingOverflow: Counter;
  readonly rqCancelled: Counter;
  readonly rqRxReset: Counter;
  readonly rqTxReset: Counter;
  readonly cxTotal: Counter;
  readonly cxConnectFail: Counter;
  readonly cxConnectTimeout: Counter;
  readonly cxOverflow: Counter;
  readonly cxNoneHealthy: Counter;
  readonly cxRxBytes: Counter;
  readonly cxTxBytes: Counter;
  readonly membershipChange: Counter;
  readonly updateSuccess: Counter;
  readonly rqActive: Gauge;
  readonly rqPendingActive: Gauge;
  readonly cxActive: Gauge;
  readonly membershipTotal: Gauge;
  readonly membershipHealthy: Gauge;
  readonly cbCxOpen: Gauge;
  readonly cbRqPendingOpen: Gauge;
  readonly cbRqOpen: Gauge;
  readonly cbRqRetryOpen: Gauge;
  readonly rqTime: Histogram;
  readonly cxConnectMs: Histogram;
  readonly ejectionsActive: Gauge;
  readonly ejectionsEnforcedTotal: Counter;
  readonly ejectionsOverflow: Counter;
  readonly ejectionsEnforcedConsecutive5xx: Counter;
  readonly ejectionsDetectedConsecutive5xx: Counter;
  readonly ejectionsEnforcedGatewayFailure: Counter;
  readonly ejectionsDetectedGatewayFailure: Counter;
  readonly hcAttempt: Counter;
  readonly hcSuccess: Counter;
  readonly hcFailure: Counter;
  readonly hcNetworkFailure: Counter;
  readonly hcHealthy: Gauge;
  #ssl: ClusterSslStats | undefined;

  constructor(store: StatsStore, clusterName: string) {
    this.#store = store;
    const p = (this.#prefix = `cluster.${clusterName}.`);
    const c = (n: string): Counter => store.counter(p + n);
    const g = (n: string): Gauge => store.gauge(p + n);
    this.rqTotal = c('upstream_rq_total');
    this.rqCompleted = c('upstream_rq_completed');
    this.rqTimeout = c('upstream_rq_timeout');
    this.rqPerTryTimeout = c('upstream_rq_per_try_timeout');
    this.rqRetry = c('upstream_rq_retry');
    this.rqRetrySuccess = c('upstream_rq_retry_success');
    this.rqRetryLimitExceeded = c('upstream_rq_retry_limit_exceeded');
    this.rqRetryOverflow = c('upstream_rq_retry_overflow');
    this.rqPendingTotal = c('upstream_rq_pending_total');
    this.rqPendingOverflow = c('upstream_rq_pending_overflow');
    this.rqCancelled = c('upstream_rq_cancelled');
    this.rqRxReset = c('upstream_rq_rx_reset');
    this.rqTxReset = c('upstream_rq_tx_reset');
    this.cxTotal = c('upstream_cx_total');
    this.cxConnectFail = c('upstream_cx_connect_fail');
    this.cxConnectTimeout = c('upstream_cx_connect_timeout');
    this.cxOverflow = c('upstream_cx_overflow');
    this.cxNoneHealthy = c('upstream_cx_none_healthy');
    this.cxRxBytes = c('upstream_cx_rx_bytes_total');
    this.cxTxBytes = c('upstream_cx_tx_bytes_total');
    this.membershipChange = c('membership_change');
    this.updateSuccess = c('update_success');
    this.rqActive = g('upstream_rq_active');
    this.rqPendingActive = g('upstream_rq_pending_active');
    this.cxActive = g('upstream_cx_active');
    this.membershipTotal = g('membership_total');
    this.membershipHealthy = g('membership_healthy');
    this.cbCxOpen = g('circuit_breakers.default.cx_open');
    this.cbRqPendingOpen = g('circuit_breakers.default.rq_pending_open');
    this.cbRqOpen = g('circuit_breakers.default.rq_open');
    this.cbRqRetryOpen = g('circuit_breakers.default.rq_retry_open');
    this.rqTime = store.histogram(`${p}upstream_rq_time`);
    this.cxConnectMs = store.histogram(`${p}upstream_cx_connect_ms`);
    this.ejectionsActive = g('outlier_detection.ejections_active');
    this.ejectionsEnforcedTotal = c('outlier_detection.ejections_enforced_total');
    this.ejectionsOverflow = c('outlier_detection.ejections_overflow');
    this.ejectionsEnforcedConsecutive5xx = c('outlier_detection.ejections_enforced_consecutive_5xx');
    this.ejectionsDetectedConsecutive5xx = c('outlier_detection.ejections_detected_consecutive_5xx');
    this.ejectionsEnforcedGatewayFailure = c(
      'outlier_detection.ejections_enforced_consecutive_gateway_failure',
    );
    this.ejectionsDetectedGatewayFailure = c(
      'outlier_detection.ejections_detected_consecutive_gateway_failure',
    );
    this.hcAttempt = c('health_check.attempt');
    this.hcSuccess = c('health_check.success');
    this.hcFailure = c('health_check.failure');
    this.hcNetworkFailure = c('health_check.network_failure');
    this.hcHealthy = g('health_check.healthy');
  }

  /** The `ssl.*` stats, made on first use: like Envoy, only clusters that originate TLS have them. */
  get ssl(): ClusterSslStats {
    return (this.#ssl ??= new ClusterSslStats(this.#store, `${this.#prefix}ssl.`));
  }

  /** A final (non-retried) upstream response: `upstream_rq_<code>` and `upstream_rq_<N>xx`. */
  recordResponse(status: number, elapsedMs: number): void {
    this.rqCompleted.value++;
    this.#code(this.#byCode, this.#byClass, '', status);
    this.rqTime.record(elapsedMs);
  }

  /** A response that was retried: Envoy counts it under `retry.upstream_rq_*`. */
  recordRetriedResponse(status: number): void {
    this.#code(this.#retryByCode, this.#retryByClass, 'retry.', status);
  }

  #code(byCode: (Counter | undefined)[], byClass: Counter[], scope: string, status: number): void {
    let counter = byCode[status];
    if (!counter)
      byCode[status] = counter = this.#store.counter(`${this.#prefix}${scope}upstream_rq_${status}`);
    counter.value++;
    const cls = Math.floor(status / 100);
    let classCounter = byClass[cls];
    if (!classCounter)
      byClass[cls] = classCounter = this.#store.counter(`${this.#prefix}${scope}upstream_rq_${cls}xx`);
    classCounter.value++;
  }
}
