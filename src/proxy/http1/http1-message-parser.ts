// Incremental HTTP/1.1 message framing shared by the upstream response parser and the listener's request parser:
// the head is collected and handed to the subclass, then the body is framed by Content-Length, chunked coding
// (with trailers) or, for responses, the connection's close.
import type { IncomingHttpHeaders } from 'node:http';
import {
  Http1ParseError,
  Http1TooLargeError,
  maxHeadBytes,
  newHeaders,
  parseFields,
  type FieldRules,
} from './http1-fields.ts';

/** What a parser reports after the head: body chunks, then the end (with trailers, if any). */
export interface BodyEvents {
  onBody(chunk: Buffer): void;
  onEnd(trailers: IncomingHttpHeaders | undefined): void;
}

const crlfcrlf = Buffer.from('\r\n\r\n');

/**
 * Every LF of `buf` in [from, to) must follow a CR that is at or after `start`, and every CR be followed by an LF
 * (RFC 9112 §2.2, llhttp strict). A CR that ends `buf` is judged once its next byte arrives.
 */
function refuseBareLf(buf: Buffer, start: number, from: number, to: number): void {
  let lf = buf.indexOf(10, from);
  while (lf >= 0 && lf < to) {
    if (lf === start || buf[lf - 1] !== 13) throw new Http1ParseError('bare LF in message head');
    lf = buf.indexOf(10, lf + 1);
  }
  let cr = buf.indexOf(13, from > start ? from - 1 : from);
  while (cr >= 0 && cr < to && cr + 1 < buf.length) {
    if (buf[cr + 1] !== 10) throw new Http1ParseError('bare CR in message head');
    cr = buf.indexOf(13, cr + 1);
  }
}

/** A head's text (without its final CRLFCRLF): every LF follows a CR and every CR precedes an LF. */
function refuseBareLineEnds(text: string): void {
  let i = text.indexOf('\n');
  while (i >= 0) {
    if (text.charCodeAt(i - 1) !== 13) throw new Http1ParseError('bare LF in message head');
    i = text.indexOf('\n', i + 1);
  }
  i = text.indexOf('\r');
  while (i >= 0) {
    if (text.charCodeAt(i + 1) !== 10) throw new Http1ParseError('bare CR in message head');
    i = text.indexOf('\r', i + 1);
  }
}

/**
 * A chunk-size line without its CRLF: hex digits, then extensions exactly as llhttp takes them (`;name`,
 * `;name=token` or `;name="quoted"`, no whitespace anywhere). Returns the size; throws when malformed.
 */
export function parseChunkSizeLine(buf: Buffer, from: number, to: number): number {
  let i = from;
  let size = 0;
  for (; i < to; i++) {
    const c = buf[i]!;
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) break;
    size = size * 16 + d;
    // Beyond 2^53 the arithmetic is no longer exact; no real chunk is that large.
    if (size > Number.MAX_SAFE_INTEGER) throw new Http1ParseError('chunk size too large');
  }
  if (i === from) throw new Http1ParseError('malformed chunk size');
  while (i < to) {
    if (buf[i] !== 59 /* ; */ || ++i === to) throw new Http1ParseError('malformed chunk extension');
    while (i < to && isTokenByte(buf[i]!)) i++;
    if (i < to && buf[i] === 61 /* = */) {
      i++;
      // llhttp takes a token, a quoted-string, or a token run straight into a quoted-string (`a"b c"`).
      while (i < to && isTokenByte(buf[i]!)) i++;
      if (i < to && buf[i] === 34 /* " */) i = quotedStringEnd(buf, i + 1, to);
    }
  }
  return size;
}

const tokenBytes = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  tokenBytes[c.charCodeAt(0)] = 1;

function isTokenByte(c: number): boolean {
  return tokenBytes[c] === 1;
}

/** Index after the closing quote of a quoted-string whose content starts at `i` (RFC 9110 §5.6.4). */
function quotedStringEnd(buf: Buffer, i: number, to: number): number {
  for (; i < to; i++) {
    const c = buf[i]!;
    if (c === 34) return i + 1;
    if (c === 92 /* \ */) {
      i++;
      if (i === to) break;
      const e = buf[i]!;
      if ((e < 32 && e !== 9) || e === 127) break;
    } else if ((c < 32 && c !== 9) || c === 127) break;
  }
  throw new Http1ParseError('malformed chunk extension');
}

/**
 * Bytes of an unfinished head, chunk-size line or trailer section, kept in a buffer that doubles when full: a
 * client sending its head one byte per packet costs linear time, not a copy of everything so far per packet.
 */
