// The one place where failures become protocol answers: 404/408/502/503/504, or a gRPC trailers-only status.
import type { Downstream } from './downstream.ts';
import type { RequestInfo } from './request-info.ts';

/** Everything the proxy answers on its own, with Envoy's status, body and response flag. */
export const localReplies = {
  no_route: { status: 404, body: '', flag: 'NR' },
  no_cluster: { status: 503, body: '', flag: 'NC' },
  no_healthy_upstream: { status: 503, body: 'no healthy upstream', flag: 'UH' },
  overflow: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    flag: 'UO',
  },
  connect_failure: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    flag: 'UF',
  },
  connect_timeout: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection timeout',
    flag: 'UF',
  },
  reset: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    flag: 'UC',
  },
  refused_stream: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: remote refused stream reset',
    flag: 'UR',
  },
  timeout: { status: 504, body: 'upstream request timeout', flag: 'UT' },
  per_try_timeout: { status: 504, body: 'upstream request timeout', flag: 'UT' },
  per_try_idle_timeout: { status: 504, body: 'upstream request timeout', flag: 'UT' },
  idle_timeout: { status: 408, body: 'stream timeout', flag: 'SI' },
  cancelled: { status: 499, body: '', flag: 'DC' },
  rbac_access_denied: { status: 403, body: 'RBAC: access denied', flag: 'RBAC' },
} as const;

export type LocalReplyReason = keyof typeof localReplies;

/** HTTP status → gRPC status for local replies (Envoy's mapping, with timeouts as DEADLINE_EXCEEDED). */
function grpcStatusFor(reason: LocalReplyReason, status: number): number {
  if (
    reason === 'timeout' ||
    reason === 'per_try_timeout' ||
    reason === 'idle_timeout' ||
    reason === 'per_try_idle_timeout'
  )
    return 4;
  switch (status) {
    case 400:
      return 13;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return 12;
    case 429:
    case 502:
    case 503:
    case 504:
      return 14;
    default:
      return 2;
  }
}

function isGrpc(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.startsWith('application/grpc');
}

/**
 * Answers the request locally. If the response already started, the stream is reset instead (the
 * status line is gone; a reset is the only honest signal left).
 */
export function rescue(ds: Downstream, reason: LocalReplyReason, info: RequestInfo): void {
  const reply = localReplies[reason];
  info.addFlag(reply.flag);
  if (ds.aborted) return;
  if (ds.responseStarted) {
    ds.reset();
    return;
  }
  info.responseCode = reply.status;
  if (isGrpc(ds.request.headers['content-type'])) {
    ds.respond(
      200,
      {
        'content-type': 'application/grpc',
        'grpc-status': String(grpcStatusFor(reason, reply.status)),
        'grpc-message': encodeURIComponent(reply.body),
      },
      true,
      false,
    );
    return;
  }
  // Envoy names a failed TLS handshake in the answer too, so a client sees why without the proxy's log.
  const transport = info.upstreamTransportFailureReason;
  const text =
    transport !== '' && reply.flag === 'UF'
      ? `${reply.body}, transport failure reason: ${transport}`
      : reply.body;
  const body = Buffer.from(text);
  const sink = ds.respond(
    reply.status,
    { 'content-type': 'text/plain', 'content-length': body.length },
    body.length === 0,
    false,
  );
  if (body.length > 0) {
    sink.write(body);
    info.bytesSent += body.length;
    ds.finish(undefined);
  }
}

/** A route's direct_response. */
export function directReply(ds: Downstream, status: number, text: string, info: RequestInfo): void {
  info.responseCode = status;
  const body = Buffer.from(text);
  const sink = ds.respond(
    status,
    { 'content-type': 'text/plain', 'content-length': body.length },
    body.length === 0,
    false,
  );
  if (body.length > 0) {
    sink.write(body);
    info.bytesSent += body.length;
    ds.finish(undefined);
  }
}
