// Downstream over an HTTP/1.1 request/response pair (node:http server).
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { MatchRequest } from '../config/match-request.ts';
import type { Downstream } from '../http/downstream.ts';
import { parseRequestTarget, type HostPortStrip } from './parse-request-target.ts';

export class Http1Downstream implements Downstream {
  readonly protocol = 'HTTP/1.1';
  readonly request: MatchRequest;
  readonly body: IncomingMessage;
  readonly bodyless: boolean;
  readonly #res: ServerResponse;
  #aborted = false;
  #finished = false;
  #onAbort: (() => void) | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, strip: HostPortStrip = undefined) {
    this.body = req;
    const h = req.headers;
    // RFC 9112 §6.3: a request without either header has no body.
    this.bodyless = h['content-length'] === undefined && h['transfer-encoding'] === undefined;
    this.#res = res;
    this.request = parseRequestTarget(
      req.method ?? 'GET',
      req.url ?? '/',
      req.headers.host,
      'http',
      req.headers,
      strip,
    );
    res.once('close', () => {
      if (this.#finished || res.writableFinished) return;
      this.#aborted = true;
      this.#onAbort?.();
    });
  }

  get remoteAddress(): string {
    return this.body.socket.remoteAddress ?? '';
  }

  get responseStarted(): boolean {
    return this.#res.headersSent;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  respond(status: number, headers: OutgoingHttpHeaders, endStream: boolean): Writable {
    this.#res.writeHead(status, headers);
    if (endStream) {
      this.#finished = true;
      this.#res.end();
    }
    return this.#res;
  }

  finish(trailers: IncomingHttpHeaders | undefined): void {
    this.#finished = true;
    if (trailers) this.#res.addTrailers(trailers as Record<string, string>);
    this.#res.end();
  }

  reset(): void {
    this.#finished = true;
    this.#res.destroy();
  }

  onAbort(callback: () => void): void {
    this.#onAbort = callback;
  }
}