class PendingBytes {
  #buffer: Buffer = Buffer.alloc(0);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Appends `data` and returns every pending byte (a view, valid until the next append or clear). */
  append(data: Buffer): Buffer {
    const needed = this.#length + data.length;
    if (needed > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2, 256));
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    data.copy(this.#buffer, this.#length);
    this.#length = needed;
    return this.#buffer.subarray(0, this.#length);
  }

  clear(): void {
    this.#length = 0;
    // A large head's buffer is not kept for the life of the connection.
    if (this.#buffer.length > 4096) this.#buffer = Buffer.alloc(0);
  }
}

export const phase = {
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
export type Phase = (typeof phase)[keyof typeof phase];

export abstract class Http1MessageParser {
  readonly #body: BodyEvents;
  readonly #trailerRules: FieldRules;
  /** Empty lines before a start line are skipped (RFC 9112 §2.2), as llhttp does. */
  readonly #skipEmptyLines: boolean;
  protected state: Phase = phase.idle;
  readonly #pending = new PendingBytes();
  #remaining = 0;
  #chunkEndSeen = 0;

  constructor(body: BodyEvents, trailerRules: FieldRules, skipEmptyLines: boolean) {
    this.#body = body;
    this.#trailerRules = trailerRules;
    this.#skipEmptyLines = skipEmptyLines;
  }

  /**
   * A whole head arrived (`text`, latin1, without the final CRLFCRLF). The subclass reports it and frames the
   * body with one of the `body...` methods (or leaves the state at `head` for an interim response).
   */
  protected abstract onHeadText(text: string): void;

  /** Waits for the next message's head. */
  protected expectHead(): void {
    this.state = phase.head;
    this.#pending.clear();
  }

  /** Forgets any message in progress (the connection is being closed). */
  stop(): void {
    this.state = phase.idle;
    this.#pending.clear();
  }

  /** A message is expected or in progress. */
  get active(): boolean {
    return this.state !== phase.idle && this.state !== phase.done;
  }

  /** The head has been parsed and the body not yet finished. */
  get inBody(): boolean {
    return this.state > phase.head && this.state < phase.done;
  }

  get done(): boolean {
    return this.state === phase.done;
  }

  /** Some bytes of the next head have arrived (empty lines before a request line do not count). */
  get headStarted(): boolean {
    return this.state === phase.head && this.#pending.length > 0;
  }

  /**
   * Feeds bytes from the connection. Returns how many were consumed: fewer than `data.length` when the message
   * ended and bytes follow it (the next pipelined message). Throws Http1ParseError.
   */
  execute(data: Buffer): number {
    let pos = 0;
    while (pos < data.length) {
      switch (this.state) {
        case phase.idle:
        case phase.done:
          return pos;
        case phase.head:
          pos = this.#head(data, pos);
          break;
        case phase.length:
          pos = this.#bodyBytes(data, pos);
          if (this.#remaining === 0 && this.state === phase.length) this.finishMessage(undefined);
          break;
        case phase.chunkSize:
          pos = this.#chunkSize(data, pos);
          break;
        case phase.chunkData:
          pos = this.#bodyBytes(data, pos);
          if (this.#remaining === 0 && this.state === phase.chunkData) {
            this.state = phase.chunkEnd;
            this.#chunkEndSeen = 0;
          }
          break;
        case phase.chunkEnd: {
          const expected = this.#chunkEndSeen === 0 ? 13 : 10;
          if (data[pos] !== expected) throw new Http1ParseError('chunk data not followed by CRLF');
          pos++;
          if (++this.#chunkEndSeen === 2) this.state = phase.chunkSize;
          break;
        }
        case phase.trailers:
          pos = this.#trailerSection(data, pos);
          break;
        case phase.untilClose:
          this.#body.onBody(pos === 0 ? data : data.subarray(pos));
          return data.length;
      }
    }
    return pos;
  }

  /** A body of `length` bytes follows (none: the message ends now). */
  protected bodyOfLength(length: number): void {
    if (length === 0) return this.finishMessage(undefined);
    this.#remaining = length;
    this.state = phase.length;
  }

  protected chunkedBody(): void {
    this.state = phase.chunkSize;
  }

  protected bodyUntilClose(): void {
    this.state = phase.untilClose;
  }

  protected finishMessage(trailers: IncomingHttpHeaders | undefined): void {
    this.state = phase.done;
    this.#pending.clear();
    this.#body.onEnd(trailers);
  }

  /** Hands on up to `#remaining` body bytes of `data` from `pos`; returns where they end. */
  #bodyBytes(data: Buffer, pos: number): number {
    const n = Math.min(this.#remaining, data.length - pos);
    this.#remaining -= n;
    this.#body.onBody(pos === 0 && n === data.length ? data : data.subarray(pos, pos + n));
    return pos + n;
  }

  /**
   * Finds `\r\n\r\n` in the pending bytes followed by `data` from `pos`. Returns the buffer searched (`data`
   * itself when nothing was pending), where the section starts in it, and the terminator's index (-1: not yet,
   * and the bytes are now pending).
   */
  #accumulateHead(data: Buffer, pos: number): { buf: Buffer; end: number; from: number } {
    const prevLength = this.#pending.length;
    if (prevLength === 0) {
      const end = data.indexOf(crlfcrlf, pos);
      if (end < 0) {
        if (data.length - pos > maxHeadBytes) throw new Http1TooLargeError('message head too large');
        this.#pending.append(data.subarray(pos));
      } else if (end - pos > maxHeadBytes) throw new Http1TooLargeError('message head too large');
      return { buf: data, end, from: pos };
    }
    const buf = this.#pending.append(data.subarray(pos));
    const end = buf.indexOf(crlfcrlf, Math.max(0, prevLength - 3));
    if ((end < 0 ? buf.length : end) > maxHeadBytes) throw new Http1TooLargeError('message head too large');
    return { buf, end, from: 0 };
  }

  #head(data: Buffer, pos: number): number {
    const prevLength = this.#pending.length;
    if (prevLength === 0 && this.#skipEmptyLines) {
      while (pos < data.length && (data[pos] === 13 || data[pos] === 10)) pos++;
      if (pos === data.length) return pos;
    }
    const { buf, end, from } = this.#accumulateHead(data, pos);
    if (end < 0) {
      // Checked as bytes arrive, so that a head with bare LFs is refused rather than waited for until its timeout.
      refuseBareLf(buf, from, prevLength === 0 ? from : prevLength, buf.length);
      return data.length;
    }
    const text = buf.toString('latin1', from, end);
    // On the string: a whole head is most often one read, and String#indexOf costs less than Buffer#indexOf calls.
    refuseBareLineEnds(text);
    this.#pending.clear();
    if (text.indexOf('\0') >= 0) throw new Http1ParseError('NUL in message head');
    this.onHeadText(text);
    // Where the head ends, in terms of `data`.
    return prevLength === 0 ? end + 4 : end + 4 - prevLength + pos;
  }

  #chunkSize(data: Buffer, pos: number): number {
    const prevLength = this.#pending.length;
    const buf = prevLength === 0 ? data : this.#pending.append(data.subarray(pos));
    const from = prevLength === 0 ? pos : 0;
    const lf = buf.indexOf(10, prevLength === 0 ? pos : prevLength - 1);
    if (lf < 0) {
      if (buf.length - from > 1024) throw new Http1ParseError('chunk size line too long');
      if (prevLength === 0) this.#pending.append(data.subarray(pos));
      return data.length;
    }
    if (buf[lf - 1] !== 13 || lf - 1 <= from) throw new Http1ParseError('malformed chunk size line');
    const size = parseChunkSizeLine(buf, from, lf - 1);
    this.#pending.clear();
    const consumed = prevLength === 0 ? lf + 1 : lf + 1 - prevLength + pos;
    if (size === 0) this.state = phase.trailers;
    else {
      this.#remaining = size;
      this.state = phase.chunkData;
    }
    return consumed;
  }

  #trailerSection(data: Buffer, pos: number): number {
    const prevLength = this.#pending.length;
    // No trailers: the last chunk is followed directly by CRLF.
    if (prevLength === 0 && data.length - pos >= 2 && data[pos] === 13 && data[pos + 1] === 10) {
      this.finishMessage(undefined);
      return pos + 2;
    }
    const view = this.#pending.append(data.subarray(pos));
    // The CRLF check comes first: what follows it may be the next message, whose head ends in CRLFCRLF too.
    if (view.length >= 2 && view[0] === 13 && view[1] === 10) {
      this.finishMessage(undefined);
      return pos + 2 - prevLength;
    }
    const end = view.indexOf(crlfcrlf, Math.max(0, prevLength - 3));
    if ((end < 0 ? view.length : end) > maxHeadBytes) throw new Http1TooLargeError('trailers too large');
    refuseBareLf(view, 0, prevLength, end < 0 ? view.length : end + 4);
    if (end < 0) return data.length;
    const text = view.toString('latin1', 0, end);
    if (text.indexOf('\0') >= 0) throw new Http1ParseError('NUL in trailers');
    const trailers = newHeaders();
    parseFields(text, 0, trailers, this.#trailerRules);
    this.finishMessage(trailers);
    return end + 4 - prevLength + pos;
  }
}
