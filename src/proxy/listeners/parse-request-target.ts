// Splits a request target into path, query and authority, accepting HTTP proxy absolute-form (`http://svc:8080/p`).
import type { IncomingHttpHeaders } from 'node:http';
import type { MatchRequest } from '../config/match-request.ts';

export function parseRequestTarget(
  method: string,
  target: string,
  authorityHeader: string | undefined,
  scheme: string,
  headers: IncomingHttpHeaders,
): MatchRequest {
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
  return {
    method,
    path,
    pathOnly: q < 0 ? path : path.slice(0, q),
    query: q < 0 ? '' : path.slice(q + 1),
    authority,
    scheme,
    headers,
  };
}
