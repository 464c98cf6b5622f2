// The bytes of an HTTP/1.1 response head: status line, fields, the framing and connection fields the listener
// decides, and a Date field as node:http adds one.
import type { OutgoingHttpHeaders } from 'node:http';
import { http } from '../../util/node-http.ts';

let cachedDate = '';
let cachedSecond = -1;

/** The IMF-fixdate of now, rebuilt at most once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedDate = new Date(now).toUTCString();
  }
  return cachedDate;
}

// Fields the listener writes itself from its framing decision; the caller's copies are dropped.
const ownedFields: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/** A CR or LF in a field name or value would end the field early and let the rest pass as another field. */
export function hasLineBreak(value: string): boolean {
  return value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0;
}

export interface HeadFraming {
  /** Transfer-Encoding: chunked follows the fields. */
  readonly chunked: boolean;
  /** Connection: close (otherwise keep-alive, spelled out for HTTP/1.0 clients). */
  readonly close: boolean;
  /** The client spoke HTTP/1.0. */
  readonly http10: boolean;
  /** Content-Length: 0 is added when the caller gave no length (an empty answer that is not chunked). */
  readonly emptyBody: boolean;
}

/**
 * Serializes the head; a field name or value with a line break is left out (it would split the response).
 * Pseudo-fields (`:status` and the like, from HTTP/2 upstreams) are never written.
 */
export function responseHead(status: number, headers: OutgoingHttpHeaders, framing: HeadFraming): string {
  let head = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  let hasDate = false;
  let hasLength = false;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name.charCodeAt(0) === 58 /* ':' */) continue;
    const lower = name.toLowerCase();
    if (ownedFields.has(lower) || hasLineBreak(name)) continue;
    if (lower === 'date') hasDate = true;
    else if (lower === 'content-length') hasLength = true;
    if (Array.isArray(value)) {
      for (const v of value) if (!hasLineBreak(v)) head += `${name}: ${v}\r\n`;
    } else {
      const v = String(value);
      if (!hasLineBreak(v)) head += `${name}: ${v}\r\n`;
    }
  }
  if (!hasDate) head += `date: ${httpDate()}\r\n`;
  if (framing.chunked) head += 'transfer-encoding: chunked\r\n';
  else if (framing.emptyBody && !hasLength) head += 'content-length: 0\r\n';
  if (framing.close) head += 'connection: close\r\n';
  else if (framing.http10) head += 'connection: keep-alive\r\n';
  return `${head}\r\n`;
}

/** The Content-Length `headers` declare, whatever the field's case; 'invalid' when it is not a length. */
export function declaredLength(headers: OutgoingHttpHeaders): number | 'invalid' | undefined {
  let value: OutgoingHttpHeaders[string] = headers['content-length'];
  if (value === undefined)
    for (const name in headers) if (name.toLowerCase() === 'content-length') value = headers[name];
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return /^\d{1,15}$/.test(text) ? Number(text) : 'invalid';
}
