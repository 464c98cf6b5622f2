// Incremental HTTP/1.1 message framing shared by the upstream response parser and the listener's request parser:
// the head is collected and handed to the subclass, then the body is framed by Content-Length, chunked coding
// (with trailers) or, for responses, the connection's close.
import type { IncomingHttpHeaders } from 'node:http';
import { Http1ParseError, maxHeadBytes, parseFields } from './http1-fields.ts';

/** What a parser reports after the head: body chunks, then the end (with trailers, if any). */
export interface BodyEvents {
  onBody(chunk: Buffer): void;
  onEnd(trailers: IncomingHttpHeaders | undefined): void;
}

const crlfcrlf = Buffer.from('\r\n\r\n');

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
  protected state: Phase = phase.idle;
  /** Bytes of an unfinished head, chunk-size line or trailer section. */
  #pending: Buffer | undefined;
  #remaining = 0;
  #chunkEndSeen = 0;

  constructor(body: BodyEvents) {
    this.#body = body;
  }

  /**
   * A whole head arrived (`text`, latin1, without the final CRLFCRLF). The subclass reports it and frames the
   * body with one of the `body...` methods (or leaves the state at `head` for an interim response).
   */
  protected abstract onHeadText(text: string): void;

  /** Waits for the next message's head. */
  protected expectHead(): void {
    this.state = phase.head;
    this.#pending = undefined;
  }

  /** Forgets any message in progress (the connection is being closed). */
  stop(): void {
    this.state = phase.idle;
    this.#pending = undefined;
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
        case phase.length: {
          const n = Math.min(this.#remaining, data.length - pos);
          this.#remaining -= n;
          const chunk = pos === 0 && n === data.length ? data : data.subarray(pos, pos + n);
          pos += n;
          this.#body.onBody(chunk);
          if (this.#remaining === 0 && this.state === phase.length) this.finishMessage(undefined);
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
          this.#body.onBody(chunk);
          if (this.#remaining === 0 && this.state === phase.chunkData) {
            this.state = phase.chunkEnd;
            this.#chunkEndSeen = 0;
          }
          break;
        }
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
    this.#pending = undefined;
    this.#body.onEnd(trailers);
  }

  /** Joins buffered bytes with new ones and finds `\r\n\r\n`; returns [buffer, index of the terminator, base]. */
  #accumulate(data: Buffer, pos: number, limit: number): { buf: Buffer; end: number; from: number } {
    const prev = this.#pending;
    const buf = prev === undefined ? data : Buffer.concat([prev, data.subarray(pos)]);
    const from = prev === undefined ? pos : 0;
    const searchFrom = prev === undefined ? pos : Math.max(0, prev.length - 3);
    const end = buf.indexOf(crlfcrlf, searchFrom);
    if (end < 0) {
      if (buf.length - from > limit) throw new Http1ParseError('message head too large');
      this.#pending = from === 0 ? buf : buf.subarray(from);
    } else if (end - from > limit) throw new Http1ParseError('message head too large');
    return { buf, end, from };
  }

  #head(data: Buffer, pos: number): number {
    const prevLength = this.#pending?.length ?? 0;
    const { buf, end, from } = this.#accumulate(data, pos, maxHeadBytes);
    if (end < 0) return data.length;
    this.#pending = undefined;
    const text = buf.toString('latin1', from, end);
    if (text.indexOf('\0') >= 0) throw new Http1ParseError('NUL in message head');
    this.onHeadText(text);
    // Where the head ends, in terms of `data`.
    return prevLength === 0 ? end + 4 : end + 4 - prevLength + pos;
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
      if (buf.length - from > 1024) throw new Http1ParseError('chunk size line too long');
      this.#pending = buf.subarray(from);
      return data.length;
    }
    this.#pending = undefined;
    if (buf[lf - 1] !== 13 || lf - 1 <= from) throw new Http1ParseError('malformed chunk size line');
    const line = buf.toString('latin1', from, lf - 1);
    const semi = line.indexOf(';');
    const hex = (semi < 0 ? line : line.slice(0, semi)).trimEnd();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new Http1ParseError('malformed chunk size');
    const size = parseInt(hex, 16);
    const consumed = prev === undefined ? lf + 1 : lf + 1 - prev.length + pos;
    if (size === 0) {
      this.state = phase.trailers;
      this.#pending = undefined;
    } else {
      this.#remaining = size;
      this.state = phase.chunkData;
    }
    return consumed;
  }

  #trailerSection(data: Buffer, pos: number): number {
    // No trailers: the last chunk is followed directly by CRLF.
    const prev = this.#pending;
    if (prev === undefined && data.length - pos >= 2 && data[pos] === 13 && data[pos + 1] === 10) {
      this.finishMessage(undefined);
      return pos + 2;
    }
    const joined = prev === undefined ? data.subarray(pos) : Buffer.concat([prev, data.subarray(pos)]);
    if (joined.length >= 2 && joined[0] === 13 && joined[1] === 10) {
      this.finishMessage(undefined);
      return pos + 2 - (prev?.length ?? 0);
    }
    const end = joined.indexOf(crlfcrlf);
    if (end < 0) {
      if (joined.length > maxHeadBytes) throw new Http1ParseError('trailers too large');
      this.#pending = joined;
      return data.length;
    }
    const trailers: IncomingHttpHeaders = {};
    parseFields(joined.toString('latin1', 0, end), 0, trailers);
    this.finishMessage(trailers);
    return pos + end + 4 - (prev?.length ?? 0);
  }
}
