// Incremental HTTP/1.1 request parser for the listeners: request line and headers, then a body framed by
// Content-Length or chunked coding. Strict where requests get smuggled: both framings at once, a transfer coding
// other than chunked, a malformed length or a bare CR/LF is refused rather than guessed at.
import type { IncomingHttpHeaders } from 'node:http';
import {
  defaultMaxHeadersCount,
  hasToken,
  parseContentLength,
  Http1ParseError,
  isToken,
  newHeaders,
  parseFields,
  type FieldRules,
  type Framing,
} from './http1-fields.ts';
import { Http1MessageParser, phase, type BodyEvents } from './http1-message-parser.ts';

export interface RequestHead {
  readonly method: string;
  /** The request target as sent: origin-form (`/p?q`), absolute-form or `*`. */
  readonly target: string;
  /** 1 for HTTP/1.1, 0 for HTTP/1.0. */
  readonly minor: number;
  /** Every field as received, hop-by-hop ones included (as node:http gives them). */
  readonly headers: IncomingHttpHeaders;
  /** The client allows the connection to carry another request after this one. */
  readonly keepAlive: boolean;
  /** The client waits for `100 Continue` before it sends the body. */
  readonly expectContinue: boolean;
  /** Neither Content-Length nor Transfer-Encoding: the request has no body at all. */
  readonly bodyless: boolean;
}

export interface RequestEvents extends BodyEvents {
  onHead(head: RequestHead): void;
}

/** Bytes llhttp refuses in a request target: controls, SP, DEL and anything beyond ASCII. */
function hasInvalidTargetChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 32 || c >= 127) return true;
  }
  return false;
}

export interface RequestParserOptions {
  /** Fields per head or trailer section (Envoy's max_headers_count); more is answered 431. */
  readonly maxHeadersCount?: number;
}

/**
 * llhttp's request-target forms: origin (`/p`), asterisk (`*`) and absolute with a letters-only scheme and an
 * authority of URI characters (`http://svc:8080/p`); `a:b`, `x` or `http:z//` are refused.
 */
const absoluteForm = /^[A-Za-z]+:\/\/[A-Za-z0-9\-._~%!$&'()*+,;=:@[\]]*(?:[/?]|$)/;

/** CONNECT's authority-form (`host:port`); the listener answers it 405, but as a request it is well-formed. */
const authorityForm = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@[\]]+$/;

function isTargetForm(method: string, target: string): boolean {
  const c = target.charCodeAt(0);
  if (c === 47 /* / */ || c === 42 /* * */ || absoluteForm.test(target)) return true;
  return method === 'CONNECT' && authorityForm.test(target);
}

export class Http1RequestParser extends Http1MessageParser {
  readonly #events: RequestEvents;
  readonly #rules: FieldRules;
  /** The length of the body being read, once the head has been checked. */
  #length = 0;

  constructor(events: RequestEvents, options: RequestParserOptions = {}) {
    const rules: FieldRules = {
      dropHopByHop: false,
      maxCount: options.maxHeadersCount ?? defaultMaxHeadersCount,
      request: true,
      trailer: false,
    };
    super(events, { ...rules, trailer: true }, true);
    this.#events = events;
    this.#rules = rules;
  }

  /** Waits for the next request on the connection. */
  expectRequest(): void {
    this.expectHead();
  }

  protected override onHeadText(text: string): void {
    let eol = text.indexOf('\r\n');
    if (eol < 0) eol = text.length;
    const sp1 = text.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
    const sp3 = sp2 < 0 ? -1 : text.indexOf(' ', sp2 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || sp2 >= eol || (sp3 >= 0 && sp3 < eol))
      throw new Http1ParseError(`malformed request line ${JSON.stringify(text.slice(0, 60))}`);
    const method = text.slice(0, sp1);
    const target = text.slice(sp1 + 1, sp2);
    const version = text.slice(sp2 + 1, eol);
    if (!isToken(method)) throw new Http1ParseError(`invalid method ${JSON.stringify(method)}`);
    if (hasInvalidTargetChar(target) || !isTargetForm(method, target))
      throw new Http1ParseError('invalid request target');
    if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0')
      throw new Http1ParseError(`unsupported protocol version ${JSON.stringify(version)}`);
    const minor = version === 'HTTP/1.1' ? 1 : 0;
    const headers = newHeaders();
    const framing: Framing = { connection: undefined, transferEncoding: undefined };
    if (eol < text.length) parseFields(text, eol + 2, headers, this.#rules, framing);
    // RFC 9112 §3.2; an absolute-form target carries its authority, but the field is still required.
    if (minor === 1 && headers.host === undefined) throw new Http1ParseError('missing host');
    const te = framing.transferEncoding;
    const cl = headers['content-length'];
    if (te !== undefined) {
      // RFC 9112 §6.1: both framings is a smuggling attempt or a broken client; only chunked is understood, and
      // only exactly that (Envoy answers any other coding 501; `\x0bchunked` or `chunked\xa0` is not chunked).
      if (cl !== undefined) throw new Http1ParseError('both transfer-encoding and content-length');
      if (minor === 0) throw new Http1ParseError('transfer-encoding in an HTTP/1.0 request');
      if (te.toLowerCase() !== 'chunked')
        throw new Http1ParseError(`unsupported transfer-encoding ${JSON.stringify(te)}`);
    } else if (cl !== undefined) this.#length = parseContentLength(cl);
    const connection = framing.connection;
    const keepAlive = minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
    const bodyless = te === undefined && cl === undefined;
    const expectContinue =
      minor === 1 && !bodyless && (headers.expect ?? '').toLowerCase() === '100-continue';
    this.#events.onHead({ method, target, minor, headers, keepAlive, expectContinue, bodyless });
    if (this.state !== phase.head) return;
    if (te !== undefined) this.chunkedBody();
    else if (cl !== undefined) this.bodyOfLength(this.#length);
    else this.finishMessage(undefined);
  }
}
