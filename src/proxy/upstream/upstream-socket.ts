// Opens a connection to an upstream host, plaintext or through the cluster's TLS, and says when it is usable.
import net from 'node:net';
import type { Socket } from 'node:net';
import type { ClientTls } from '../tls/client-tls.ts';
import { UpstreamTlsError, upstreamTlsFailure } from '../tls/client-tls.ts';
import type { ClusterStats } from '../stats/cluster-stats.ts';

export interface UpstreamSocket {
  readonly socket: Socket;
  /** The event after which bytes may be written: 'connect', or 'secureConnect' once the server is verified. */
  readonly readyEvent: 'connect' | 'secureConnect';
}

export interface UpstreamSocketOptions {
  /** ALPN offered when the connection is TLS (ignored for plaintext). */
  readonly alpn: readonly string[];
  readonly allowHalfOpen?: boolean;
}

export function connectUpstream(
  address: string,
  port: number,
  tls: ClientTls | undefined,
  stats: ClusterStats,
  options: UpstreamSocketOptions,
): UpstreamSocket {
  if (tls === undefined)
    return {
      socket: net.connect({
        host: address,
        port,
        noDelay: true,
        allowHalfOpen: options.allowHalfOpen ?? false,
      }),
      readyEvent: 'connect',
    };
  const socket = tls.connect(address, port, stats.ssl, options);
  // Nothing written before the server passed verification may leave the process. Node holds such writes until its
  // own check ran (measured: none reached a refused server without this); the cork says so here instead of relying
  // on it, and what it holds is dropped with the socket when verification fails.
  socket.cork();
  socket.once('secureConnect', () => socket.uncork());
  return { socket, readyEvent: 'secureConnect' };
}

/** What a connection that never became usable failed with: its TLS failure if the handshake failed, else `error`. */
export function connectFailureCause(socket: Socket, error: Error | undefined): Error | undefined {
  return upstreamTlsFailure(socket) ?? error;
}

/** `%UPSTREAM_TRANSPORT_FAILURE_REASON%` for a failed attempt's cause; '' when the transport did not fail. */
export function transportFailureReason(cause: Error | undefined): string {
  return cause instanceof UpstreamTlsError ? cause.transportFailureReason : '';
}
