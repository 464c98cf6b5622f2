// The view of a downstream request that route matchers read (pseudo-headers resolved once per request).
import type { IncomingHttpHeaders } from 'node:http';

export interface MatchRequest {
  readonly method: string;
  /** `:path` including any query string. */
  readonly path: string;
  /** `:path` up to `?`. */
  readonly pathOnly: string;
  /** Query string without the leading `?` ('' when absent). */
  readonly query: string;
  readonly authority: string;
  readonly scheme: string;
  readonly headers: IncomingHttpHeaders;
}

/** Header value as Envoy's matchers see it: pseudo-headers from the request line, repeated headers joined by `,`. */
export function headerValue(req: MatchRequest, name: string): string | undefined {
  switch (name) {
    case ':path':
      return req.path;
    case ':method':
      return req.method;
    case ':authority':
    case 'host':
      return req.authority;
    case ':scheme':
      return req.scheme;
  }
  const raw = req.headers[name];
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? raw.join(',') : raw;
}
