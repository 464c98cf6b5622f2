// Downstream over one HTTP/2 stream (node:http2 server, h2c), with trailers for gRPC.
import http2 from 'node:http2';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { MatchRequest } from '../config/match-request.ts';
import type { BodySink, Downstream } from '../http/downstream.ts';
import type { PathNormalization } from '../http/normalize-path.ts';
import type { DownstreamTls } from '../tls/peer-identity.ts';
import { parseRequestTarget, type HostPortStrip } from './parse-request-target.ts';

export class Http2Downstream implements Downstream {
  readonly protocol = 'HTTP/2';
  readonly request: MatchRequest;
  readonly body: ServerHttp2Stream;
  // END_STREAM on HEADERS could say so, but reading the ended stream costs little on HTTP/2.
  readonly bodyless = false;
  readonly tls: DownstreamTls | undefined;
  #started = false;
  #aborted = false;
  #finished = false;
  #trailersFollow = false;
  #onAbort: (() => void) | undefined;
  readonly #sink: BodySink = {
    write: (chunk) => this.body.destroyed || this.body.write(chunk),
    onDrain: (callback) => {
      if (this.body.destroyed) callback();
      else this.body.once('drain', callback);
    },
  };

  /** Throws InvalidPathError when the path cannot be normalized. */
  constructor(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    strip: HostPortStrip = undefined,
    normalization?: PathNormalization,
    tls?: DownstreamTls,
  ) {
    this.body = stream;
    this.tls = tls;
    this.request = parseRequestTarget(
      String(headers[':method'] ?? 'GET'),
      String(headers[':path'] ?? '/'),
      (headers[':authority'] as string | undefined) ?? headers.host,
      String(headers[':scheme'] ?? 'http'),
      headers,
      strip,
      normalization,
    );
    stream.once('close', () => {
      if (this.#finished) return;
      this.#aborted = true;
      this.#onAbort?.();
    });
    // Errors surface through 'close'; an unobserved 'error' would crash the process.
    stream.on('error', () => {});
  }

  get remoteAddress(): string {
    return this.body.session?.socket?.remoteAddress ?? '';
  }

  get localPort(): number {
    return this.body.session?.socket?.localPort ?? 0;
  }

  get responseStarted(): boolean {
    return this.#started;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  respond(
    status: number,
    headers: OutgoingHttpHeaders,
    endStream: boolean,
    trailersFollow: boolean,
  ): BodySink {
    this.#started = true;
    this.#trailersFollow = trailersFollow && !endStream;
    headers[':status'] = status;
    if (this.body.destroyed || this.body.closed) return this.#sink;
    this.body.respond(headers, { endStream, waitForTrailers: this.#trailersFollow });
    if (endStream) this.#finished = true;
    return this.#sink;
  }

  finish(trailers: IncomingHttpHeaders | undefined): void {
    this.#finished = true;
    const stream = this.body;
    if (stream.destroyed) return;
    if (this.#trailersFollow) {
      stream.once('wantTrailers', () => {
        const out: OutgoingHttpHeaders = {};
        for (const k in trailers) if (k.charCodeAt(0) !== 58) out[k] = trailers[k];
        stream.sendTrailers(out);
      });
    }
    stream.end();
  }

  reset(): void {
    this.#finished = true;
    if (!this.body.destroyed) this.body.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  }

  onAbort(callback: () => void): void {
    this.#onAbort = callback;
  }
}
