// One downstream HTTP/1.1 connection served by our own parser instead of node:http: requests are read one at a
// time (pipelined ones wait their turn), bodies stream with back-pressure, responses go straight to the socket.
// Cheaper per request than node:http's IncomingMessage/ServerResponse pair, which is most of a proxy's own work.
import type { Socket } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock, TimerHandle } from '../clock.ts';
import { InvalidPathError, type PathNormalization } from '../http/normalize-path.ts';
import { Http1TooLargeError } from '../http1/http1-fields.ts';
import { Http1RequestParser, type RequestHead } from '../http1/http1-request-parser.ts';
import { Http1Downstream, type DownstreamConnection } from './http1-downstream.ts';
import type { HostPortStrip } from './parse-request-target.ts';
import type { DownstreamTls } from '../tls/peer-identity.ts';

export interface Http1ServerSettings {
  /** Called with every request, in order. */
  readonly onRequest: (ds: Http1Downstream) => void;
  /** A request that could not be parsed (answered 400 and closed). */
  readonly onProtocolError: () => void;
  /** The connection closed after `idleTimeoutMs` without a request in progress. */
  readonly onIdleTimeout: () => void;
  /** A request head was not complete in time (answered 408 and closed). */
  readonly onHeadersTimeout: () => void;
  /** Reading stopped (`true`) because the client does not read its answers, or resumed (`false`). */
  readonly onReadingPaused: (paused: boolean) => void;
  /** How the authority's port is stripped, read per request from the listener's current config. */
  readonly strip: () => HostPortStrip;
  /** How the path is normalized before routing, read per request (none when absent). */
  readonly pathNormalization?: () => PathNormalization;
  /** Fields per request head or trailer section; more is answered 431 (default 100, Envoy's). */
  readonly maxHeadersCount?: number;
  /** A connection with no request in progress (idle keep-alive, or a head arriving) closes after this long; 0: never. */
  readonly idleTimeoutMs: number;
  /** A request head must be complete this long after its first byte (a client trickling it in gets 408); 0: no limit. */
  readonly headersTimeoutMs: number;
  readonly clock: Clock;
  /** The connection's TLS (undefined: plaintext). */
  readonly tls?: DownstreamTls;
}

const continueLine = 'HTTP/1.1 100 Continue\r\n\r\n';

export class Http1ServerConnection implements DownstreamConnection {
  readonly socket: Socket;
  readonly tls: DownstreamTls | undefined;
  readonly #settings: Http1ServerSettings;
  readonly #parser: Http1RequestParser;
  #current: Http1Downstream | undefined;
  /** Bytes after the current request (a pipelined next one), held until its response is done. */
  #held: Buffer | undefined;
  #closing = false;
  #paused = false;
  /** The current request has no body bytes to read (none declared, or a length of 0). */
  #bodyRead = false;
  /** When the first byte of the head being read arrived (clock time), -1 between requests. */
  #headStartedAt = -1;
  /** Armed only while a head arrives in several reads: most heads come whole in one. */
  #headTimer: TimerHandle | undefined;
  /** The next request waits until the client has read the answers already written (pipelining back-pressure). */
  #awaitingDrain = false;

