// Header fields of HTTP/1.1 heads and trailers, parsed strictly (what llhttp refuses, we refuse) into Node's
// IncomingHttpHeaders shape, shared by the upstream response parser and the listener's request parser.
import type { IncomingHttpHeaders } from 'node:http';

export class Http1ParseError extends Error {
  override readonly name = 'Http1ParseError';
}

/** A head or trailer section longer than `maxHeadBytes` (a server answers 431). */
export class Http1TooLargeError extends Http1ParseError {}

/** Envoy's default max_request_headers_kb and max_response_headers_kb are 60. */
export const maxHeadBytes = 60 * 1024;

// Node's rules for repeated headers: these keep their first value, set-cookie becomes a list,
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

/**
 * Parses `name: value` lines of `text` (CRLF-separated, no final CRLF) into `headers`; throws on malformed ones.
 * With `framing`, Connection and Transfer-Encoding are collected there too; `dropHopByHop` leaves every
 * hop-by-hop field out of `headers` (a response head as a proxy forwards it).
 */
export function parseFields(
  text: string,
  start: number,
  headers: IncomingHttpHeaders,
  framing?: Framing,
  dropHopByHop = true,
): void {
  let pos = start;
  while (pos < text.length) {
    let eol = text.indexOf('\r\n', pos);
    if (eol < 0) eol = text.length;
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon > eol) throw new Http1ParseError('malformed header line');
    const rawName = text.slice(pos, colon);
    if (!tokenChar.test(rawName)) throw new Http1ParseError(`invalid header name ${JSON.stringify(rawName)}`);
    // A bare CR or LF inside a line is how messages get split or smuggled; refuse it as llhttp does.
    const lf = text.indexOf('\n', pos);
    const cr = text.indexOf('\r', pos);
    if ((lf >= 0 && lf < eol) || (cr >= 0 && cr < eol))
      throw new Http1ParseError('invalid character in header value');
    let vs = colon + 1;
    let ve = eol;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    const value = text.slice(vs, ve);
    const name = rawName.toLowerCase();
    pos = eol + 2;
    if (framing !== undefined) {
      if (name === 'connection') framing.connection = joinField(framing.connection, value);
      else if (name === 'transfer-encoding')
        framing.transferEncoding = joinField(framing.transferEncoding, value);
    }
    if (dropHopByHop && framing !== undefined && connectionFields.has(name)) continue;
    if (name === 'content-length') {
      const prev = headers['content-length'];
      if (prev !== undefined && prev !== value) throw new Http1ParseError('conflicting content-length');
    }
    addHeader(headers, name, value);
  }
}

/** Whether a comma-separated field value lists `token` (case-insensitive). */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  const v = value.toLowerCase();
  if (v === token) return true;
  for (const part of v.split(',')) if (part.trim() === token) return true;
  return false;
}
