// Incremental HTTP/1.1 response parser for the upstream client: status line and headers, then a body framed by
// Content-Length, chunked coding or the connection's close, with chunked trailers.
import type { IncomingHttpHeaders } from 'node:http';

export interface ResponseHead {
  readonly status: number;
  /** Without hop-by-hop fields (Connection, Transfer-Encoding, ...), as a proxy forwards them. */
  readonly headers: IncomingHttpHeaders;
}

/** What the parser reports, in order: one head, body chunks, then the end (with trailers, if any). */
export interface ResponseEvents {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  onEnd(trailers: IncomingHttpHeaders | undefined): void;
}

export class ResponseParseError extends Error {
  override readonly name = 'ResponseParseError';
}

/** Envoy's default max_response_headers_kb is 60. */
const maxHeadBytes = 60 * 1024;
const crlfcrlf = Buffer.from('\r\n\r\n');

const phase = {
  idle: 0,
  head: 1,
  length: 2,
  chunkSize: 3,
  chunkData: 4,
  chunkEnd: 5,
  trailers: 6,
  untilClose: 7,
  done: 8,
} as const;
type State = (typeof phase)[keyof typeof phase];

// Node's rules for repeated response headers: these keep their first value, set-cookie becomes a list,
// everything else is joined with ", ".
const firstWins: ReadonlySet<string> = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

const tokenChar = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function addHeader(headers: IncomingHttpHeaders, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) {
    headers[name] = name === 'set-cookie' ? [value] : value;
    return;
  }
  if (name === 'set-cookie') (existing as string[]).push(value);
  else if (!firstWins.has(name)) headers[name] = `${existing as string}, ${value}`;
}

/** Hop-by-hop fields of a response head: read for framing, never forwarded. */
interface Framing {
  connection: string | undefined;
  transferEncoding: string | undefined;
}

// Connection-level fields a proxy does not forward (RFC 9110 §7.6.1).
const hopByHop: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'http2-settings',
]);

function joinField(prev: string | undefined, value: string): string {
  return prev === undefined ? value : `${prev}, ${value}`;
}

/**
 * Parses `name: value` lines of `text` (CRLF-separated, no final CRLF) into `headers`; throws on malformed ones.
 * With `framing`, hop-by-hop fields go there instead of into `headers`.
 */
function parseFields(text: string, start: number, headers: IncomingHttpHeaders, framing?: Framing): void {
  let pos = start;
  while (pos < text.length) {
    let eol = text.indexOf('\r\n', pos);
    if (eol < 0) eol = text.length;
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon > eol) throw new ResponseParseError('malformed header line');
    const rawName = text.slice(pos, colon);
    if (!tokenChar.test(rawName))
      throw new ResponseParseError(`invalid header name ${JSON.stringify(rawName)}`);
    // A bare CR or LF inside a line is how responses get split or smuggled; refuse it as llhttp does.
    const lf = text.indexOf('\n', pos);
    const cr = text.indexOf('\r', pos);
    if ((lf >= 0 && lf < eol) || (cr >= 0 && cr < eol))
      throw new ResponseParseError('invalid character in header value');
    let vs = colon + 1;
    let ve = eol;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    const value = text.slice(vs, ve);
    const name = rawName.toLowerCase();
    pos = eol + 2;
    if (framing !== undefined && hopByHop.has(name)) {
      if (name === 'connection') framing.connection = joinField(framing.connection, value);
      else if (name === 'transfer-encoding')
        framing.transferEncoding = joinField(framing.transferEncoding, value);
      continue;
    }
    if (name === 'content-length') {
      const prev = headers['content-length'];
      if (prev !== undefined && prev !== value) throw new ResponseParseError('conflicting content-length');
    }
    addHeader(headers, name, value);
  }
}

function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  const v = value.toLowerCase();
  if (v === token) return true;
  for (const part of v.split(',')) if (part.trim() === token) return true;
  return false;
}

export class Http1ResponseParser {
  readonly #events: ResponseEvents;
  #state: State = phase.idle;
  /** Bytes of an unfinished head, chunk-size line or trailer section. */
  #pending: Buffer | undefined;
  #remaining = 0;
  #headRequest = false;
  #keepAlive = true;
  #chunkEndSeen = 0;

  constructor(events: ResponseEvents) {
    this.#events = events;
  }

  /** Prepares for the response to the request just sent. */
  expect(headRequest: boolean): void {
    this.#state = phase.head;
    this.#pending = undefined;
    this.#headRequest = headRequest;
    this.#keepAlive = true;
  }

