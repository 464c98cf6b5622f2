// The contract between the router and a connection pool: one attempt's request sink and its outcome as a value.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { connectionFields } from '../http1/http1-fields.ts';

/** Why an attempt produced no response. */
export type AttemptFailureReason =
  | 'connect_failure'
  | 'connect_timeout'
  | 'reset'
  | 'refused_stream'
  | 'per_try_timeout'
  | 'per_try_idle_timeout'
  | 'overflow'
  | 'no_healthy_upstream'
  | 'cancelled';

export interface UpstreamRequestHead {
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  /** Regular headers only (no pseudo-headers, no hop-by-hop headers, no host); shared, never modified by pools. */
  readonly headers: Readonly<OutgoingHttpHeaders>;
}

export interface UpstreamResponse {
  readonly status: number;
  /** Regular headers only, hop-by-hop headers removed. */
  readonly headers: IncomingHttpHeaders;
  /** The response body; ended immediately for header-only (e.g. gRPC trailers-only) answers. */
  readonly body: Readable;
  /** The answer had no body at all (HTTP/2 END_STREAM on HEADERS, e.g. a gRPC trailers-only answer). */
  readonly endStream: boolean;
  /** True when the answer can carry trailers (HTTP/2 upstream), so the downstream should wait for them. */
  readonly mayHaveTrailers: boolean;
  /** Trailers, once the body has ended. */
  trailers(): IncomingHttpHeaders | undefined;
  /**
   * The whole body when it had already arrived by the time it is asked for (small answers usually come with
   * their head), so the router can write it out without a stream; undefined otherwise. After a non-undefined
   * answer `body` must not be used.
   */
  takeCompleteBody?(): readonly Buffer[] | undefined;
}

export type AttemptOutcome =
  | { readonly kind: 'response'; readonly response: UpstreamResponse }
  | {
      readonly kind: 'failure';
      readonly reason: AttemptFailureReason;
      /** A reused keep-alive connection was closed under us before any answer: safe to try again. */
      readonly staleConnection: boolean;
      readonly cause?: Error;
    };

/**
 * Where the router writes an attempt's request body: a Writable (HTTP/2 streams) or anything with the same
 * back-pressure contract (`write` returns false until 'drain').
 */
export interface RequestSink {
  write(chunk: Buffer): boolean;
  end(): void;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * One attempt on one host. The router owns it: it writes the request body into `body`, awaits `outcome`,
 * and calls `abort` when it gives up (timeout, client gone); `abort` after an outcome resets the stream.
 * `done` must be called exactly once when the router has finished with the attempt.
 */
export interface UpstreamExchange {
  readonly body: RequestSink;
  readonly outcome: Promise<AttemptOutcome>;
  abort(reason: AttemptFailureReason): void;
}

/** Headers a proxy never copies to the next hop: the connection-level ones, and Host (each attempt sets its authority). */
export const hopByHopHeaders: ReadonlySet<string> = new Set([...connectionFields, 'host']);

/** Copies headers without hop-by-hop ones and HTTP/2 pseudo-headers. */
export function forwardableHeaders(
  headers: IncomingHttpHeaders,
  into: OutgoingHttpHeaders = {},
): OutgoingHttpHeaders {
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 /* ':' */ || hopByHopHeaders.has(name)) continue;
    into[name] = headers[name];
  }
  return into;
}
