// Keep-alive HTTP/1.1 connections to one host: idle connections reused last-in first-out, attempts queued
// while max_connections are busy, idle ones closed after the idle timeout.
import type { ClusterStats } from '../stats/cluster-stats.ts';
import type { ClientTls } from '../tls/client-tls.ts';
import type { UpstreamExchange, UpstreamRequestHead } from './exchange.ts';
import { Http1Connection } from './http1-connection.ts';
import type { ConnectionOwner } from './http1-connection.ts';
import { Http1Exchange } from './http1-exchange.ts';
import type { Host } from './host.ts';

export interface PoolSettings {
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** The cluster's TLS as it is when a connection opens (rotated material applies to new connections only). */
  readonly tls: () => ClientTls | undefined;
}

// Idle connections go a little before a Node upstream's default 5 s keep-alive timeout would close them.
const maxIdleMs = 3_500;
const sweepMs = 500;

export class Http1Pool implements ConnectionOwner {
  readonly #host: Host;
  readonly #settings: PoolSettings;
  readonly #stats: ClusterStats;
  readonly #idleMs: number;
  readonly #idle: Http1Connection[] = [];
  readonly #queue: Http1Exchange[] = [];
  #open = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #dequeue = (exchange: Http1Exchange): void => {
    const i = this.#queue.indexOf(exchange);
    if (i >= 0) this.#queue.splice(i, 1);
  };

  constructor(host: Host, settings: PoolSettings, stats: ClusterStats) {
    this.#host = host;
    this.#settings = settings;
    this.#stats = stats;
    this.#idleMs = Math.min(settings.idleTimeoutMs, maxIdleMs);
  }

  request(head: UpstreamRequestHead): UpstreamExchange {
    const exchange = new Http1Exchange(head, this.#dequeue);
    const idle = this.#idle.pop();
    if (idle !== undefined) idle.start(exchange);
    else if (this.#open < this.#settings.maxConnections && !this.#closed) this.#connect().start(exchange);
    else this.#queue.push(exchange);
    return exchange;
  }

  #connect(): Http1Connection {
    this.#open++;
    const h = this.#host;
    const s = this.#settings;
    return new Http1Connection(h.address, h.port, s.connectTimeoutMs, this.#stats, this, s.tls());
  }

  reusable(connection: Http1Connection): void {
    if (this.#closed) return connection.destroy();
    const next = this.#queue.shift();
    if (next !== undefined) return connection.start(next);
    connection.idleSince = performance.now();
    this.#idle.push(connection);
    if (this.#sweeper === undefined) {
      this.#sweeper = setInterval(this.#sweep, sweepMs);
      this.#sweeper.unref();
    }
  }

  closed(connection: Http1Connection): void {
    this.#open--;
    const i = this.#idle.indexOf(connection);
    if (i >= 0) this.#idle.splice(i, 1);
    // A queued attempt gets a fresh connection in place of the one that went away.
    if (this.#queue.length > 0 && !this.#closed) this.#connect().start(this.#queue.shift() as Http1Exchange);
  }

  readonly #sweep = (): void => {
    const cutoff = performance.now() - this.#idleMs;
    // Oldest first: the stack's bottom has been idle longest.
    while (this.#idle.length > 0 && (this.#idle[0] as Http1Connection).idleSince <= cutoff)
      (this.#idle.shift() as Http1Connection).destroy();
    if (this.#idle.length === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  };

  /** Closes every connection; call only when no request uses the pool any more. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    for (const c of this.#idle.splice(0)) c.destroy();
    for (const ex of this.#queue.splice(0)) ex.abort('reset');
  }
}