  constructor(socket: Socket, settings: Http1ServerSettings) {
    this.socket = socket;
    this.tls = settings.tls;
    this.#settings = settings;
    this.#parser = new Http1RequestParser(
      {
        onHead: (head) => this.#onHead(head),
        onBody: (chunk) => this.#onBody(chunk),
        onEnd: (trailers) => this.#onEnd(trailers),
      },
      { maxHeadersCount: settings.maxHeadersCount },
    );
    this.#parser.expectRequest();
    if (settings.idleTimeoutMs > 0)
      socket.setTimeout(settings.idleTimeoutMs, () => {
        if (this.#current !== undefined) return;
        settings.onIdleTimeout();
        socket.destroy();
      });
    socket.on('data', this.#onData);
    socket.on('error', () => {});
    socket.once('close', () => {
      this.#closing = true;
      this.#headTimer?.cancel();
      this.#current?.abort();
    });
  }

  get requestComplete(): boolean {
    return this.#bodyRead || this.#parser.done;
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Idle now: the connection can go at once (listener drain). */
  get idle(): boolean {
    return this.#current === undefined;
  }

  /** Stops taking requests: an idle connection closes now, a busy one after its response. */
  closeWhenIdle(): void {
    this.#closing = true;
    if (this.#current === undefined && !this.#parser.inBody) this.socket.destroySoon();
  }

  /** The request being read (or the next one) is the last: its response says Connection: close. */
  closeAfterCurrent(): void {
    this.#closing = true;
  }

  resumeReading(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.socket.resume();
  }

  responseDone(reusable: boolean): void {
    this.#current = undefined;
    this.#bodyRead = false;
    if (!reusable || this.#closing) {
      this.#closing = true;
      // Flush the answer, then free the connection even if the client never closes its side (node:http's
      // destroySoon); unread request bytes are not worth waiting for.
      this.socket.destroySoon();
      return;
    }
    // The next request is taken up after this tick: the answer may have been given from inside the parser's
    // callback for the head (a local reply), and the router still finishes its bookkeeping in this one.
    process.nextTick(this.#nextRequest);
  }

  readonly #nextRequest = (): void => {
    const socket = this.socket;
    if (socket.destroyed || this.#current !== undefined) return;
    socket.setTimeout(this.#settings.idleTimeoutMs);
    if (socket.writableNeedDrain) {
      // The client is not reading its answers: take up no further request (pipelined or not) until it does,
      // so answers cannot pile up in memory. The idle timeout still runs while nothing moves.
      if (!this.#awaitingDrain) {
        this.#awaitingDrain = true;
        this.#settings.onReadingPaused(true);
        if (!this.#paused) {
          this.#paused = true;
          socket.pause();
        }
        socket.once('drain', this.#drained);
      }
      return;
    }
    this.#parser.expectRequest();
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) this.#onData(held);
    // More pipelined bytes may have been held again behind the request just taken up: those wait for its answer.
    if (this.#held === undefined) this.resumeReading();
  };

  readonly #drained = (): void => {
    this.#awaitingDrain = false;
    this.#settings.onReadingPaused(false);
    this.#nextRequest();
  };

  readonly #onData = (data: Buffer): void => {
    if ((this.#current !== undefined && this.#parser.done) || this.#awaitingDrain) {
      // A pipelined request while the current one is still being answered: keep it for later.
      this.#hold(data);
      return;
    }
    const readingHead = this.#current === undefined;
    if (readingHead && this.#headStartedAt < 0) this.#headStartedAt = this.#settings.clock.now();
    let consumed: number;
    try {
      consumed = this.#parser.execute(data);
    } catch (error) {
      this.#protocolError(error);
      return;
    }
    if (consumed < data.length) this.#hold(data.subarray(consumed));
    // Still inside the head after this read: from now on a timer bounds it, however the rest trickles in.
    if (readingHead && this.#current === undefined && this.#headStartedAt >= 0) this.#armHeadTimer();
  };

  #armHeadTimer(): void {
    const limitMs = this.#settings.headersTimeoutMs;
    if (this.#headTimer !== undefined || limitMs <= 0 || this.#closing) return;
    const elapsedMs = this.#settings.clock.now() - this.#headStartedAt;
    this.#headTimer = this.#settings.clock.setTimer(this.#headTimedOut, limitMs - elapsedMs);
  }

  readonly #headTimedOut = (): void => {
    this.#headTimer = undefined;
    if (this.#current !== undefined || this.socket.destroyed) return;
    this.#settings.onHeadersTimeout();
    // Envoy's local reply for request_headers_timeout.
    this.#closing = true;
    this.#parser.stop();
    this.socket.write(
      'HTTP/1.1 408 Request Timeout\r\ncontent-length: 22\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nrequest header timeout',
      'latin1',
    );
    this.socket.destroySoon();
  };

  #hold(data: Buffer): void {
    this.#held = this.#held === undefined ? data : Buffer.concat([this.#held, data]);
    if (!this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  #onHead(head: RequestHead): void {
    this.#headStartedAt = -1;
    if (this.#headTimer !== undefined) {
      this.#headTimer.cancel();
      this.#headTimer = undefined;
    }
    if (head.method === 'CONNECT') {
      // No tunnelling: what follows would be another protocol's bytes, not requests.
      this.#reject('405 Method Not Allowed');
      return;
    }
    this.socket.setTimeout(0);
    this.#bodyRead = head.bodyless || head.headers['content-length'] === '0';
    if (!head.keepAlive) this.#closing = true;
    let ds: Http1Downstream;
    try {
      ds = new Http1Downstream(this, head, this.#settings.strip(), this.#settings.pathNormalization?.());
    } catch (error) {
      if (!(error instanceof InvalidPathError)) throw error;
      // Envoy's path_normalization_failed: 400 before routing.
      this.#reject('400 Bad Request');
      return;
    }
    this.#current = ds;
    if (head.expectContinue) this.socket.write(continueLine, 'latin1');
    this.#settings.onRequest(ds);
  }

  #onBody(chunk: Buffer): void {
    const body = this.#current?.body;
    if (body === undefined || body.destroyed) return;
    if (!body.push(chunk) && !this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  #onEnd(_trailers: IncomingHttpHeaders | undefined): void {
    const ds = this.#current;
    if (ds !== undefined && !ds.bodyless && !ds.body.destroyed) ds.body.push(null);
  }

  #protocolError(error: unknown): void {
    this.#settings.onProtocolError();
    const ds = this.#current;
    if (ds !== undefined) {
      // The body was malformed mid-way: the request cannot be completed. Destroying the socket aborts it.
      ds.body.destroy();
      this.socket.destroy();
      return;
    }
    this.#reject(
      error instanceof Http1TooLargeError ? '431 Request Header Fields Too Large' : '400 Bad Request',
    );
  }

  /** Answers a request that will not be served with `status` (code and reason) and closes the connection. */
  #reject(status: string): void {
    this.#closing = true;
    this.#parser.stop();
    this.socket.write(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, 'latin1');
    this.socket.destroySoon();
  }
}
