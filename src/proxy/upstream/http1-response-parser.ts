// Incremental HTTP/1.1 response parser for the upstream client: status line and headers, then a body framed by
// Content-Length, chunked coding or the connection's close, with chunked trailers.
import type { IncomingHttpHeaders } from 'node:http';
import {
  defaultMaxHeadersCount,
  hasToken,
  Http1ParseError,
  newHeaders,
  parseContentLength,
  parseFields,
  type FieldRules,
  type Framing,
} from '../http1/http1-fields.ts';
import { Http1MessageParser, phase, type BodyEvents } from '../http1/http1-message-parser.ts';

export { Http1ParseError as ResponseParseError } from '../http1/http1-fields.ts';

export interface ResponseHead {
  readonly status: number;
  /** Without hop-by-hop fields (Connection, Transfer-Encoding, ...), as a proxy forwards them. */
  readonly headers: IncomingHttpHeaders;
}

/** What the parser reports, in order: one head, body chunks, then the end (with trailers, if any). */
export interface ResponseEvents extends BodyEvents {
  onHead(head: ResponseHead): void;
}

const responseRules: FieldRules = {
  dropHopByHop: true,
  maxCount: defaultMaxHeadersCount,
  request: false,
  trailer: false,
};
const trailerRules: FieldRules = { ...responseRules, dropHopByHop: false, trailer: true };

/** Leading whitespace and trailing SP do not count; a trailing HTAB does (llhttp's reading, see parseFields). */
function isChunked(coding: string): boolean {
  let s = 0;
  let e = coding.length;
  while (s < e && (coding.charCodeAt(s) === 32 || coding.charCodeAt(s) === 9)) s++;
  while (e > s && coding.charCodeAt(e - 1) === 32) e--;
  return e - s === 7 && coding.slice(s, e) === 'chunked';
}

export class Http1ResponseParser extends Http1MessageParser {
  readonly #events: ResponseEvents;
  #headRequest = false;
  #keepAlive = true;

  constructor(events: ResponseEvents) {
    // llhttp skips empty lines before a status line too.
    super(events, trailerRules, true);
    this.#events = events;
  }

  /** Prepares for the response to the request just sent. */
  expect(headRequest: boolean): void {
    this.expectHead();
    this.#headRequest = headRequest;
    this.#keepAlive = true;
  }

  /** The response framing allows the connection to carry another request. Valid once the response is done. */
  get keepAlive(): boolean {
    return this.#keepAlive;
  }

  /** The connection was closed by the upstream: ends a close-delimited body, or throws if a response is cut short. */
  finish(): void {
    if (this.state === phase.untilClose) {
      this.#keepAlive = false;
      this.finishMessage(undefined);
      return;
    }
    if (this.active) throw new Http1ParseError('connection closed before the response was complete');
  }

  protected override onHeadText(text: string): void {
    if (
      text.length < 12 ||
      !text.startsWith('HTTP/1.') ||
      text.charCodeAt(8) !== 32 ||
      (text.length > 12 && text.charCodeAt(12) !== 32 && text.charCodeAt(12) !== 13)
    )
      throw new Http1ParseError(`malformed status line ${JSON.stringify(text.slice(0, 40))}`);
    const minor = text.charCodeAt(7) - 48;
    const status = Number(text.slice(9, 12));
    if (minor < 0 || minor > 1 || !(status >= 100 && status <= 999) || text.charCodeAt(9) === 48)
      throw new Http1ParseError(`malformed status line ${JSON.stringify(text.slice(0, 40))}`);
    const eol = text.indexOf('\r\n');
    const headers = newHeaders();
    const framing: Framing = { connection: undefined, transferEncoding: undefined };
    if (eol >= 0) parseFields(text, eol + 2, headers, responseRules, framing);
    if (status < 200) {
      if (status === 101) throw new Http1ParseError('protocol upgrades are not supported upstream');
      // 100 Continue and other interim answers: the final response follows.
      return;
    }
    const connection = framing.connection;
    this.#keepAlive = minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
    const te = framing.transferEncoding;
    const cl = headers['content-length'];
    // Checked even when Transfer-Encoding frames the body, as llhttp does: a malformed length is a broken sender.
    const length = cl === undefined ? 0 : parseContentLength(cl);
    // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length, and a proxy removes the stale length before
    // forwarding (the listener would otherwise frame the re-encoded body by it).
    if (te !== undefined && cl !== undefined) delete headers['content-length'];
    this.#events.onHead({ status, headers });
    if (this.state !== phase.head) return; // the listener gave up on the response
    if (this.#headRequest || status === 204 || status === 304) {
      this.finishMessage(undefined);
    } else if (te !== undefined) {
      // The final coding decides; with Content-Length as well the message is suspect, so no reuse.
      const codings = te.toLowerCase().split(',');
      if (isChunked(codings[codings.length - 1] ?? '')) this.chunkedBody();
      else {
        this.bodyUntilClose();
        this.#keepAlive = false;
      }
      if (cl !== undefined) this.#keepAlive = false;
    } else if (cl !== undefined) {
      this.bodyOfLength(length);
    } else {
      this.bodyUntilClose();
      this.#keepAlive = false;
    }
  }
}
