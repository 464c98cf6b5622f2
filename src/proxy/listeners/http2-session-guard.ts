// Bounds one downstream HTTP/2 session: closes it when idle, and sends GOAWAY to a client that resets its streams
// almost as soon as it opens them (HTTP/2 "rapid reset", CVE-2023-44487).
import http2 from 'node:http2';
import type { ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { HttpStats } from '../stats/http-stats.ts';

/** A stream reset within this long of opening counts as premature (Envoy's premature_reset_min_stream_lifetime). */
export const prematureResetLifetimeMs = 1_000;
/**
 * Envoy's premature_reset_total_stream_count: below this many closed streams a session goes once half of it has
 * been reset early; from then on, once more than half of all its closed streams were.
 */
export const prematureResetStreamCount = 500;

/**
 * node:http2 (nghttp2 1.57+) only rate-limits RST_STREAM frames to a burst of 1,000 and 33 a second: a client
 * staying under that still makes the proxy route, and start an upstream request for, every stream it cancels.
 */
export class Http2SessionGuard {
  readonly #session: ServerHttp2Session;
  readonly #stats: HttpStats;
  #open = 0;
  #closed = 0;
  #premature = 0;

  constructor(session: ServerHttp2Session, stats: HttpStats, idleTimeoutMs: number) {
    this.#session = session;
    this.#stats = stats;
    if (idleTimeoutMs > 0) session.setTimeout(idleTimeoutMs, this.#onIdle);
  }

  /** Every stream the session opens passes here before it is routed. */
  track(stream: ServerHttp2Stream): void {
    this.#open++;
    const openedAt = performance.now();
    stream.once('close', () => {
      this.#open--;
      this.#closed++;
      const reset = stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR;
      if (reset && performance.now() - openedAt < prematureResetLifetimeMs) {
        this.#premature++;
        this.#checkResets();
      }
    });
  }

  #checkResets(): void {
    const tooMany =
      this.#closed < prematureResetStreamCount
        ? this.#premature >= prematureResetStreamCount / 2
        : this.#premature * 2 > this.#closed;
    if (!tooMany || this.#session.destroyed) return;
    this.#stats.rqTooManyPrematureResets.value++;
    // Like Envoy, no graceful drain for an abusive client: GOAWAY, then the connection goes at once.
    this.#session.goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    this.#session.destroy();
  }

  readonly #onIdle = (): void => {
    // The timer counts quiet time on the connection; a quiet stream still in progress keeps it open.
    if (this.#open > 0 || this.#session.closed) return;
    this.#stats.cxIdleTimeout.value++;
    this.#session.close();
  };
}
