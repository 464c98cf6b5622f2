// Splits a request target into path, query and authority, accepting HTTP proxy absolute-form (`http://svc:8080/p`),
// and normalizes the path as the listener's HTTP connection manager asks (what routes match and upstreams get).
import type { IncomingHttpHeaders } from 'node:http';
import type { MatchRequest } from '../config/match-request.ts';
import {
  InvalidPathError,
  normalizePath,
  noPathNormalization,
  type PathNormalization,
} from '../http/normalize-path.ts';
import { stripPort } from '../http/virtual-host-index.ts';

/** Which port to drop from the authority: any, only this one (the listener's), or none. */
export type HostPortStrip = 'any' | number | undefined;

/** `host:port` without its port when `strip` says so (Envoy's strip_any_host_port / strip_matching_host_port). */
export function stripHostPort(authority: string, strip: HostPortStrip): string {
  if (strip === undefined) return authority;
  const host = stripPort(authority);
  if (host === authority || strip === 'any') return host;
  return authority.slice(host.length + 1) === String(strip) ? host : authority;
}

export function parseRequestTarget(
  method: string,
  target: string,
  authorityHeader: string | undefined,
  scheme: string,
  headers: IncomingHttpHeaders,
  strip: HostPortStrip = undefined,
  normalization: PathNormalization = noPathNormalization,
): MatchRequest {
  // A fragment never belongs in a request (RFC 9112 §3.2): Envoy answers 400. Forwarded, it hides a last `..`
  // from normalization (`/public/..#` matches `/public/`) that an upstream parsing it as a URL resolves to `/`.
  if (target.includes('#')) throw new InvalidPathError('fragment (#) in request target');
  let path = target;
  let authority = authorityHeader ?? '';
  // Absolute-form, as clients send it to an HTTP_PROXY: the URI's authority selects the virtual host.
  if (
    target.charCodeAt(0) !== 47 /* '/' */ &&
    (target.startsWith('http://') || target.startsWith('https://'))
  ) {
    const start = target.indexOf('//') + 2;
    const slash = target.indexOf('/', start);
    const q = target.indexOf('?', start);
    const end = slash < 0 ? (q < 0 ? target.length : q) : q >= 0 && q < slash ? q : slash;
    authority = target.slice(start, end);
    path =
      end === target.length
        ? '/'
        : target.charCodeAt(end) === 63
          ? `/${target.slice(end)}`
          : target.slice(end);
  }
  const q = path.indexOf('?');
  let pathOnly = q < 0 ? path : path.slice(0, q);
  // Throws InvalidPathError, which the listener answers 400.
  const normalized = normalizePath(pathOnly, normalization);
  if (normalized !== pathOnly) {
    pathOnly = normalized;
    path = q < 0 ? normalized : normalized + path.slice(q);
  }
  return {
    method,
    path,
    pathOnly,
    query: q < 0 ? '' : path.slice(q + 1),
    // Stripped here, before routing, so matchers, the upstream Host and access logs all see the same value.
    authority: stripHostPort(authority, strip),
    scheme,
    headers,
  };
}
