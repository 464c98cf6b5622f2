// TLS a cluster originates: a SecureContext built from its material when the cluster is (re)built, and
// connections that verify the server (chain against the trust bundle, then the SAN rules) before any byte goes out.
import tls from 'node:tls';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { ConfigError } from '../config/config-error.ts';
import type { UpstreamTlsConfig } from '../config/tls-types.ts';
import type { ClusterSslStats } from '../stats/cluster-stats.ts';
import { matchesSubjectAltNames } from './san-match.ts';
import type { TlsMaterialSource } from './tls-material.ts';

/** Why a handshake with an upstream failed: the `ssl.*` stat it counts under besides `connection_error`. */
export type ClientTlsFailureKind = 'verify_error' | 'verify_san' | 'handshake';

/** A TLS failure before the connection was usable; the attempt fails as a connect failure. */
export class UpstreamTlsError extends Error {
  readonly kind: ClientTlsFailureKind;
  /** `%UPSTREAM_TRANSPORT_FAILURE_REASON%`, shaped like Envoy's (no spaces, so a log field stays one token). */
  readonly transportFailureReason: string;

  constructor(kind: ClientTlsFailureKind, detail: string, cause?: Error) {
    const verify = kind === 'handshake' ? '' : 'CERTIFICATE_VERIFY_FAILED:';
    const reason = `TLS_error:|${verify}${detail.replaceAll(' ', '_')}:TLS_error_end`;
    super(`upstream TLS ${kind === 'handshake' ? 'handshake failed' : 'verification failed'}: ${detail}`, {
      cause,
    });
    this.name = 'UpstreamTlsError';
    this.kind = kind;
    this.transportFailureReason = reason;
  }
}

/** Raised from checkServerIdentity: Node then destroys the socket with it before 'secureConnect'. */
class SanMismatch extends Error {
  readonly code = 'SAN_MISMATCH';
}

export interface ClientTlsConnectOptions {
  /** Protocols offered by ALPN for this connection; empty offers none. */
  readonly alpn: readonly string[];
  readonly allowHalfOpen?: boolean;
}

/** Sessions kept for resumption, one per host; the oldest goes first beyond this. */
const maxSessions = 1_024;

const failures = new WeakMap<TLSSocket, UpstreamTlsError>();

/** The TLS failure a socket from `ClientTls.connect` closed with, if it failed during its handshake. */
export function upstreamTlsFailure(socket: object): UpstreamTlsError | undefined {
  return failures.get(socket as TLSSocket);
}

/**
 * One cluster's upstream TLS. Built whole from the material as it is now (a rotated certificate means a new
 * ClientTls for new connections; open ones keep theirs). Throws ConfigError when material is missing or bad.
 */
export class ClientTls {
  readonly config: UpstreamTlsConfig;
  readonly #context: tls.SecureContext;
  readonly #sessions = new Map<string, Buffer>();

  constructor(config: UpstreamTlsConfig, material: TlsMaterialSource) {
    this.config = config;
    const trust = config.validation && material.trust(config.validation.trust);
    const cert = config.certificate && material.certificate(config.certificate);
    try {
      this.#context = tls.createSecureContext({
        minVersion: 'TLSv1.2',
        ca: trust?.trustedCa,
        cert: cert?.certificateChain,
        key: cert?.privateKey,
      });
    } catch (cause) {
      // OpenSSL's message names the PEM problem, never the key material.
      throw new ConfigError('upstream TLS context', [(cause as Error).message]);
    }
  }

  /**
   * Opens a TLS connection to a host. It emits 'secureConnect' only once the server passed verification;
   * otherwise it closes with an error and `upstreamTlsFailure(socket)` says why. Stats go to `stats`.
   */
  connect(
    address: string,
    port: number,
    stats: ClusterSslStats,
    options: ClientTlsConnectOptions,
  ): TLSSocket {
    const validation = this.config.validation;
    const key = `${address}:${port}`;
    // Node's tls.connect honours allowHalfOpen (its type declaration does not list it).
    const halfOpen = { allowHalfOpen: options.allowHalfOpen ?? false } as tls.ConnectionOptions;
    const socket = tls.connect({
      ...halfOpen,
      host: address,
      port,
      secureContext: this.#context,
      servername: this.config.sni,
      ALPNProtocols: options.alpn.length > 0 ? [...options.alpn] : undefined,
      session: this.#sessions.get(key),
      // Without a validation context Envoy accepts any server certificate; so do we.
      rejectUnauthorized: validation !== undefined,
      // Node's default compares the SNI with the certificate; the cluster's SAN rules decide instead.
      checkServerIdentity: (_host: string, cert: PeerCertificate) =>
        validation === undefined || matchesSubjectAltNames(cert, validation.subjectAltNames)
          ? undefined
          : new SanMismatch('no subject alternative name of the server certificate meets the rules'),
    });
    socket.setNoDelay(true);
    let tcpConnected = false;
    let secured = false;
    socket.once('connect', () => (tcpConnected = true));
    socket.once('secureConnect', () => {
      secured = true;
      stats.handshake.value++;
      stats.recordVersion(socket.getProtocol());
      if (socket.isSessionReused()) stats.sessionReused.value++;
    });
    socket.on('session', (session: Buffer) => {
      this.#sessions.delete(key);
      if (this.#sessions.size >= maxSessions) this.#sessions.delete(this.#sessions.keys().next().value!);
      this.#sessions.set(key, session);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      // Not a handshake failure: before TCP connected, after the handshake, or our own destroy (a connect timeout).
      if (secured || !tcpConnected || (err.code === undefined && !(err instanceof SanMismatch))) return;
      // A resumed session that now fails is not resumed again.
      this.#sessions.delete(key);
      stats.connectionError.value++;
      let failure: UpstreamTlsError;
      if (err instanceof SanMismatch) {
        stats.failVerifySan.value++;
        failure = new UpstreamTlsError('verify_san', 'verify_SAN_list', err);
      } else if (socket.authorizationError !== undefined && socket.authorizationError !== null) {
        stats.failVerifyError.value++;
        failure = new UpstreamTlsError('verify_error', String(socket.authorizationError), err);
      } else failure = new UpstreamTlsError('handshake', err.code ?? err.message, err);
      failures.set(socket, failure);
    });
    return socket;
  }
}
