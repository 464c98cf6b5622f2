// Header fields of HTTP/1.1 heads and trailers, parsed strictly (what llhttp refuses, we refuse) into Node's
// IncomingHttpHeaders shape, shared by the upstream response parser and the listener's request parser.
import type { IncomingHttpHeaders } from 'node:http';

export class Http1ParseError extends Error {
  override readonly name = 'Http1ParseError';
}

/** A head or trailer section longer than `maxHeadBytes`, or with too many fields (a server answers 431). */
export class Http1TooLargeError extends Http1ParseError {}

/** Envoy's default max_request_headers_kb and max_response_headers_kb are 60. */
export const maxHeadBytes = 60 * 1024;

/** Envoy's default max_headers_count (per head, and per trailer section). */
export const defaultMaxHeadersCount = 100;

/**
 * Header objects inherit nothing: their prototype is an empty object whose own prototype is null, so that a
 * `constructor`, `__proto__` or `toString` field is just a field. Built with `new` rather than
 * Object.create(null), which V8 keeps in slow dictionary mode (a third of a head's parse time).
 */
const FieldMap = function FieldMap(this: object) {} as unknown as new () => IncomingHttpHeaders;
FieldMap.prototype = Object.create(null) as object;

/** A new, prototype-free header object (see FieldMap). */
export function newHeaders(): IncomingHttpHeaders {
  return new FieldMap();
}

// Node's rules for repeated headers: these keep their first value, set-cookie becomes a list, cookie is
// joined with "; " and everything else with ", ".
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

/**
 * RFC 9110 §5.5: field-vchar, SP, HTAB and obs-text. Every other control byte (a bare CR or LF included, which is
 * how messages get split or smuggled) is refused, as llhttp does.
 */
function hasInvalidValueChar(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return true;
  }
  return false;
}

/** An HTTP token (RFC 9110 §5.6.2): method names and field names. */
export function isToken(value: string): boolean {
  return tokenChar.test(value);
}

function addHeader(headers: IncomingHttpHeaders, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) {
    headers[name] = name === 'set-cookie' ? [value] : value;
    return;
  }
  if (name === 'set-cookie') (existing as string[]).push(value);
  // RFC 9113 §8.2.3 and node:http: cookie crumbs are joined with "; ", not ", ".
  else if (name === 'cookie') headers.cookie = `${existing as string}; ${value}`;
  else if (!firstWins.has(name)) headers[name] = `${existing as string}, ${value}`;
}

/** Hop-by-hop fields of a head: read for framing, never forwarded. */
export interface Framing {
  connection: string | undefined;
  transferEncoding: string | undefined;
}

/** Connection-level fields a proxy does not forward (RFC 9110 §7.6.1, plus HTTP/2's ban list). */
export const connectionFields: ReadonlySet<string> = new Set([
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

/** Where a field section comes from, which decides the checks beyond the grammar. */
export interface FieldRules {
  /** Leave every hop-by-hop field out of `headers` (a response head as a proxy forwards it). */
  readonly dropHopByHop: boolean;
  /** More fields than this is refused (Http1TooLargeError). */
  readonly maxCount: number;
  /** A request's: a second Host in its head is refused (RFC 9112 §3.2). */
  readonly request: boolean;
  /** A trailer section: framing fields are refused there, as llhttp refuses them. */
  readonly trailer: boolean;
}

/**
 * A Content-Length value: digits only (no sign, no list, no whitespace inside), as llhttp takes it. Throws when
 * malformed, or beyond 2^53 where the arithmetic stops being exact (llhttp's limit is 2^64).
 */
export function parseContentLength(value: string): number {
  if (value.length === 0) throw new Http1ParseError('empty content-length');
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) throw new Http1ParseError(`invalid content-length ${JSON.stringify(value)}`);
  }
  const length = Number(value);
  if (length > Number.MAX_SAFE_INTEGER) throw new Http1ParseError('content-length too large');
  return length;
}

/** Trims optional whitespace (SP and HTAB only, RFC 9110 §5.6.3: not VT, FF or NBSP as String.trim does). */
export function trimOws(value: string): string {
  let s = 0;
  let e = value.length;
  while (s < e && (value.charCodeAt(s) === 32 || value.charCodeAt(s) === 9)) s++;
  while (e > s && (value.charCodeAt(e - 1) === 32 || value.charCodeAt(e - 1) === 9)) e--;
  return s === 0 && e === value.length ? value : value.slice(s, e);
}

/**
 * Parses `name: value` lines of `text` (CRLF-separated, no final CRLF) into `headers`; throws on malformed ones.
 * With `framing`, Connection and Transfer-Encoding are collected there too.
 */
export function parseFields(
  text: string,
  start: number,
  headers: IncomingHttpHeaders,
  rules: FieldRules,
  framing?: Framing,
): void {
  let pos = start;
  let count = 0;
  while (pos < text.length) {
    if (++count > rules.maxCount) throw new Http1TooLargeError(`more than ${rules.maxCount} header fields`);
    let eol = text.indexOf('\r\n', pos);
    if (eol < 0) eol = text.length;
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon > eol) throw new Http1ParseError('malformed header line');
    const rawName = text.slice(pos, colon);
    if (!tokenChar.test(rawName)) throw new Http1ParseError(`invalid header name ${JSON.stringify(rawName)}`);
    let vs = colon + 1;
    let ve = eol;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    if (hasInvalidValueChar(text, vs, ve)) throw new Http1ParseError('invalid character in header value');
    const value = text.slice(vs, ve);
    const name = rawName.toLowerCase();
    pos = eol + 2;
    // An empty one beside another would vanish into the join (`, chunked`); llhttp refuses it, trailers too.
    if (name === 'transfer-encoding' && value === '') throw new Http1ParseError('empty transfer-encoding');
    if (framing !== undefined) {
      if (name === 'connection') framing.connection = joinField(framing.connection, value);
      else if (name === 'transfer-encoding') {
        // llhttp reads `chunked` followed by an HTAB as some other coding (a request: refused; a response: read
        // to the close). The HTAB is kept so that we read it the same way.
        const tab = text.lastIndexOf('\t', eol - 1) >= ve;
        framing.transferEncoding = joinField(framing.transferEncoding, tab ? `${value}\t` : value);
      }
    }
    // llhttp refuses framing fields in trailers (Transfer-Encoding only in a request's).
    if (rules.trailer && (name === 'content-length' || (name === 'transfer-encoding' && rules.request)))
      throw new Http1ParseError(`${name} in trailers`);
    if (rules.dropHopByHop && framing !== undefined && connectionFields.has(name)) continue;
    // Repeats of these are how requests get smuggled past a proxy that keeps the first and a server that keeps
    // the last: refused even when equal, as llhttp does (and RFC 9112 §3.2 for Host).
    if (name === 'content-length' && headers['content-length'] !== undefined)
      throw new Http1ParseError('duplicate content-length');
    if (name === 'host' && rules.request && !rules.trailer && headers.host !== undefined)
      throw new Http1ParseError('duplicate host');
    addHeader(headers, name, value);
  }
}

/** Whether a comma-separated field value lists `token` (case-insensitive). */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  const v = value.toLowerCase();
  if (v === token) return true;
  for (const part of v.split(',')) if (trimOws(part) === token) return true;
  return false;
}
