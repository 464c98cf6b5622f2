// An HTTP listener: HTTP/1.1 and h2c (prior knowledge) on one port, each request routed under the scope it started with.
import http2 from 'node:http2';
import net from 'node:net';
import type { Socket } from 'node:net';
import type { ListenerConfig } from '../config/listener-types.ts';
import { InvalidPathError } from '../http/normalize-path.ts';
import { routeRequest } from '../http/router.ts';
import type { HttpScope } from '../http/router.ts';
import { Http1ServerConnection } from './http1-server-connection.ts';
import { Http2Downstream } from './http2-downstream.ts';
import type { HostPortStrip } from './parse-request-target.ts';

const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** An HTTP/1.1 connection without a request in progress (idle keep-alive, or a head trickling in) closes after this. */
const idleTimeoutMs = 60_000;
/** node:http's default headersTimeout: a request head must be complete within this of its first byte. */
const headersTimeoutMs = 60_000;

/** A started listener, HTTP or TCP, as the listener manager drives it. */
export interface RunningListener {
  readonly name: string;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish for up to `drainMs`, then closes what is left. */
  drain(drainMs: number): Promise<void>;
}

export class HttpListener implements RunningListener {
  readonly name: string;
  readonly config: ListenerConfig;
  #scope: HttpScope;
  readonly #server: net.Server;
  readonly #h2: http2.Http2Server;
  readonly #sockets = new Set<Socket>();
  readonly #h1Connections = new Set<Http1ServerConnection>();
  #draining = false;
  readonly #sessions = new Set<http2.Http2Session>();

  constructor(config: ListenerConfig, scope: HttpScope) {
    this.name = config.name;
    this.config = config;
    this.#scope = scope;
    this.#h2 = http2.createServer({ settings: { enableConnectProtocol: false } });
    this.#h2.on('stream', (stream, headers) => {
      const scope = this.#scope;
      let ds: Http2Downstream;
      try {
        ds = new Http2Downstream(stream, headers, this.#hostPortStrip(scope), scope.hcm);
      } catch (error) {
        if (!(error instanceof InvalidPathError)) throw error;
        // Envoy's path_normalization_failed: 400 before routing. The stream may already be reset by the client,
        // and its errors have no other listener: either would otherwise be an uncaught exception.
        stream.on('error', () => {});
        if (!stream.destroyed) stream.respond({ ':status': 400 }, { endStream: true });
        return;
      }
      void routeRequest(ds, scope);
    });
    this.#h2.on('session', (session) => {
      this.#sessions.add(session);
      session.once('close', () => this.#sessions.delete(session));
      session.on('error', () => {});
    });
    const codec = config.filter.kind === 'http' ? config.filter.codec : 'AUTO';
    this.#server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket, codec));
  }

  /** Requests that start after this call use `scope`; requests in flight keep the one they started with. */
  setScope(scope: HttpScope): void {
    this.#scope = scope;
  }

  #hostPortStrip(scope: HttpScope): HostPortStrip {
    if (scope.hcm.stripAnyHostPort) return 'any';
    return scope.hcm.stripMatchingHostPort ? this.port : undefined;
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a !== null ? a.port : this.config.port;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.config.port, this.config.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  #accept(socket: Socket, codec: 'AUTO' | 'HTTP1' | 'HTTP2'): void {
    const stats = this.#scope.stats;
    stats.cxTotal.value++;
    stats.cxActive.value++;
    this.#sockets.add(socket);
    socket.once('close', () => {
      stats.cxActive.value--;
      this.#sockets.delete(socket);
    });
    if (codec === 'HTTP1') return this.#serveHttp1(socket);
    if (codec === 'HTTP2') return void this.#h2.emit('connection', socket);
    // Sniff the first bytes: an HTTP/2 client with prior knowledge opens with the connection preface.
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, h2Preface.length);
      const isH2Prefix = seen.subarray(0, n).equals(h2Preface.subarray(0, n));
      if (isH2Prefix && seen.length < h2Preface.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(seen);
      // The HTTP/2 session picks up the unshifted bytes itself on the next tick; resuming here would lose them.
      if (isH2Prefix) this.#h2.emit('connection', socket);
      else {
        this.#serveHttp1(socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  }

  #serveHttp1(socket: Socket): void {
    const connection = new Http1ServerConnection(socket, {
      onRequest: (ds) => void routeRequest(ds, this.#scope),
      onProtocolError: () => this.#scope.stats.cxProtocolError.value++,
      strip: () => this.#hostPortStrip(this.#scope),
      pathNormalization: () => this.#scope.hcm,
      maxHeadersCount: this.#scope.hcm.maxHeadersCount,
      idleTimeoutMs,
      headersTimeoutMs,
    });
    this.#h1Connections.add(connection);
    if (this.#draining) connection.closeAfterCurrent();
    socket.once('close', () => this.#h1Connections.delete(connection));
  }

  async drain(drainMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // HTTP/1.1: idle keep-alive connections go now, busy ones after their response (Connection: close).
    this.#draining = true;
    for (const connection of this.#h1Connections) connection.closeWhenIdle();
    // HTTP/2: GOAWAY, streams in flight complete.
    for (const session of this.#sessions) session.close();
    const timer = setTimeout(() => {
      for (const s of this.#sockets) s.destroy();
    }, drainMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }
}