  /** Forgets any response in progress (the connection is being closed). */
  stop(): void {
    this.#state = phase.idle;
    this.#pending = undefined;
  }

  /** The response framing allows the connection to carry another request. Valid once the response is done. */
  get keepAlive(): boolean {
    return this.#keepAlive;
  }

  /** A response is expected or in progress. */
  get active(): boolean {
    return this.#state !== phase.idle && this.#state !== phase.done;
  }

  /** The head has been parsed and the body not yet finished. */
  get inBody(): boolean {
    return this.#state > phase.head && this.#state < phase.done;
  }

  get done(): boolean {
    return this.#state === phase.done;
  }

  /**
   * Feeds bytes from the connection. Returns how many were consumed: fewer than `data.length` only when the
   * response ended and bytes follow it (which a non-pipelining client never expects). Throws ResponseParseError.
   */
  execute(data: Buffer): number {
    let pos = 0;
    while (pos < data.length) {
      switch (this.#state) {
        case phase.idle:
        case phase.done:
          return pos;
        case phase.head:
          pos = this.#head(data, pos);
          break;
        case phase.length: {
          const n = Math.min(this.#remaining, data.length - pos);
          this.#remaining -= n;
          const chunk = pos === 0 && n === data.length ? data : data.subarray(pos, pos + n);
          pos += n;
          this.#events.onBody(chunk);
          if (this.#remaining === 0) this.#finish(undefined);
          break;
        }
        case phase.chunkSize:
          pos = this.#chunkSize(data, pos);
          break;
        case phase.chunkData: {
          const n = Math.min(this.#remaining, data.length - pos);
          this.#remaining -= n;
          const chunk = data.subarray(pos, pos + n);
          pos += n;
          this.#events.onBody(chunk);
          if (this.#remaining === 0) {
            this.#state = phase.chunkEnd;
            this.#chunkEndSeen = 0;
          }
          break;
        }
        case phase.chunkEnd: {
          const expected = this.#chunkEndSeen === 0 ? 13 : 10;
          if (data[pos] !== expected) throw new ResponseParseError('chunk data not followed by CRLF');
          pos++;
          if (++this.#chunkEndSeen === 2) this.#state = phase.chunkSize;
          break;
        }
        case phase.trailers:
          pos = this.#trailerSection(data, pos);
          break;
        case phase.untilClose:
          this.#events.onBody(pos === 0 ? data : data.subarray(pos));
          return data.length;
      }
    }
    return pos;
  }

  /** The connection was closed by the upstream: ends a close-delimited body, or throws if a response is cut short. */
  finish(): void {
    if (this.#state === phase.untilClose) {
      this.#keepAlive = false;
      this.#finish(undefined);
      return;
    }
    if (this.active) throw new ResponseParseError('connection closed before the response was complete');
  }

  #finish(trailers: IncomingHttpHeaders | undefined): void {
    this.#state = phase.done;
    this.#pending = undefined;
    this.#events.onEnd(trailers);
  }

  /** Joins buffered bytes with new ones and finds `\r\n\r\n`; returns [buffer, index of the terminator, base]. */
  #accumulate(data: Buffer, pos: number, limit: number): { buf: Buffer; end: number; from: number } {
    const prev = this.#pending;
    const buf = prev === undefined ? data : Buffer.concat([prev, data.subarray(pos)]);
    const from = prev === undefined ? pos : 0;
    const searchFrom = prev === undefined ? pos : Math.max(0, prev.length - 3);
    const end = buf.indexOf(crlfcrlf, searchFrom);
    if (end < 0) {
      if (buf.length - from > limit) throw new ResponseParseError('response head too large');
      this.#pending = from === 0 ? buf : buf.subarray(from);
    } else if (end - from > limit) throw new ResponseParseError('response head too large');
    return { buf, end, from };
  }

  #head(data: Buffer, pos: number): number {
    const prevLength = this.#pending?.length ?? 0;
    const { buf, end, from } = this.#accumulate(data, pos, maxHeadBytes);
    if (end < 0) return data.length;
    this.#pending = undefined;
    const text = buf.toString('latin1', from, end);
    // Where the head ends, in terms of `data`.
    const consumed = prevLength === 0 ? end + 4 : end + 4 - prevLength + pos;
    if (
      text.length < 12 ||
      !text.startsWith('HTTP/1.') ||
      text.charCodeAt(8) !== 32 ||
      (text.length > 12 && text.charCodeAt(12) !== 32 && text.charCodeAt(12) !== 13)
    )
      throw new ResponseParseError(`malformed status line ${JSON.stringify(text.slice(0, 40))}`);
    const minor = text.charCodeAt(7) - 48;
    const status = Number(text.slice(9, 12));
    if (minor < 0 || minor > 1 || !(status >= 100 && status <= 999) || text.charCodeAt(9) === 48)
      throw new ResponseParseError(`malformed status line ${JSON.stringify(text.slice(0, 40))}`);
    if (text.indexOf('\0') >= 0) throw new ResponseParseError('NUL in response head');
    const eol = text.indexOf('\r\n');
    const headers: IncomingHttpHeaders = {};
    const framing: Framing = { connection: undefined, transferEncoding: undefined };
    if (eol >= 0) parseFields(text, eol + 2, headers, framing);
    if (status < 200) {
      if (status === 101) throw new ResponseParseError('protocol upgrades are not supported upstream');
      // 100 Continue and other interim answers: the final response follows.
      return consumed;
    }
    const connection = framing.connection;
    this.#keepAlive = minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
    const te = framing.transferEncoding;
    const cl = headers['content-length'];
    this.#events.onHead({ status, headers });
    if (this.#state !== phase.head) return consumed; // the listener gave up on the response
    if (this.#headRequest || status === 204 || status === 304) {
      this.#finish(undefined);
    } else if (te !== undefined) {
      // The final coding decides; with Content-Length as well the message is suspect, so no reuse.
      const codings = te.toLowerCase().split(',');
      if ((codings[codings.length - 1] ?? '').trim() === 'chunked') this.#state = phase.chunkSize;
      else {
        this.#state = phase.untilClose;
        this.#keepAlive = false;
      }
      if (cl !== undefined) this.#keepAlive = false;
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl))
        throw new ResponseParseError(`invalid content-length ${JSON.stringify(cl)}`);
      this.#remaining = Number(cl);
      if (this.#remaining === 0) this.#finish(undefined);
      else this.#state = phase.length;
    } else {
      this.#state = phase.untilClose;
      this.#keepAlive = false;
    }
    return consumed;
  }

  #chunkSize(data: Buffer, pos: number): number {
    let buf = data;
    let from = pos;
    const prev = this.#pending;
    if (prev !== undefined) {
      buf = Buffer.concat([prev, data.subarray(pos)]);
      from = 0;
    }
    const lf = buf.indexOf(10, from);
    if (lf < 0) {
      if (buf.length - from > 1024) throw new ResponseParseError('chunk size line too long');
      this.#pending = buf.subarray(from);
      return data.length;
    }
    this.#pending = undefined;
    if (buf[lf - 1] !== 13 || lf - 1 <= from) throw new ResponseParseError('malformed chunk size line');
    const line = buf.toString('latin1', from, lf - 1);
    const semi = line.indexOf(';');
    const hex = (semi < 0 ? line : line.slice(0, semi)).trimEnd();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new ResponseParseError('malformed chunk size');
    const size = parseInt(hex, 16);
    const consumed = prev === undefined ? lf + 1 : lf + 1 - prev.length + pos;
    if (size === 0) {
      this.#state = phase.trailers;
      this.#pending = undefined;
    } else {
      this.#remaining = size;
      this.#state = phase.chunkData;
    }
    return consumed;
  }

  #trailerSection(data: Buffer, pos: number): number {
    // No trailers: the last chunk is followed directly by CRLF.
    const prev = this.#pending;
    if (prev === undefined && data.length - pos >= 2 && data[pos] === 13 && data[pos + 1] === 10) {
      this.#finish(undefined);
      return pos + 2;
    }
    const joined = prev === undefined ? data.subarray(pos) : Buffer.concat([prev, data.subarray(pos)]);
    if (joined.length >= 2 && joined[0] === 13 && joined[1] === 10) {
      this.#finish(undefined);
      return pos + 2 - (prev?.length ?? 0);
    }
    const end = joined.indexOf(crlfcrlf);
    if (end < 0) {
      if (joined.length > maxHeadBytes) throw new ResponseParseError('trailers too large');
      this.#pending = joined;
      return data.length;
    }
    const trailers: IncomingHttpHeaders = {};
    parseFields(joined.toString('latin1', 0, end), 0, trailers);
    this.#finish(trailers);
    return pos + end + 4 - (prev?.length ?? 0);
  }
}
