// The `listener.<address>.` stats: connections a listener accepted, refused over its limit, or timed out sniffing,
// and its TLS handshakes (`ssl.*`, Envoy's names).
import type { Counter, Gauge, StatsStore } from './stats-store.ts';

export class ListenerStats {
  readonly cxTotal: Counter;
  readonly cxActive: Gauge;
  /** Refused because the listener already held its connection limit. */
  readonly cxOverflow: Counter;
  /** Closed while the protocol was still being sniffed (nothing, or only part of a preface, arrived in time). */
  readonly preCxTimeout: Counter;
  readonly preCxActive: Gauge;
  /** No filter chain took the connection (plaintext on a STRICT TLS listener). */
  readonly noFilterChainMatch: Counter;
  /** TLS handshakes that completed and passed verification. */
  readonly sslHandshake: Counter;
  /** Handshakes that failed, verification failures included. */
  readonly sslConnectionError: Counter;
  /** Completed handshakes whose client sent no certificate (none was required). */
  readonly sslNoCertificate: Counter;
  readonly sslFailVerifyNoCert: Counter;
  /** The client certificate's chain did not verify against the trust bundle (or had expired). */
  readonly sslFailVerifyError: Counter;
  readonly sslFailVerifySan: Counter;

  /** `address` is Envoy's listener stat scope: `<ip>_<port>` (`127.0.0.1_15000`, `[::1]_15000`). */
  constructor(store: StatsStore, address: string) {
    const p = `listener.${address}.`;
    this.cxTotal = store.counter(`${p}downstream_cx_total`);
    this.cxActive = store.gauge(`${p}downstream_cx_active`);
    this.cxOverflow = store.counter(`${p}downstream_cx_overflow`);
    this.preCxTimeout = store.counter(`${p}downstream_pre_cx_timeout`);
    this.preCxActive = store.gauge(`${p}downstream_pre_cx_active`);
    this.noFilterChainMatch = store.counter(`${p}no_filter_chain_match`);
    this.sslHandshake = store.counter(`${p}ssl.handshake`);
    this.sslConnectionError = store.counter(`${p}ssl.connection_error`);
    this.sslNoCertificate = store.counter(`${p}ssl.no_certificate`);
    this.sslFailVerifyNoCert = store.counter(`${p}ssl.fail_verify_no_cert`);
    this.sslFailVerifyError = store.counter(`${p}ssl.fail_verify_error`);
    this.sslFailVerifySan = store.counter(`${p}ssl.fail_verify_san`);
  }
}

/** Envoy's stat scope for a listener bound on `host:port`. */
export function listenerStatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]_${port}` : `${host}_${port}`;
}
