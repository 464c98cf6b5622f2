// An HTTP listener: HTTP/1.1 and HTTP/2 on one port (h2c by prior knowledge, or over TLS by ALPN), each request
// routed under the scope it started with.
import http2 from 'node:http2';
import net from 'node:net';
import type { Socket } from 'node:net';
import type { ListenerConfig } from '../config/listener-types.ts';
import { InvalidPathError } from '../http/normalize-path.ts';
import { routeRequest } from '../http/router.ts';
import type { HttpScope } from '../http/router.ts';
import { Http1ServerConnection } from './http1-server-connection.ts';
import { Http2Downstream } from './http2-downstream.ts';
import { Http2SessionGuard } from './http2-session-guard.ts';
import { acceptSecure, tlsDeadlineMs } from './secure-accept.ts';
import type { AcceptedConnection } from './secure-accept.ts';
import type { DownstreamTls } from '../tls/peer-identity.ts';
import type { HostPortStrip } from './parse-request-target.ts';
import { ListenerStats, listenerStatAddress } from '../stats/listener-stats.ts';

const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

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
  readonly #sessions = new Map<http2.ServerHttp2Session, Http2SessionGuard>();
  /** The TLS of each HTTP/2 session's connection (its socket is only reachable through a proxy object). */
  readonly #sessionTls = new WeakMap<http2.ServerHttp2Session, DownstreamTls>();
  /** Set while a TLS connection is handed to the HTTP/2 server, which makes its session synchronously. */
  #handingTls: DownstreamTls | undefined;
  /** Set once bound: Envoy scopes these by the bound address. */
  #listenerStats: ListenerStats | undefined;

  constructor(config: ListenerConfig, scope: HttpScope) {
    this.name = config.name;
    this.config = config;
    this.#scope = scope;
    this.#h2 = http2.createServer({
      settings: { enableConnectProtocol: false, maxConcurrentStreams: scope.hcm.maxConcurrentStreams },
    });
    this.#h2.on('stream', (stream, headers) => {
      const scope = this.#scope;
      this.#sessions.get(stream.session as http2.ServerHttp2Session)?.track(stream);
      let ds: Http2Downstream;
      try {
        const session = stream.session as http2.ServerHttp2Session;
        const tls = this.#sessionTls.get(session);
        ds = new Http2Downstream(stream, headers, this.#hostPortStrip(scope), scope.hcm, tls);
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
      if (this.#handingTls !== undefined) this.#sessionTls.set(session, this.#handingTls);
      const hcm = this.#scope.hcm;
      this.#sessions.set(session, new Http2SessionGuard(session, this.#scope.stats, hcm.idleTimeoutMs));
      // The server's SETTINGS were fixed when it was created; a later configuration applies to new sessions.
      if (hcm.maxConcurrentStreams !== scope.hcm.maxConcurrentStreams)
        session.settings({ maxConcurrentStreams: hcm.maxConcurrentStreams });
      session.once('close', () => this.#sessions.delete(session));
      session.on('error', () => {});
    });
    const codec = config.filter.kind === 'http' ? config.filter.codec : 'AUTO';
    this.#server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket, codec));
    // Over the limit, node:net closes a connection as soon as it is accepted; the ones held keep being served.
    this.#server.maxConnections = config.maxConnections;
    this.#server.on('drop', () => {
      if (this.#listenerStats) this.#listenerStats.cxOverflow.value++;
    });
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
        const address = listenerStatAddress(this.config.host, this.port);
        this.#listenerStats = new ListenerStats(this.#scope.stats.store, address);
        resolve();
      });
    });
  }

  #accept(socket: Socket, codec: 'AUTO' | 'HTTP1' | 'HTTP2'): void {
    const scope = this.#scope;
    const stats = scope.stats;
    const listenerStats = this.#listenerStats!;
    stats.cxTotal.value++;
    stats.cxActive.value++;
    listenerStats.cxTotal.value++;
    listenerStats.cxActive.value++;
    this.#sockets.add(socket);
    socket.once('close', () => {
      stats.cxActive.value--;
      listenerStats.cxActive.value--;
      this.#sockets.delete(socket);
    });
    if (scope.tls === undefined) return this.#serve({ socket, tls: undefined, alpn: undefined }, codec);
    socket.on('error', () => {});
    acceptSecure(
      socket,
      {
        tls: scope.tls,
        stats: listenerStats,
        clock: scope.clock,
        deadlineMs: tlsDeadlineMs(this.config, scope.hcm.requestHeadersTimeoutMs),
        alpn: alpnFor(codec, scope.tls.alpn),
      },
      (accepted) => this.#serve(accepted, codec),
    );
  }

  /** Hands a connection (plaintext, or decrypted) to its codec: ALPN decides over TLS, else the config or a sniff. */
  #serve(connection: AcceptedConnection, codec: 'AUTO' | 'HTTP1' | 'HTTP2'): void {
    const { socket, tls, alpn } = connection;
    if (tls !== undefined) {
      // The decrypted socket is what the drain deadline must destroy, alongside the raw one.
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    }
    if (alpn === 'h2' || (alpn === undefined && codec === 'HTTP2')) return this.#serveHttp2(socket, tls);
    if (alpn === 'http/1.1' || codec === 'HTTP1') {
      this.#serveHttp1(socket, tls);
      socket.resume();
      return;
    }
    // Sniff the first bytes: an HTTP/2 client with prior knowledge opens with the connection preface. A client
    // that sends nothing, or only part of the preface, is bounded like Envoy's listener filters.
    const listenerStats = this.#listenerStats!;
    listenerStats.preCxActive.value++;
    const sniffMs = this.config.listenerFiltersTimeoutMs;
    const sniffTimer =
      sniffMs > 0
        ? this.#scope.clock.setTimer(() => {
            listenerStats.preCxTimeout.value++;
            socket.destroy();
          }, sniffMs)
        : undefined;
    const sniffed = (): void => {
      sniffTimer?.cancel();
      listenerStats.preCxActive.value--;
      socket.off('data', onData);
      socket.off('close', sniffed);
    };
    socket.once('close', sniffed);
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, h2Preface.length);
      const isH2Prefix = seen.subarray(0, n).equals(h2Preface.subarray(0, n));
      if (isH2Prefix && seen.length < h2Preface.length) return;
      sniffed();
      socket.pause();
      socket.unshift(seen);
      // The HTTP/2 session picks up the unshifted bytes itself on the next tick; resuming here would lose them.
      if (isH2Prefix) this.#serveHttp2(socket, tls);
      else {
        this.#serveHttp1(socket, tls);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => {});
    socket.resume();
  }

  #serveHttp2(socket: Socket, tls: DownstreamTls | undefined): void {
    this.#handingTls = tls;
    try {
      this.#h2.emit('connection', socket);
    } finally {
      this.#handingTls = undefined;
    }
  }

  #serveHttp1(socket: Socket, tls: DownstreamTls | undefined): void {
    const hcm = this.#scope.hcm;
    const connection = new Http1ServerConnection(socket, {
      onRequest: (ds) => {
        if (this.#scope.drainClose?.()) connection.closeAfterCurrent();
        void routeRequest(ds, this.#scope);
      },
      onProtocolError: () => this.#scope.stats.cxProtocolError.value++,
      onIdleTimeout: () => this.#scope.stats.cxIdleTimeout.value++,
      onHeadersTimeout: () => this.#scope.stats.rqHeaderTimeout.value++,
      onReadingPaused: (paused) => {
        const stats = this.#scope.stats;
        if (paused) stats.flowControlPausedReading.value++;
        else stats.flowControlResumedReading.value++;
      },
      strip: () => this.#hostPortStrip(this.#scope),
      pathNormalization: () => this.#scope.hcm,
      maxHeadersCount: hcm.maxHeadersCount,
      idleTimeoutMs: hcm.idleTimeoutMs,
      headersTimeoutMs: hcm.requestHeadersTimeoutMs,
      clock: this.#scope.clock,
      ...(tls === undefined ? {} : { tls }),
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
    for (const session of this.#sessions.keys()) session.close();
    const timer = setTimeout(() => {
      for (const s of this.#sockets) s.destroy();
    }, drainMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }
}

/** The ALPN protocols a listener offers: its configured list, without what its codec cannot speak. */
function alpnFor(codec: 'AUTO' | 'HTTP1' | 'HTTP2', configured: readonly string[]): readonly string[] {
  if (codec === 'HTTP1') return configured.filter((p) => p !== 'h2');
  if (codec === 'HTTP2') return configured.filter((p) => p !== 'http/1.1');
  return configured;
}
