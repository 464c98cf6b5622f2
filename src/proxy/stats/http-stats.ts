// The `http.<stat_prefix>.` connection manager stats and `tcp.<stat_prefix>.` TCP proxy stats.
import type { Counter, Gauge, Histogram, StatsStore } from './stats-store.ts';

export class HttpStats {
  readonly #store: StatsStore;
  readonly #prefix: string;
  readonly #byClass: Counter[] = [];
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
  readonly noRoute: Counter;
  readonly noCluster: Counter;
  readonly rqDirectResponse: Counter;

  constructor(store: StatsStore, statPrefix: string) {
    this.#store = store;
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
    this.noRoute = store.counter(`${p}no_route`);
    this.noCluster = store.counter(`${p}no_cluster`);
    this.rqDirectResponse = store.counter(`${p}rq_direct_response`);
  }

  recordResponse(status: number, elapsedMs: number): void {
    this.rqCompleted.value++;
    const cls = Math.floor(status / 100);
    let c = this.#byClass[cls];
    if (!c) this.#byClass[cls] = c = this.#store.counter(`${this.#prefix}downstream_rq_${cls}xx`);
    c.value++;
    this.rqTime.record(elapsedMs);
  }
}

export class TcpStats {
  readonly cxTotal: Counter;
  readonly cxActive: Gauge;
  readonly rxBytes: Counter;
  readonly txBytes: Counter;
  readonly noRoute: Counter;
  readonly idleTimeout: Counter;

  constructor(store: StatsStore, statPrefix: string) {
    const p = `tcp.${statPrefix}.`;
    this.cxTotal = store.counter(`${p}downstream_cx_total`);
    this.cxActive = store.gauge(`${p}downstream_cx_active`);
    this.rxBytes = store.counter(`${p}downstream_cx_rx_bytes_total`);
    this.txBytes = store.counter(`${p}downstream_cx_tx_bytes_total`);
    this.noRoute = store.counter(`${p}downstream_cx_no_route`);
    this.idleTimeout = store.counter(`${p}idle_timeout`);
  }
}
