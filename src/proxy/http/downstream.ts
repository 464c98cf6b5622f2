// The router's view of one downstream request/response, whatever the listener protocol (HTTP/1.1 or HTTP/2).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { MatchRequest } from '../config/match-request.ts';
import type { DownstreamTls } from '../tls/peer-identity.ts';

/** Where a response body goes: `write` returns false when the client is not keeping up; `onDrain` says when to go on. */
export interface BodySink {
  write(chunk: Buffer): boolean;
  onDrain(callback: () => void): void;
}

export interface Downstream {
  readonly protocol: 'HTTP/1.1' | 'HTTP/2';
  readonly request: MatchRequest;
  readonly body: Readable;
  /** Known up front to carry no body (HTTP/1.1 without Content-Length or Transfer-Encoding). */
  readonly bodyless: boolean;
  readonly remoteAddress: string;
  /** The port the connection was accepted on (RBAC's destination_port). */
  readonly localPort: number;
  /** What the connection's TLS handshake told; undefined for plaintext. */
  readonly tls: DownstreamTls | undefined;
  readonly responseStarted: boolean;
  /** The client went away (reset or closed) before the response was finished. */
  readonly aborted: boolean;
  /**
   * Sends the status and headers. With `endStream` the response is complete (HTTP/2: a headers-only
   * answer, which gRPC trailers-only replies need); otherwise write the body into the returned sink
   * and call `finish`. `trailersFollow` asks HTTP/2 to keep the stream open for trailers.
   */
  respond(
    status: number,
    headers: OutgoingHttpHeaders,
    endStream: boolean,
    trailersFollow: boolean,
  ): BodySink;
  /** Ends the body, sending trailers when there are any. */
  finish(trailers: IncomingHttpHeaders | undefined): void;
  /** Aborts the response mid-way: connection close for HTTP/1.1, RST_STREAM for HTTP/2. */
  reset(): void;
  /** Called once if the client aborts before the response is finished. */
  onAbort(callback: () => void): void;
}
