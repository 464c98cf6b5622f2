// A TCP proxy listener: each connection goes to a host of a (weighted) cluster, bytes piped both ways.
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

export interface TcpScope {
  readonly tcp: TcpProxyConfig;
  readonly stats: TcpStats;
  readonly clusters: ClusterManager;
  readonly clock: Clock;
  readonly random: () => number;
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

  #accept(down: Socket): void {
    const scope = this.#scope;
    const stats = scope.stats;
    const listenerStats = this.#listenerStats!;
    stats.cxTotal.value++;
    stats.cxActive.value++;
    listenerStats.cxTotal.value++;
    listenerStats.cxActive.value++;
    this.#sockets.add(down);
    down.on('error', () => {});
    down.once('close', () => {
      stats.cxActive.value--;
      listenerStats.cxActive.value--;
      stats.rxBytes.value += down.bytesRead;
      stats.txBytes.value += down.bytesWritten;
      this.#sockets.delete(down);
    });
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
