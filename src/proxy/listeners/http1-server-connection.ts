// One downstream HTTP/1.1 connection served by our own parser instead of node:http: requests are read one at a
// time (pipelined ones wait their turn), bodies stream with back-pressure, responses go straight to the socket.
// Cheaper per request than node:http's IncomingMessage/ServerResponse pair, which is most of a proxy's own work.
import type { Socket } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidPathError, type PathNormalization } from '../http/normalize-path.ts';
import { Http1TooLargeError } from '../http1/http1-fields.ts';
import { Http1RequestParser, type RequestHead } from '../http1/http1-request-parser.ts';
import { Http1Downstream, type DownstreamConnection } from './http1-downstream.ts';
import type { HostPortStrip } from './parse-request-target.ts';

export interface Http1ServerSettings {
  /** Called with every request, in order. */
  readonly onRequest: (ds: Http1Downstream) => void;
  /** A request that could not be parsed (answered 400 and closed). */
  readonly onProtocolError: () => void;
  /** How the authority's port is stripped, read per request from the listener's current config. */
  readonly strip: () => HostPortStrip;
  /** How the path is normalized before routing, read per request (none when absent). */
  readonly pathNormalization?: () => PathNormalization;
  /** Fields per request head or trailer section; more is answered 431 (default 100, Envoy's). */
  readonly maxHeadersCount?: number;
  /** A connection with no request in progress (idle keep-alive, or a head arriving) closes after this long. */
  readonly idleTimeoutMs: number;
  /** A request head must be complete this long after its first byte (a client trickling it in gets 408). */
  readonly headersTimeoutMs: number;
}

const continueLine = 'HTTP/1.1 100 Continue\r\n\r\n';

export class Http1ServerConnection implements DownstreamConnection {
  readonly socket: Socket;
  readonly #settings: Http1ServerSettings;
  readonly #parser: Http1RequestParser;
  #current: Http1Downstream | undefined;
  /** Bytes after the current request (a pipelined next one), held until its response is done. */
  #held: Buffer | undefined;
  #closing = false;
  #paused = false;
  /** The current request has no body bytes to read (none declared, or a length of 0). */
  #bodyRead = false;
  /** When the first byte of the head being read arrived (performance.now()), 0 between requests. */
  #headStartedAt = 0;

  constructor(socket: Socket, settings: Http1ServerSettings) {
    this.socket = socket;
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
    socket.setTimeout(settings.idleTimeoutMs, () => {
      if (this.#current === undefined) socket.destroy();
    });
    socket.on('data', this.#onData);
    socket.on('error', () => {});
    socket.once('close', () => {
      this.#closing = true;
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
    if (this.socket.destroyed || this.#current !== undefined) return;
    this.socket.setTimeout(this.#settings.idleTimeoutMs);
    this.#parser.expectRequest();
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) this.#onData(held);
    // More pipelined bytes may have been held again behind the request just taken up: those wait for its answer.
    if (this.#held === undefined) this.resumeReading();
  };

  readonly #onData = (data: Buffer): void => {
    if (this.#current !== undefined && this.#parser.done) {
      // A pipelined request while the current one is still being answered: keep it for later.
      this.#hold(data);
      return;
    }
    if (this.#current === undefined) {
      const now = performance.now();
      if (this.#headStartedAt === 0) this.#headStartedAt = now;
      else if (now - this.#headStartedAt > this.#settings.headersTimeoutMs) {
        this.#reject('408 Request Timeout');
        return;
      }
    }
    let consumed: number;
    try {
      consumed = this.#parser.execute(data);
    } catch (error) {
      this.#protocolError(error);
      return;
    }
    if (consumed < data.length) this.#hold(data.subarray(consumed));
  };

  #hold(data: Buffer): void {
    this.#held = this.#held === undefined ? data : Buffer.concat([this.#held, data]);
    if (!this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  #onHead(head: RequestHead): void {
    this.#headStartedAt = 0;
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
