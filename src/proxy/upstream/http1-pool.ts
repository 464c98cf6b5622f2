// Keep-alive HTTP/1.1 connections to one host (a node:http Agent) and attempts over them.
import http from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ClusterStats } from '../stats/cluster-stats.ts';
import type {
  AttemptFailureReason,
  AttemptOutcome,
  UpstreamExchange,
  UpstreamRequestHead,
  UpstreamResponse,
} from './exchange.ts';
import { forwardableHeaders } from './exchange.ts';
import type { Host } from './host.ts';

const connectFailureCodes = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
]);

export interface PoolSettings {
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

class Http1Response implements UpstreamResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: IncomingMessage;
  readonly mayHaveTrailers = false;
  readonly endStream = false;

  constructor(res: IncomingMessage) {
    this.status = res.statusCode ?? 502;
    this.headers = forwardableHeaders(res.headers) as http.IncomingHttpHeaders;
    this.body = res;
  }

  trailers(): http.IncomingHttpHeaders | undefined {
    const t = this.body.trailers;
    for (const _ in t) return t;
    return undefined;
  }
}

class Http1Exchange implements UpstreamExchange {
  readonly body: ClientRequest;
  readonly outcome: Promise<AttemptOutcome>;
  #resolve!: (o: AttemptOutcome) => void;
  #settled = false;
  #connecting = false;
  #timedOut = false;
  readonly #stats: ClusterStats;

  constructor(
    agent: http.Agent,
    host: Host,
    head: UpstreamRequestHead,
    connectTimeoutMs: number,
    stats: ClusterStats,
  ) {
    this.#stats = stats;
    this.outcome = new Promise((resolve) => (this.#resolve = resolve));
    const headers = head.headers;
    headers.host = head.authority;
    const req = http.request({
      agent,
      host: host.address,
      port: host.port,
      method: head.method,
      path: head.path,
      headers,
      setHost: false,
    });
    this.body = req;
    req.on('response', (res) => this.#settle({ kind: 'response', response: new Http1Response(res) }));
    req.on('error', (err: NodeJS.ErrnoException) => this.#onError(err, req));
    req.on('socket', (socket: Socket) => {
      if (!socket.connecting) return;
      this.#connecting = true;
      const started = performance.now();
      const timer = setTimeout(() => {
        this.#timedOut = true;
        stats.cxConnectTimeout.value++;
        req.destroy(new Error(`connect timeout after ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      socket.once('connect', () => {
        this.#connecting = false;
        stats.cxConnectMs.record(performance.now() - started);
        clearTimeout(timer);
      });
      socket.once('close', () => clearTimeout(timer));
    });
  }

  #onError(err: NodeJS.ErrnoException, req: ClientRequest): void {
    if (this.#settled) return;
    let reason: AttemptFailureReason;
    if (this.#timedOut) reason = 'connect_timeout';
    else if (this.#connecting || connectFailureCodes.has(err.code ?? '')) {
      reason = 'connect_failure';
      this.#stats.cxConnectFail.value++;
    } else reason = 'reset';
    this.#settle({
      kind: 'failure',
      reason,
      staleConnection: reason === 'reset' && req.reusedSocket,
      cause: err,
    });
  }

  #settle(o: AttemptOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(o);
  }

  abort(reason: AttemptFailureReason): void {
    this.#settle({ kind: 'failure', reason, staleConnection: false });
    this.body.destroy();
  }
}

export class Http1Pool {
  readonly #agent: http.Agent;
  readonly #host: Host;
  readonly #settings: PoolSettings;
  readonly #stats: ClusterStats;

  constructor(host: Host, settings: PoolSettings, stats: ClusterStats) {
    this.#host = host;
    this.#settings = settings;
    this.#stats = stats;
    const agent = new http.Agent({
      keepAlive: true,
      maxSockets: settings.maxConnections,
      // Idle pooled sockets are closed a little before a Node upstream's 5 s keep-alive timeout would close them.
      timeout: Math.min(settings.idleTimeoutMs, 4_000),
      scheduling: 'lifo',
    });
    const create = agent.createConnection.bind(agent);
    agent.createConnection = ((options: object, cb: unknown) => {
      const socket = (create as (o: object, c: unknown) => Socket)(options, cb);
      stats.cxTotal.value++;
      stats.cxActive.value++;
      socket.setNoDelay(true);
      socket.once('close', () => {
        stats.cxActive.value--;
        stats.cxRxBytes.value += socket.bytesRead;
        stats.cxTxBytes.value += socket.bytesWritten;
      });
      return socket;
    }) as typeof agent.createConnection;
    this.#agent = agent;
  }

  request(head: UpstreamRequestHead): UpstreamExchange {
    return new Http1Exchange(this.#agent, this.#host, head, this.#settings.connectTimeoutMs, this.#stats);
  }

  /** Closes every connection; call only when no request uses the pool any more. */
  close(): void {
    this.#agent.destroy();
  }
}
