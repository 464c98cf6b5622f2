// TLS on the xDS port (`--xds-tls`): a server certificate from the built-in CA, renewed before it expires and
// re-issued when the CA rotates; client certificates are asked for but optional (a token may stand in).

import { generateKeyPairSync } from 'node:crypto';
import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { CaClock, CaTimer } from '../../ca/ca-clock.ts';
import type { MeshCa } from '../../ca/mesh-ca.ts';
import { buildCertificate, derToPem } from '../../ca/x509-builder.ts';

export interface LeafRequest {
  readonly commonName: string;
  readonly uris?: readonly string[];
  /** DNS names and IP literals alike: each goes into the SAN of its kind. */
  readonly names?: readonly string[];
}

export interface IssuedLeaf {
  /** The leaf, then any intermediates up to (not including) the root. */
  readonly certificateChainPem: string;
  readonly privateKeyPem: string;
  readonly notAfterMs: number;
}

// Accepted clock skew between the control plane and its clients.
const backdateMs = 60_000;

/** A fresh key and a certificate for it, signed by the CA's current signer, valid for the CA's leaf TTL. */
export function issueLeaf(ca: MeshCa, nowMs: number, request: LeafRequest): IssuedLeaf {
  const signer = ca.signer();
  const notAfterMs = Math.min(nowMs + ca.certTtlMs, Date.parse(signer.certificate.validTo));
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const names = [...new Set(request.names ?? [])];
  const der = buildCertificate(
    {
      commonName: request.commonName,
      publicKey,
      notBeforeMs: nowMs - Math.min(backdateMs, Math.floor(ca.certTtlMs / 10)),
      notAfterMs,
      isCa: false,
      uris: request.uris ?? [],
      dnsNames: names.filter((name) => isIP(name) === 0),
      ipAddresses: names.filter((name) => isIP(name) !== 0),
    },
    { privateKey: signer.privateKey, certificateDer: signer.certificate.raw },
  );
  return {
    certificateChainPem: derToPem(der) + signer.chainPem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    notAfterMs,
  };
}

export interface XdsServerTlsOptions {
  readonly ca: MeshCa;
  readonly clock: CaClock;
  /** What clients dial: names and IP literals the server certificate carries. */
  readonly names: readonly string[];
  readonly logger: Logger;
}

/**
 * A grpc-js certificate provider for both the identity and the client CA: grpc-js swaps the secure context of
 * the running server whenever it reports an update, so renewal and CA rotation need no restart.
 */
export class XdsServerTls implements grpc.experimental.CertificateProvider {
  readonly #options: XdsServerTlsOptions;
  readonly #identityListeners = new Set<grpc.experimental.IdentityCertificateUpdateListener>();
  readonly #caListeners = new Set<grpc.experimental.CaCertificateUpdateListener>();
  #identity!: grpc.experimental.IdentityCertificateUpdate;
  #trust!: grpc.experimental.CaCertificateUpdate;
  #renewal: CaTimer | undefined;
  readonly #stopWatchingCa: () => void;
  #notAfterMs = 0;

  constructor(options: XdsServerTlsOptions) {
    if (options.names.length === 0) throw new Error('the xDS server certificate needs at least one name');
    this.#options = options;
    this.#issue();
    this.#stopWatchingCa = options.ca.onChange(() => this.#issue());
  }

  /** Server credentials over this provider: TLS always, client certificates optional and verified if sent. */
  credentials(): grpc.ServerCredentials {
    // grpc-js's helper takes (ca, identity) but passes them on swapped; one provider serves both roles.
    return grpc.experimental.createCertificateProviderServerCredentials(this, this, false);
  }

  /** When the current server certificate expires (epoch ms). */
  get notAfterMs(): number {
    return this.#notAfterMs;
  }

  close(): void {
    this.#renewal?.cancel();
    this.#stopWatchingCa();
  }

  addCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.#caListeners.add(listener);
    this.#later(this.#caListeners, listener, () => this.#trust);
  }

  removeCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.#caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: grpc.experimental.IdentityCertificateUpdateListener): void {
    this.#identityListeners.add(listener);
    this.#later(this.#identityListeners, listener, () => this.#identity);
  }

  removeIdentityCertificateListener(listener: grpc.experimental.IdentityCertificateUpdateListener): void {
    this.#identityListeners.delete(listener);
  }

  /**
   * A new listener hears the current value on a later tick: grpc-js registers its own watcher only after adding
   * the listener, so a synchronous call would be lost and the server would drop every connection.
   */
  #later<T>(listeners: Set<(value: T) => void>, listener: (value: T) => void, value: () => T): void {
    queueMicrotask(() => {
      if (listeners.has(listener)) listener(value());
    });
  }

  #issue(): void {
    const { ca, clock, names, logger } = this.#options;
    const now = clock.now();
    const leaf = issueLeaf(ca, now, { commonName: 'switchyard-xds', names });
    this.#notAfterMs = leaf.notAfterMs;
    this.#identity = {
      certificate: Buffer.from(leaf.certificateChainPem),
      privateKey: Buffer.from(leaf.privateKeyPem),
    };
    this.#trust = { caCertificate: Buffer.from(ca.trustBundlePem()) };
    for (const listener of this.#caListeners) listener(this.#trust);
    for (const listener of this.#identityListeners) listener(this.#identity);
    this.#renewal?.cancel();
    // Renewed two thirds of the way through its life, as proxy identities are.
    this.#renewal = clock.setTimer(() => this.#issue(), Math.floor(((leaf.notAfterMs - now) * 2) / 3));
    logger.info(
      { names, notAfter: new Date(leaf.notAfterMs).toISOString() },
      'xds server certificate issued by the built-in CA',
    );
  }
}
