// One HTTP/1.1 attempt: the request sink the router writes into, and the response it settles with.
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type {
  AttemptFailureReason,
  AttemptOutcome,
  RequestSink,
  UpstreamExchange,
  UpstreamRequestHead,
  UpstreamResponse,
} from './exchange.ts';
import type { Http1Connection } from './http1-connection.ts';
import { framingFor, requestHead } from './http1-request-head.ts';
import type { RequestFraming } from './http1-request-head.ts';

/** Body bytes kept while the attempt waits for a connection before `write` asks the router to wait. */
const queuedHighWaterMark = 64 * 1024;
const lastChunk = '0\r\n\r\n';

/** The response body; reading more resumes the connection, destroying it mid-way closes the connection. */
class Http1ResponseBody extends Readable {
  readonly #exchange: Http1Exchange;
  constructor(exchange: Http1Exchange) {
    super();
    this.#exchange = exchange;
  }
  override _read(): void {
    this.#exchange.connection?.resumeReading();
  }
  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#exchange.bodyDestroyed();
    callback(err);
  }
}

/** Bytes of an answer kept before anyone reads it, beyond which the connection stops reading. */
const unreadHighWaterMark = 64 * 1024;

class Http1Response implements UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly mayHaveTrailers = false;
  readonly endStream = false;
  readonly #exchange: Http1Exchange;
  trailerFields: IncomingHttpHeaders | undefined;
  // Body bytes are kept here until the router either takes them whole or asks for a stream.
  #chunks: Buffer[] = [];
  #bytes = 0;
  #ended = false;
  #failure: Error | undefined;
  #stream: Http1ResponseBody | undefined;
  #taken = false;

  constructor(status: number, headers: IncomingHttpHeaders, exchange: Http1Exchange) {
    this.status = status;
    this.headers = headers;
    this.#exchange = exchange;
  }

  get body(): Http1ResponseBody {
    let stream = this.#stream;
    if (stream === undefined) {
      stream = this.#stream = new Http1ResponseBody(this.#exchange);
      for (const c of this.#chunks) stream.push(c);
      this.#chunks = [];
      if (this.#failure !== undefined) stream.destroy(this.#failure);
      else if (this.#ended) stream.push(null);
    }
    return stream;
  }

  takeCompleteBody(): readonly Buffer[] | undefined {
    if (!this.#ended || this.#stream !== undefined || this.#failure !== undefined || this.#taken)
      return undefined;
    this.#taken = true;
    return this.#chunks;
  }

  /** Returns false when the reader is saturated (the connection pauses). */
  push(chunk: Buffer): boolean {
    const stream = this.#stream;
    if (stream !== undefined) return stream.destroyed || stream.push(chunk);
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    return this.#bytes < unreadHighWaterMark;
  }

  end(trailers: IncomingHttpHeaders | undefined): void {
    this.trailerFields = trailers;
    this.#ended = true;
    const stream = this.#stream;
    if (stream !== undefined && !stream.destroyed) stream.push(null);
  }

  /** The answer was cut short (or abandoned): a reader sees an error. */
  fail(cause: Error | undefined): void {
    if (this.#ended) return;
    const err = cause ?? new Error('upstream connection closed mid-response');
    const stream = this.#stream;
    if (stream === undefined) this.#failure = err;
    else if (!stream.destroyed) stream.destroy(err);
  }

  trailers(): IncomingHttpHeaders | undefined {
    return this.trailerFields;
  }
}

export class Http1Exchange implements UpstreamExchange, RequestSink {
  readonly body: RequestSink = this;
  readonly outcome: Promise<AttemptOutcome>;
  readonly head: UpstreamRequestHead;
  readonly headRequest: boolean;
  /** Set while the attempt owns a connection. */
  connection: Http1Connection | undefined;
  /** Every request byte has been handed to the socket. */
  requestDone = false;
  /** Some response byte arrived: a failure after that is not a stale keep-alive connection. */
  responseStarted = false;
  /** The attempt is over for the connection (response finished, or failed). */
  finished = false;
  #resolve!: (o: AttemptOutcome) => void;
  #settled = false;
  #response: Http1Response | undefined;
  #framing: RequestFraming | undefined;
  #queued: Buffer[] | undefined;
  #queuedBytes = 0;
  #queuedEnd = false;
  #drainWaiters: (() => void)[] | undefined;
  #onAbort: ((exchange: Http1Exchange) => void) | undefined;

  constructor(head: UpstreamRequestHead, onAbort: (exchange: Http1Exchange) => void) {
    this.head = head;
    this.headRequest = head.method === 'HEAD';
    this.#onAbort = onAbort;
    this.outcome = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** The pool hands the attempt a connection: anything written meanwhile goes out now. */
  attach(connection: Http1Connection): void {
    this.connection = connection;
    const queued = this.#queued;
    this.#queued = undefined;
    this.#queuedBytes = 0;
    if (queued !== undefined) for (const chunk of queued) this.#send(chunk);
    if (this.#queuedEnd) this.#finishRequest();
    if (queued !== undefined) this.drained();
  }

  write(chunk: Buffer): boolean {
    if (this.requestDone || this.finished) return true;
    const connection = this.connection;
    if (connection === undefined) {
      (this.#queued ??= []).push(chunk);
      this.#queuedBytes += chunk.length;
      return this.#queuedBytes < queuedHighWaterMark;
    }
    return this.#send(chunk);
  }

  end(): void {
    if (this.requestDone || this.finished) return;
    if (this.connection === undefined) this.#queuedEnd = true;
    else this.#finishRequest();
  }

  once(_event: 'drain', listener: () => void): this {
    (this.#drainWaiters ??= []).push(listener);
    return this;
  }

  /** The socket took its buffered bytes (or the queue was flushed): wake a waiting writer. */
  drained(): void {
    const waiters = this.#drainWaiters;
    if (waiters === undefined) return;
    this.#drainWaiters = undefined;
    for (const w of waiters) w();
  }

  #send(chunk: Buffer): boolean {
    const socket = (this.connection as Http1Connection).socket;
    if (chunk.length === 0) return socket.writableLength < socket.writableHighWaterMark;
    socket.cork();
    if (this.#framing === undefined) {
      this.#framing = framingFor(this.head.method, this.head.headers, true);
      socket.write(this.#headString(), 'latin1');
    }
    if (this.#framing === 'chunked') {
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      socket.write('\r\n', 'latin1');
    } else socket.write(chunk);
    socket.uncork();
    return socket.writableLength < socket.writableHighWaterMark;
  }

  #finishRequest(): void {
    const connection = this.connection as Http1Connection;
    const socket = connection.socket;
    if (this.#framing === undefined) {
      this.#framing = framingFor(this.head.method, this.head.headers, false);
      socket.write(this.#headString(), 'latin1');
    } else if (this.#framing === 'chunked') socket.write(lastChunk, 'latin1');
    this.requestDone = true;
    connection.requestSent();
  }

  #headString(): string {
    const h = this.head;
    return requestHead(h.method, h.path, h.authority, h.headers, this.#framing ?? 'none');
  }

  // Connection events, in order: onHead, onBody*, onEnd; or onFailure at any point.

  onHead(status: number, headers: IncomingHttpHeaders): void {
    const response = new Http1Response(status, headers, this);
    this.#response = response;
    this.#settle({ kind: 'response', response });
  }

  /** Returns false when the reader is saturated (the connection pauses). */
  onBody(chunk: Buffer): boolean {
    return this.#response?.push(chunk) ?? true;
  }

  onEnd(trailers: IncomingHttpHeaders | undefined): void {
    this.finished = true;
    this.#response?.end(trailers);
  }

  /** The connection failed or closed while the attempt was using it. */
  onFailure(reason: AttemptFailureReason, staleConnection: boolean, cause?: Error): void {
    this.finished = true;
    this.connection = undefined;
    this.#settle({ kind: 'failure', reason, staleConnection, cause });
    this.#response?.fail(cause);
    this.drained();
  }

  bodyDestroyed(): void {
    // The router gave up on the response before its end: the connection cannot carry another request.
    if (!this.finished) this.abort('cancelled');
  }

  abort(reason: AttemptFailureReason): void {
    const wasFinished = this.finished;
    this.finished = true;
    this.#settle({ kind: 'failure', reason, staleConnection: false });
    const connection = this.connection;
    this.connection = undefined;
    if (connection !== undefined) {
      // Mid-request or mid-response the connection's framing is lost; after a clean finish it is not ours.
      if (!wasFinished || !this.requestDone) connection.destroy();
    } else this.#onAbort?.(this);
    this.#onAbort = undefined;
    this.#response?.fail(new Error(`attempt aborted: ${reason}`));
  }

  #settle(o: AttemptOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(o);
  }
}
