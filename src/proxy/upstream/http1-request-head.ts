// Serialises an upstream HTTP/1.1 request line and header section into one string, written in one go.
import type { OutgoingHttpHeaders } from 'node:http';

// The head is written as latin1, which keeps only the low byte of a code unit: U+010A would go out as LF and
// U+0120 as a space. Such characters can only come from configuration (rewrites), never from a parsed request.
const unsafeValue = /[\r\n\0\u0100-\uffff]/;
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** How the request body is framed on the wire. */
export type RequestFraming = 'none' | 'empty' | 'as-is' | 'chunked';

/** Methods whose empty bodies get an explicit `content-length: 0` (servers may answer 411 otherwise). */
const bodyMethods: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

export function framingFor(method: string, headers: OutgoingHttpHeaders, hasBody: boolean): RequestFraming {
  if (headers['content-length'] !== undefined) return 'as-is';
  if (hasBody) return 'chunked';
  return bodyMethods.has(method) ? 'empty' : 'none';
}

/** Throws a TypeError for a method, target or header that would break the request's framing. */
export function requestHead(
  method: string,
  path: string,
  authority: string,
  headers: OutgoingHttpHeaders,
  framing: RequestFraming,
): string {
  if (!token.test(method)) throw new TypeError(`invalid method ${JSON.stringify(method)}`);
  if (path.length === 0 || path.includes(' ') || unsafeValue.test(path))
    throw new TypeError(`invalid request target ${JSON.stringify(path)}`);
  if (unsafeValue.test(authority)) throw new TypeError(`invalid authority ${JSON.stringify(authority)}`);
  let s = `${method} ${path} HTTP/1.1\r\nhost: ${authority}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'object') {
      for (const v of value) s += field(name, v);
    } else s += field(name, typeof value === 'string' ? value : String(value));
  }
  if (framing === 'chunked') s += 'transfer-encoding: chunked\r\n';
  else if (framing === 'empty') s += 'content-length: 0\r\n';
  return `${s}\r\n`;
}

function field(name: string, value: string): string {
  if (unsafeValue.test(value)) throw new TypeError(`invalid value for header ${name}`);
  return `${name}: ${value}\r\n`;
}
