// The `http.<stat_prefix>.` connection manager stats and `tcp.<stat_prefix>.` TCP proxy stats.
import type { Counter, Gauge, Histogram, StatsStore } from './stats-store.ts';

/** `http.<stat_prefix>.rbac.<rules_stat_prefix>allowed` / `denied`: decisions of the RBAC filters. */
export interface RbacStats {
  readonly allowed: Counter;
  readonly denied: Counter;
}

export class HttpStats {
  /** The proxy's store, for the listener-scoped stats of the listeners that serve this connection manager. */
  readonly store: StatsStore;
  readonly #prefix: string;
  readonly #byClass: Counter[] = [];
  readonly #rbac = new Map<string, RbacStats>();
  readonly rqTotal: Counter;
  readonly rqHttp1Total: Counter;
  readonly rqHttp2Total: Counter;
  readonly rqActive: Gauge;
  readonly rqCompleted: Counter;
  readonly rqTimeout: Counter;
  readonly rqIdleTimeout: Counter;
  readonly rqRxReset: Counter;
  readonly rqTxReset: Counter;
  readonly rqTime: Histogram;
  readonly cxTotal: Counter;
  readonly cxActive: Gauge;
  readonly cxProtocolError: Counter;
  /** Connections closed after `idle_timeout` without a request in progress (HTTP/1.1 or HTTP/2). */
  readonly cxIdleTimeout: Counter;
  /** Requests whose head was not complete within `request_headers_timeout` (answered 408). */
  readonly rqHeaderTimeout: Counter;
  /** HTTP/2 connections closed because the client reset too many of its streams early (rapid reset). */
  readonly rqTooManyPrematureResets: Counter;
  /** Times a connection stopped reading because the client was not reading its answers (and resumed). */
  readonly flowControlPausedReading: Counter;
  readonly flowControlResumedReading: Counter;
  readonly noRoute: Counter;
  readonly noCluster: Counter;
  readonly rqDirectResponse: Counter;

  constructor(store: StatsStore, statPrefix: string) {
    this.store = store;
    const p = (this.#prefix = `http.${statPrefix}.`);
    this.rqTotal = store.counter(`${p}downstream_rq_total`);
    this.rqHttp1Total = store.counter(`${p}downstream_rq_http1_total`);
    this.rqHttp2Total = store.counter(`${p}downstream_rq_http2_total`);
    this.rqActive = store.gauge(`${p}downstream_rq_active`);
    this.rqCompleted = store.counter(`${p}downstream_rq_completed`);
    this.rqTimeout = store.counter(`${p}downstream_rq_timeout`);
    this.rqIdleTimeout = store.counter(`${p}downstream_rq_idle_timeout`);
    this.rqRxReset = store.counter(`${p}downstream_rq_rx_reset`);
    this.rqTxReset = store.counter(`${p}downstream_rq_tx_reset`);
    this.rqTime = store.histogram(`${p}downstream_rq_time`);
    this.cxTotal = store.counter(`${p}downstream_cx_total`);
    this.cxActive = store.gauge(`${p}downstream_cx_active`);
    this.cxProtocolError = store.counter(`${p}downstream_cx_protocol_error`);
    this.cxIdleTimeout = store.counter(`${p}downstream_cx_idle_timeout`);
    this.rqHeaderTimeout = store.counter(`${p}downstream_rq_header_timeout`);
    this.rqTooManyPrematureResets = store.counter(`${p}downstream_rq_too_many_premature_resets`);
    this.flowControlPausedReading = store.counter(`${p}downstream_flow_control_paused_reading_total`);
    this.flowControlResumedReading = store.counter(`${p}downstream_flow_control_resumed_reading_total`);
    this.noRoute = store.counter(`${p}no_route`);
    this.noCluster = store.counter(`${p}no_cluster`);
    this.rqDirectResponse = store.counter(`${p}rq_direct_response`);
  }

  /** Made on first use, so a connection manager without an RBAC filter shows none (as in Envoy). */
  rbac(rulesStatPrefix: string): RbacStats {
    let s = this.#rbac.get(rulesStatPrefix);
    if (s === undefined) {
      const p = `${this.#prefix}rbac.${rulesStatPrefix}`;
      s = { allowed: this.store.counter(`${p}allowed`), denied: this.store.counter(`${p}denied`) };
      this.#rbac.set(rulesStatPrefix, s);
    }
    return s;
  }

  recordResponse(status: number, elapsedMs: number): void {
    this.rqCompleted.value++;
    const cls = Math.floor(status / 100);
    let c = this.#byClass[cls];
    if (!c) this.#byClass[cls] = c = this.store.counter(`${this.#prefix}downstream_rq_${cls}xx`);
    c.value++;
    this.rqTime.record(elapsedMs);
  }
}

export class TcpStats {
  /** The proxy's store, for the listener-scoped stats of the listeners that serve this TCP proxy. */
  readonly store: StatsStore;
  readonly cxTotal: Counter;
  readonly cxActive: Gauge;
  readonly rxBytes: Counter;
  readonly txBytes: Counter;
  readonly noRoute: Counter;
  readonly idleTimeout: Counter;

  constructor(store: StatsStore, statPrefix: string) {
    this.store = store;
    const p = `tcp.${statPrefix}.`;
    this.cxTotal = store.counter(`${p}downstream_cx_total`);
    this.cxActive = store.gauge(`${p}downstream_cx_active`);
    this.rxBytes = store.counter(`${p}downstream_cx_rx_bytes_total`);
    this.txBytes = store.counter(`${p}downstream_cx_tx_bytes_total`);
    this.noRoute = store.counter(`${p}downstream_cx_no_route`);
    this.idleTimeout = store.counter(`${p}idle_timeout`);
  }
}
