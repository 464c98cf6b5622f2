// One keep-alive HTTP/1.1 connection to an upstream host: carries one attempt at a time and parses its response.
import type { Socket } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClusterStats } from '../stats/cluster-stats.ts';
import type { ClientTls } from '../tls/client-tls.ts';
import type { AttemptFailureReason } from './exchange.ts';
import type { Http1Exchange } from './http1-exchange.ts';
import { Http1ResponseParser } from './http1-response-parser.ts';
import type { ResponseEvents, ResponseHead } from './http1-response-parser.ts';
import { connectFailureCause, connectUpstream } from './upstream-socket.ts';

const alpnHttp1 = ['http/1.1'];

/** What the connection tells its pool. */
export interface ConnectionOwner {
  /** The attempt is over and the connection may carry another one. */
  reusable(connection: Http1Connection): void;
  closed(connection: Http1Connection): void;
}

export class Http1Connection implements ResponseEvents {
  readonly socket: Socket;
  readonly #owner: ConnectionOwner;
  readonly #stats: ClusterStats;
  readonly #parser: Http1ResponseParser;
  #exchange: Http1Exchange | undefined;
  #connecting = true;
  #connectTimer: NodeJS.Timeout | undefined;
  #timedOut = false;
  #error: Error | undefined;
  #closed = false;
  /** Attempts this connection has completed: a failure on a reused connection may be a stale keep-alive. */
  #served = 0;
  #paused = false;
  /** When the connection last became idle (performance.now()). */
  idleSince = 0;

  constructor(
    address: string,
    port: number,
    connectTimeoutMs: number,
    stats: ClusterStats,
    owner: ConnectionOwner,
    tls: ClientTls | undefined,
  ) {
    this.#owner = owner;
    this.#stats = stats;
    this.#parser = new Http1ResponseParser(this);
    stats.cxTotal.value++;
    stats.cxActive.value++;
    const started = performance.now();
    const upstream = connectUpstream(address, port, tls, stats, { alpn: alpnHttp1 });
    const socket = (this.socket = upstream.socket);
    // The TLS handshake counts against the connect timeout, as in Envoy.
    this.#connectTimer = setTimeout(() => {
      this.#timedOut = true;
      stats.cxConnectTimeout.value++;
      socket.destroy(new Error(`connect timeout after ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    socket.once(upstream.readyEvent, () => {
      this.#connecting = false;
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
      stats.cxConnectMs.record(performance.now() - started);
    });
    socket.on('data', this.#onData);
    socket.on('drain', this.#onDrain);
    socket.on('end', this.#onEnd);
    socket.on('error', (err) => (this.#error ??= err));
    socket.once('close', this.#onClose);
  }

  get busy(): boolean {
    return this.#exchange !== undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts an attempt; the connection must be idle. */
  start(exchange: Http1Exchange): void {
    this.#exchange = exchange;
    this.#parser.expect(exchange.headRequest);
    exchange.attach(this);
  }

  /** The attempt's request is fully written; if its response is also done, the connection is free again. */
  requestSent(): void {
    const ex = this.#exchange;
    if (ex !== undefined && ex.finished && this.#parser.done) this.#complete(ex);
  }

  resumeReading(): void {
    if (this.#paused && !this.#closed) {
      this.#paused = false;
      this.socket.resume();
    }
  }

  destroy(): void {
    this.#parser.stop();
    this.socket.destroy();
  }

  // Parser events for the current attempt.

  onHead(head: ResponseHead): void {
    this.#exchange?.onHead(head.status, head.headers);
  }

  onBody(chunk: Buffer): void {
    const ex = this.#exchange;
    if (ex !== undefined && !ex.onBody(chunk) && !this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  onEnd(trailers: IncomingHttpHeaders | undefined): void {
    this.#exchange?.onEnd(trailers);
  }

  readonly #onData = (data: Buffer): void => {
    const ex = this.#exchange;
    if (ex === undefined || !this.#parser.active) {
      // Bytes nobody asked for: the framing of this connection cannot be trusted any more.
      this.socket.destroy();
      return;
    }
    ex.responseStarted = true;
    let consumed: number;
    try {
      consumed = this.#parser.execute(data);
    } catch (err) {
      this.#fail('reset', err as Error);
      return;
    }
    if (this.#exchange !== ex || !this.#parser.done) return;
    if (consumed < data.length || !ex.requestDone || !this.#parser.keepAlive) {
      // Trailing bytes, a request still being sent (the upstream answered early), or a close-delimited answer.
      ex.connection = undefined;
      this.#exchange = undefined;
      this.socket.destroy();
      return;
    }
    this.#complete(ex);
  };

  #complete(ex: Http1Exchange): void {
    ex.connection = undefined;
    this.#exchange = undefined;
    this.#served++;
    if (this.#paused) {
      this.#paused = false;
      this.socket.resume();
    }
    this.#owner.reusable(this);
  }

  readonly #onDrain = (): void => {
    this.#exchange?.drained();
  };

  readonly #onEnd = (): void => {
    try {
      this.#parser.finish();
    } catch (err) {
      this.#fail('reset', err as Error);
      return;
    }
    this.socket.destroy();
  };

  readonly #onClose = (): void => {
    this.#closed = true;
    clearTimeout(this.#connectTimer);
    const stats = this.#stats;
    stats.cxActive.value--;
    stats.cxRxBytes.value += this.socket.bytesRead;
    stats.cxTxBytes.value += this.socket.bytesWritten;
    const ex = this.#exchange;
    if (ex !== undefined && !(ex.finished && this.#parser.done)) {
      let reason: AttemptFailureReason = 'reset';
      if (this.#timedOut) reason = 'connect_timeout';
      else if (this.#connecting) {
        reason = 'connect_failure';
        stats.cxConnectFail.value++;
      }
      this.#fail(reason, this.#connecting ? connectFailureCause(this.socket, this.#error) : this.#error);
    }
    this.#exchange = undefined;
    this.#owner.closed(this);
  };

  #fail(reason: AttemptFailureReason, cause: Error | undefined): void {
    const ex = this.#exchange;
    this.#exchange = undefined;
    if (!this.socket.destroyed) this.socket.destroy();
    if (ex === undefined) return;
    const stale = reason === 'reset' && this.#served > 0 && !ex.responseStarted;
    ex.onFailure(reason, stale, cause);
  }
}
