// The `listener.<address>.` stats: connections a listener accepted, refused over its limit, or timed out sniffing.
import type { Counter, Gauge, StatsStore } from './stats-store.ts';

export class ListenerStats {
  readonly cxTotal: Counter;
  readonly cxActive: Gauge;
  /** Refused because the listener already held its connection limit. */
  readonly cxOverflow: Counter;
  /** Closed while the protocol was still being sniffed (nothing, or only part of a preface, arrived in time). */
  readonly preCxTimeout: Counter;
  readonly preCxActive: Gauge;

  /** `address` is Envoy's listener stat scope: `<ip>_<port>` (`127.0.0.1_15000`, `[::1]_15000`). */
  constructor(store: StatsStore, address: string) {
    const p = `listener.${address}.`;
    this.cxTotal = store.counter(`${p}downstream_cx_total`);
    this.cxActive = store.gauge(`${p}downstream_cx_active`);
    this.cxOverflow = store.counter(`${p}downstream_cx_overflow`);
    this.preCxTimeout = store.counter(`${p}downstream_pre_cx_timeout`);
    this.preCxActive = store.gauge(`${p}downstream_pre_cx_active`);
  }
}

/** Envoy's stat scope for a listener bound on `host:port`. */
export function listenerStatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]_${port}` : `${host}_${port}`;
}
