// A TCP proxy listener: each connection (decrypted first when the listener terminates TLS) goes to a host of a
// (weighted) cluster, bytes piped both ways.
import net from 'node:net';
import type { Socket } from 'node:net';
import type { Clock } from '../clock.ts';
import type { ListenerConfig, TcpProxyConfig } from '../config/listener-types.ts';
import { pickWeighted } from '../http/weighted-pick.ts';
import type { TcpStats } from '../stats/http-stats.ts';
import { ListenerStats, listenerStatAddress } from '../stats/listener-stats.ts';
import type { ClusterManager } from '../upstream/cluster-manager.ts';
import { connectUpstream } from '../upstream/upstream-socket.ts';
import type { RunningListener } from './http-listener.ts';
import type { TlsMaterialSource } from '../tls/tls-material.ts';
import type { ServerTlsContext } from '../tls/server-tls-context.ts';
import { acceptSecure, tlsDeadlineMs } from './secure-accept.ts';

export interface TcpScope {
  readonly tcp: TcpProxyConfig;
  readonly stats: TcpStats;
  readonly clusters: ClusterManager;
  readonly clock: Clock;
  readonly random: () => number;
  /** Where the listener's TLS certificate and trust PEM come from (a rotated one arrives in a new scope). */
  readonly material: TlsMaterialSource;
  /** The TLS the listener terminates, built for this scope; undefined: plaintext only. */
  readonly tls?: ServerTlsContext;
}

export class TcpListener implements RunningListener {
  readonly name: string;
  readonly config: ListenerConfig;
  #scope: TcpScope;
  readonly #server: net.Server;
  readonly #sockets = new Set<Socket>();
  /** Set once bound: Envoy scopes these by the bound address. */
  #listenerStats: ListenerStats | undefined;

  constructor(config: ListenerConfig, scope: TcpScope) {
    this.name = config.name;
    this.config = config;
    this.#scope = scope;
    this.#server = net.createServer({ noDelay: true, pauseOnConnect: true, allowHalfOpen: true }, (s) =>
      this.#accept(s),
    );
    // Over the limit, node:net closes a connection as soon as it is accepted; the ones held keep being served.
    this.#server.maxConnections = config.maxConnections;
    this.#server.on('drop', () => {
      if (this.#listenerStats) this.#listenerStats.cxOverflow.value++;
    });
  }

  setScope(scope: TcpScope): void {
    this.#scope = scope;
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

  #accept(raw: Socket): void {
    const scope = this.#scope;
    const stats = scope.stats;
    const listenerStats = this.#listenerStats!;
    stats.cxTotal.value++;
    stats.cxActive.value++;
    listenerStats.cxTotal.value++;
    listenerStats.cxActive.value++;
    this.#sockets.add(raw);
    raw.on('error', () => {});
    raw.once('close', () => {
      stats.cxActive.value--;
      listenerStats.cxActive.value--;
      stats.rxBytes.value += raw.bytesRead;
      stats.txBytes.value += raw.bytesWritten;
      this.#sockets.delete(raw);
    });
    if (scope.tls === undefined) return this.#proxy(raw, scope);
    acceptSecure(
      raw,
      {
        tls: scope.tls,
        stats: listenerStats,
        clock: scope.clock,
        deadlineMs: tlsDeadlineMs(this.config, 0),
        alpn: scope.tls.alpn,
      },
      ({ socket }) => {
        // Held until the upstream answers, as a plaintext connection is (pauseOnConnect).
        socket.pause();
        socket.on('error', () => {});
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
        this.#proxy(socket, scope);
      },
    );
  }

  /** Connects `down` (paused, not yet read) to a host of the scope's clusters and pipes both ways. */
  #proxy(down: Socket, scope: TcpScope): void {
    const stats = scope.stats;
    const choice = pickWeighted(scope.tcp.clusters, scope.tcp.totalWeight, scope.random());
    const cluster = choice && scope.clusters.get(choice.name);
    const host = cluster?.pickHost();
    if (!cluster || !host) {
      stats.noRoute.value++;
      if (cluster) cluster.stats.cxNoneHealthy.value++;
      down.destroy();
      return;
    }
    const cstats = cluster.stats;
    cstats.cxTotal.value++;
    cstats.cxActive.value++;
    host.activeRequests++;
    // Half-open on both sides so a client's FIN travels upstream while the answer still flows back.
    const { socket: up, readyEvent } = connectUpstream(host.address, host.port, cluster.tls, cstats, {
      alpn: cluster.tls?.config.alpn ?? [],
      allowHalfOpen: true,
    });
    const connectTimer = scope.clock.setTimer(() => {
      cstats.cxConnectTimeout.value++;
      up.destroy(new Error('connect timeout'));
    }, cluster.config.connectTimeoutMs);
    let connected = false;
    up.once(readyEvent, () => {
      connected = true;
      connectTimer.cancel();
      // pipe() is the back-pressure both ways: a side whose peer does not read stops being read.
      down.pipe(up);
      up.pipe(down);
      down.resume();
    });
    if (scope.tcp.idleTimeoutMs > 0) {
      down.setTimeout(scope.tcp.idleTimeoutMs, () => {
        stats.idleTimeout.value++;
        down.destroy();
        up.destroy();
      });
    }
    up.on('error', () => {
      if (!connected) {
        cstats.cxConnectFail.value++;
        cluster.onFailure(host);
      }
    });
    up.once('close', (hadError) => {
      connectTimer.cancel();
      host.activeRequests--;
      cstats.cxActive.value--;
      cstats.cxRxBytes.value += up.bytesRead;
      cstats.cxTxBytes.value += up.bytesWritten;
      // A clean close already ended the downstream through the pipe; destroying now could drop unflushed bytes.
      if (hadError || !connected) down.destroy();
    });
    down.once('close', () => up.destroy());
  }

  async drain(drainMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    const timer = setTimeout(() => {
      for (const s of this.#sockets) s.destroy();
    }, drainMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }
}
