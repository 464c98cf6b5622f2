// One multiplexed HTTP/2 session to a host (h2c, or h2 over the cluster's TLS), reopened after GOAWAY or close,
// and attempts over it.
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import type {
  ClientHttp2Session,
  ClientHttp2Stream,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
} from 'node:http2';
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
import type { PoolSettings } from './http1-pool.ts';
import { hostKey } from './host.ts';
import { connectFailureCause, connectUpstream } from './upstream-socket.ts';

const alpnH2 = ['h2'];

const refusedStreamCode = http2.constants.NGHTTP2_REFUSED_STREAM;

class Http2Response implements UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: ClientHttp2Stream;
  readonly mayHaveTrailers = true;
  readonly endStream: boolean;
  #trailers: IncomingHttpHeaders | undefined;

  constructor(headers: IncomingHttpHeaders, flags: number, stream: ClientHttp2Stream) {
    this.status = Number(headers[':status'] ?? 502);
    this.headers = forwardableHeaders(headers) as IncomingHttpHeaders;
    this.body = stream;
    // `stream.endAfterHeaders` is not set yet when 'response' fires; the frame flags are.
    this.endStream = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    stream.once('trailers', (t: IncomingHttpHeaders) => (this.#trailers = t));
  }

  trailers(): IncomingHttpHeaders | undefined {
    return this.#trailers;
  }
}

interface SessionState {
  readonly session: ClientHttp2Session;
  readonly socket: Socket;
  readonly tls: boolean;
  connected: boolean;
  timedOut: boolean;
}

class Http2Exchange implements UpstreamExchange {
  readonly body: ClientHttp2Stream;
  readonly outcome: Promise<AttemptOutcome>;
  #resolve!: (o: AttemptOutcome) => void;
  #settled = false;

  constructor(state: SessionState, head: UpstreamRequestHead, stats: ClusterStats) {
    this.outcome = new Promise((resolve) => (this.#resolve = resolve));
    // The head's headers are shared by every attempt of a request: add the pseudo-headers to a copy.
    const headers: OutgoingHttpHeaders = {
      ...head.headers,
      ':method': head.method,
      ':path': head.path,
      ':authority': head.authority,
      ':scheme': state.tls ? 'https' : 'http',
    };
    const stream = state.session.request(headers, { endStream: false });
    this.body = stream;
    stream.once('response', (h: IncomingHttpHeaders, flags: number) =>
      this.#settle({ kind: 'response', response: new Http2Response(h, flags, stream) }),
    );
    const fail = (err?: Error): void => {
      if (this.#settled) return;
      let reason: AttemptFailureReason = 'reset';
      if (state.timedOut) reason = 'connect_timeout';
      else if (!state.connected) {
        reason = 'connect_failure';
        stats.cxConnectFail.value++;
        err = connectFailureCause(state.socket, err);
      } else if (stream.rstCode === refusedStreamCode) reason = 'refused_stream';
      this.#settle({ kind: 'failure', reason, staleConnection: false, cause: err });
    };
    stream.on('error', fail);
    stream.once('close', () => fail());
  }

  #settle(o: AttemptOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(o);
  }

  abort(reason: AttemptFailureReason): void {
    this.#settle({ kind: 'failure', reason, staleConnection: false });
    if (!this.body.destroyed) this.body.close(http2.constants.NGHTTP2_CANCEL);
  }
}

export class Http2Pool {
  readonly #host: Host;
  readonly #settings: PoolSettings;
  readonly #stats: ClusterStats;
  #state: SessionState | undefined;

  constructor(host: Host, settings: PoolSettings, stats: ClusterStats) {
    this.#host = host;
    this.#settings = settings;
    this.#stats = stats;
  }

  request(head: UpstreamRequestHead): UpstreamExchange {
    return new Http2Exchange(this.#session(), head, this.#stats);
  }

  #session(): SessionState {
    const current = this.#state;
    if (current && !current.session.closed && !current.session.destroyed) return current;
    const stats = this.#stats;
    const tls = this.#settings.tls();
    const { address, port } = this.#host;
    const upstream = connectUpstream(address, port, tls, stats, { alpn: alpnH2 });
    // Node starts the session on the socket's 'secureConnect' for TLS, so nothing is sent before verification.
    const session = http2.connect(`${tls ? 'https' : 'http'}://${hostKey(address, port)}`, {
      createConnection: () => upstream.socket,
    });
    const state: SessionState = {
      session,
      socket: upstream.socket,
      tls: tls !== undefined,
      connected: false,
      timedOut: false,
    };
    this.#state = state;
    stats.cxTotal.value++;
    stats.cxActive.value++;
    const started = performance.now();
    const timer = setTimeout(() => {
      state.timedOut = true;
      stats.cxConnectTimeout.value++;
      session.destroy(new Error(`connect timeout after ${this.#settings.connectTimeoutMs} ms`));
    }, this.#settings.connectTimeoutMs);
    session.once('connect', () => {
      state.connected = true;
      clearTimeout(timer);
      stats.cxConnectMs.record(performance.now() - started);
    });
    session.setTimeout(this.#settings.idleTimeoutMs, () => session.close());
    // Stream-level listeners report failures; the session error only needs to be observed.
    session.on('error', () => {});
    session.once('goaway', () => {
      if (this.#state === state) this.#state = undefined;
    });
    session.once('close', () => {
      clearTimeout(timer);
      stats.cxActive.value--;
      if (this.#state === state) this.#state = undefined;
    });
    session.unref();
    return state;
  }

  close(): void {
    this.#state?.session.close();
    this.#state = undefined;
  }
}
