// The TLS step of accepting a connection: tells TLS from plaintext by the first byte (Envoy's tls_inspector), runs
// the handshake under a deadline, verifies the client certificate and its SAN rules, and counts the outcome.
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Clock } from '../clock.ts';
import type { ListenerConfig } from '../config/listener-types.ts';
import type { ListenerStats } from '../stats/listener-stats.ts';
import { downstreamTlsOf } from '../tls/peer-identity.ts';
import type { DownstreamTls } from '../tls/peer-identity.ts';
import { matchesSubjectAltNames } from '../tls/san-match.ts';
import type { ServerTlsContext } from '../tls/server-tls-context.ts';

/** A TLS record of type handshake: every ClientHello starts with it, no HTTP method or h2 preface does. */
const tlsHandshakeRecord = 0x16;

export interface SecureAcceptSettings {
  readonly tls: ServerTlsContext;
  readonly stats: ListenerStats;
  readonly clock: Clock;
  /** Sniffing and the handshake together; a client that stalls is closed then (`downstream_pre_cx_timeout`). */
  readonly deadlineMs: number;
  /** ALPN protocols offered here (the listener's list, narrowed to what its codec speaks). */
  readonly alpn: readonly string[];
}

/** A connection ready for its codec: decrypted (with what the handshake told) or plaintext as it came. */
export interface AcceptedConnection {
  readonly socket: Socket;
  readonly tls: DownstreamTls | undefined;
  /** The negotiated ALPN protocol; undefined when none was (or plaintext). */
  readonly alpn: string | undefined;
}

/** Without a listener-filters or request-headers timeout a handshake still ends: Envoy's listener filter default. */
const fallbackDeadlineMs = 15_000;

/** The deadline for sniffing plus the handshake: the listener-filters timeout, else the request-headers one. */
export function tlsDeadlineMs(config: ListenerConfig, requestHeadersTimeoutMs: number): number {
  if (config.listenerFiltersTimeoutMs > 0) return config.listenerFiltersTimeoutMs;
  return requestHeadersTimeoutMs > 0 ? requestHeadersTimeoutMs : fallbackDeadlineMs;
}

type VerifyFailure = 'no_cert' | 'error' | 'san';

interface ServerSocketInternals {
  _handle?: { verifyError?: () => Error | null };
  secureConnecting?: boolean;
}

/**
 * OpenSSL's verdict on the client's chain against the listener's trust bundle. Node reads it (into `authorized`)
 * only for sockets a tls.Server made; a socket built on an accepted, sniffed connection reads it from its handle as
 * tls.Server does. Should that ever be missing, the answer is a failure: a chain we cannot check is refused.
 */
function chainVerifyError(socket: TLSSocket): Error | null {
  const handle = (socket as unknown as ServerSocketInternals)._handle;
  if (typeof handle?.verifyError !== 'function') return new Error('chain verification unavailable');
  return handle.verifyError();
}

/**
 * What tls.Server does for its sockets once the handshake is done: node:http2 waits for `secureConnecting` to drop
 * before it reads a TLS socket, and would otherwise wait forever on one we built.
 */
function markHandshakeDone(socket: TLSSocket): void {
  (socket as unknown as ServerSocketInternals).secureConnecting = false;
}

function verifyPeer(socket: TLSSocket, tls: ServerTlsContext): VerifyFailure | undefined {
  if (!tls.requireClientCert) return undefined;
  const peer = socket.getPeerX509Certificate();
  if (peer === undefined) return 'no_cert';
  if (chainVerifyError(socket) !== null) return 'error';
  return matchesSubjectAltNames(peer, tls.subjectAltNames) ? undefined : 'san';
}

/**
 * Takes `raw` through sniffing and TLS as `settings.tls.mode` says, then calls `onReady` once; a connection that
 * fails is destroyed (and counted) and `onReady` is never called. The socket must not have been read yet.
 */
export function acceptSecure(
  raw: Socket,
  settings: SecureAcceptSettings,
  onReady: (connection: AcceptedConnection) => void,
): void {
  const { tls, stats } = settings;
  stats.preCxActive.value++;
  let pending = true;
  const settle = (): boolean => {
    if (!pending) return false;
    pending = false;
    timer?.cancel();
    stats.preCxActive.value--;
    return true;
  };
  const timer =
    settings.deadlineMs > 0
      ? settings.clock.setTimer(() => {
          if (!settle()) return;
          stats.preCxTimeout.value++;
          raw.destroy();
          secure?.destroy();
        }, settings.deadlineMs)
      : undefined;
  let secure: TLSSocket | undefined;
  raw.on('error', () => {});
  raw.once('close', () => settle());

  const startTls = (): void => {
    const socket = new TLSSocket(raw, {
      isServer: true,
      secureContext: tls.secureContext,
      requestCert: tls.requireClientCert,
      rejectUnauthorized: false,
      ALPNProtocols: settings.alpn.length > 0 ? [...settings.alpn] : undefined,
    });
    secure = socket;
    socket.on('error', () => {
      if (!settle()) return;
      stats.sslConnectionError.value++;
      socket.destroy();
    });
    socket.once('secure', () => {
      if (!pending) return socket.destroy();
      const failure = verifyPeer(socket, tls);
      if (failure !== undefined) {
        settle();
        stats.sslConnectionError.value++;
        if (failure === 'no_cert') stats.sslFailVerifyNoCert.value++;
        else if (failure === 'error') stats.sslFailVerifyError.value++;
        else stats.sslFailVerifySan.value++;
        socket.destroy();
        return;
      }
      settle();
      markHandshakeDone(socket);
      stats.sslHandshake.value++;
      const info = downstreamTlsOf(socket, tls.localUriSans);
      if (info.peer === undefined) stats.sslNoCertificate.value++;
      const alpn = socket.alpnProtocol;
      onReady({ socket, tls: info, alpn: typeof alpn === 'string' ? alpn : undefined });
    });
  };

  const onData = (chunk: Buffer): void => {
    raw.off('data', onData);
    raw.pause();
    raw.unshift(chunk);
    if (chunk[0] === tlsHandshakeRecord) return startTls();
    if (tls.mode === 'PERMISSIVE') {
      settle();
      onReady({ socket: raw, tls: undefined, alpn: undefined });
      return;
    }
    // STRICT: no filter chain takes plaintext, as in Envoy (where tls_inspector finds no ClientHello).
    settle();
    stats.noFilterChainMatch.value++;
    raw.destroy();
  };
  raw.on('data', onData);
  raw.resume();
}
