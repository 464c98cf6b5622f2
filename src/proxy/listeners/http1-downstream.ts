// One request and its response on an HTTP/1.1 connection of our own server: the request head and body as the
// router reads them, and a response written straight to the socket with the framing the request allows.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { MatchRequest } from '../config/match-request.ts';
import type { BodySink, Downstream } from '../http/downstream.ts';
import type { RequestHead } from '../http1/http1-request-parser.ts';
import { declaredLength, hasLineBreak, responseHead } from './http1-response-head.ts';
import type { PathNormalization } from '../http/normalize-path.ts';
import type { DownstreamTls } from '../tls/peer-identity.ts';
import { parseRequestTarget, type HostPortStrip } from './parse-request-target.ts';

/** What a downstream needs from its connection. */
export interface DownstreamConnection {
  readonly socket: Socket;
  /** The connection's TLS; undefined for plaintext. */
  readonly tls: DownstreamTls | undefined;
  /** The request body was fully read. */
  readonly requestComplete: boolean;
  /** The connection is to close after this response (draining, or the client asked). */
  readonly closing: boolean;
  /** The body reader wants more: the connection resumes reading the socket. */
  resumeReading(): void;
  /** The response was written whole; `reusable` says whether the connection may carry another request. */
  responseDone(reusable: boolean): void;
}

/** The body of a request that has one; fed by the connection, read by the router. */
export class RequestBody extends Readable {
  readonly #connection: DownstreamConnection;
  constructor(connection: DownstreamConnection) {
    super();
    this.#connection = connection;
    // A body cut short ends the request through the connection's close; an unobserved 'error' would end the process.
    this.on('error', () => {});
  }
  override _read(): void {
    this.#connection.resumeReading();
  }
}

/** Shared by every request without a body: already ended, nothing to read. */
const noBody = new Readable({ read() {} });
noBody.push(null);
noBody.resume();

export class Http1Downstream implements Downstream, BodySink {
  readonly protocol = 'HTTP/1.1';
  readonly request: MatchRequest;
  readonly body: Readable;
  readonly bodyless: boolean;
  readonly #connection: DownstreamConnection;
  readonly #socket: Socket;
  readonly #head: RequestHead;
  #started = false;
  #finished = false;
  #aborted = false;
  #chunked = false;
  #keepAlive: boolean;
  /** Body bytes still owed to a Content-Length; -1 when the length is not declared. */
  #owed = -1;
  /**
   * The response head, held until the body's first bytes so that both leave in one write (a whole answer is one
   * buffer and one system call, without the socket's cork machinery); flushed alone at the end of the tick when
   * no body comes in it.
   */
  #heldHead = '';
  #onAbort: (() => void) | undefined;

  /** Throws InvalidPathError when the path cannot be normalized. */
  constructor(
    connection: DownstreamConnection,
    head: RequestHead,
    strip: HostPortStrip,
    normalization?: PathNormalization,
  ) {
    this.#connection = connection;
    this.#socket = connection.socket;
    this.#head = head;
    this.#keepAlive = head.keepAlive;
    this.bodyless = head.bodyless;
    this.body = head.bodyless ? noBody : new RequestBody(connection);
    this.request = parseRequestTarget(
      head.method,
      head.target,
      head.headers.host,
      connection.tls === undefined ? 'http' : 'https',
      head.headers,
      strip,
      normalization,
    );
  }

  get tls(): DownstreamTls | undefined {
    return this.#connection.tls;
  }

  get remoteAddress(): string {
    return this.#socket.remoteAddress ?? '';
  }

  get localPort(): number {
    return this.#socket.localPort ?? 0;
  }

  get responseStarted(): boolean {
    return this.#started;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** The connection closed before the response was finished. */
  abort(): void {
    if (this.#finished || this.#aborted) return;
    this.#aborted = true;
    if (this.body !== noBody && !this.body.readableEnded) this.body.destroy();
    this.#onAbort?.();
  }

  /** Trailers need no announcing on HTTP/1.1: a chunked body carries them, a length-delimited one drops them. */
  respond(
    status: number,
    headers: OutgoingHttpHeaders,
    endStream: boolean,
    _trailersFollow = false,
  ): BodySink {
    if (this.#started || this.#aborted) return this;
    this.#started = true;
    const head = this.#head;
    const bodyless = endStream || head.method === 'HEAD' || status === 204 || status === 304 || status < 200;
    let declared = declaredLength(headers);
    if (declared === 'invalid') {
      // Not a length a client could frame by: drop it and frame the body ourselves.
      for (const name in headers) if (name.toLowerCase() === 'content-length') delete headers[name];
      declared = undefined;
    }
    // Answering before the request body is read leaves unread bytes on the connection: close it afterwards.
    if (!this.#connection.requestComplete || this.#connection.closing) this.#keepAlive = false;
    if (!bodyless) {
      if (declared !== undefined) this.#owed = declared;
      else if (head.minor === 1) this.#chunked = true;
      // An HTTP/1.0 client without a length: the body ends when the connection does.
      else this.#keepAlive = false;
    }
    const framing = {
      chunked: this.#chunked,
      close: !this.#keepAlive,
      http10: head.minor === 0,
      emptyBody: endStream && head.method !== 'HEAD' && status !== 204 && status !== 304 && status >= 200,
    };
    const socket = this.#socket;
    if (socket.destroyed) return this;
    const responseHeadText = responseHead(status, headers, framing);
    if (bodyless) {
      socket.write(responseHeadText, 'latin1');
      this.#complete();
      return this;
    }
    this.#heldHead = responseHeadText;
    process.nextTick(Http1Downstream.#flushHeldHeadOf, this);
    return this;
  }

  static #flushHeldHeadOf(ds: Http1Downstream): void {
    ds.#flushHeldHead();
  }

  /** Writes the head on its own if it is still held. */
  #flushHeldHead(): void {
    const head = this.#takeHeldHead();
    if (head !== '' && !this.#socket.destroyed) this.#socket.write(head, 'latin1');
  }

  /** The head not written yet ('' once it has been). */
  #takeHeldHead(): string {
    const head = this.#heldHead;
    this.#heldHead = '';
    return head;
  }

  write(chunk: Buffer): boolean {
    if (this.#finished || this.#aborted || chunk.length === 0) return true;
    const socket = this.#socket;
    if (socket.destroyed) return true;
    if (this.#owed >= 0) {
      if (chunk.length > this.#owed) {
        // More than the declared length would corrupt the next response on this connection.
        this.#keepAlive = false;
        chunk = chunk.subarray(0, this.#owed);
      }
      this.#owed -= chunk.length;
      if (chunk.length === 0) return true;
    }
    const head = this.#takeHeldHead();
    if (!this.#chunked) {
      if (head === '') return socket.write(chunk);
      if (chunk.length <= joinLimitBytes) return socket.write(joined(head, chunk));
      // A large first chunk is not worth copying: head and chunk still leave in one writev.
      socket.cork();
      socket.write(head, 'latin1');
      const more = socket.write(chunk);
      socket.uncork();
      return more;
    }
    socket.cork();
    socket.write(`${head}${chunk.length.toString(16)}\r\n`, 'latin1');
    socket.write(chunk);
    const more = socket.write('\r\n', 'latin1');
    socket.uncork();
    return more;
  }

  onDrain(callback: () => void): void {
    if (this.#socket.destroyed || this.#socket.writableLength === 0) queueMicrotask(callback);
    else this.#socket.once('drain', callback);
  }

  finish(trailers: IncomingHttpHeaders | undefined): void {
    if (this.#finished || this.#aborted || !this.#started) return;
    if (this.#chunked) {
      let tail = '0\r\n';
      for (const name in trailers) {
        const value = trailers[name];
        if (value === undefined || name.charCodeAt(0) === 58) continue;
        for (const v of Array.isArray(value) ? value : [value])
          if (!hasLineBreak(v)) tail += `${name}: ${v}\r\n`;
      }
      this.#socket.write(`${this.#takeHeldHead()}${tail}\r\n`, 'latin1');
    } else this.#flushHeldHead();
    // A body shorter than its declared length leaves the client waiting for bytes that will not come.
    if (this.#owed > 0) this.#keepAlive = false;
    this.#complete();
  }

  reset(): void {
    this.#finished = true;
    this.#socket.destroy();
  }

  onAbort(callback: () => void): void {
    this.#onAbort = callback;
  }

  #complete(): void {
    this.#finished = true;
    this.#connection.responseDone(this.#keepAlive);
  }
}

/** Up to this size the first body chunk is copied behind the head; beyond it the two go out as a writev. */
const joinLimitBytes = 16 * 1024;

/** A response head and the first body bytes as one buffer (from Node's pool for small answers). */
function joined(head: string, chunk: Buffer): Buffer {
  const headBytes = Buffer.byteLength(head, 'latin1');
  const out = Buffer.allocUnsafe(headBytes + chunk.length);
  out.write(head, 0, headBytes, 'latin1');
  chunk.copy(out, headBytes);
  return out;
}
