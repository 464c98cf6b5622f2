// Issues and caches workload certificates: one per SPIFFE ID, re-issued at two thirds of its life, when the
// signing root changes, or when its names change. Each issuance makes a fresh key here (no CSR: see docs/tls.md).

import { generateKeyPairSync } from 'node:crypto';
import type { CaClock } from './ca-clock.ts';
import type { MeshCa } from './mesh-ca.ts';
import { buildCertificate, derToPem } from './x509-builder.ts';

export interface IdentityRequest {
  /** `spiffe://<trust-domain>/mesh/<mesh>/virtualNode/<name>` (or virtualGateway). */
  readonly spiffeId: string;
  /** The certificate's CN: the node or gateway name. */
  readonly commonName: string;
  readonly dnsNames: readonly string[];
}

export interface IssuedIdentity {
  /** The leaf, then any intermediates up to (not including) the root. */
  readonly certificateChainPem: string;
  readonly privateKeyPem: string;
  readonly notAfterMs: number;
  /** When it is re-issued: two thirds of the way through its life. */
  readonly renewAtMs: number;
  readonly authorityId: string;
  /** The SANs it carries, for deciding whether a request still fits it. */
  readonly names: string;
}

// Accepted clock skew between the control plane and the proxies, bounded by a tenth of a short life.
const maxBackdateMs = 60_000;

export class IdentityIssuer {
  readonly #ca: MeshCa;
  readonly #clock: CaClock;
  readonly #issued = new Map<string, IssuedIdentity>();

  constructor(ca: MeshCa, clock: CaClock) {
    this.#ca = ca;
    this.#clock = clock;
  }

  /** The current certificate for `request`, issuing a new one when none fits. */
  certificateFor(request: IdentityRequest): IssuedIdentity {
    const now = this.#clock.now();
    const signer = this.#ca.signer();
    const names = JSON.stringify([request.spiffeId, request.commonName, [...request.dnsNames].sort()]);
    const current = this.#issued.get(request.spiffeId);
    if (current && current.authorityId === signer.id && current.names === names && now < current.renewAtMs)
      return current;
    const ttlMs = this.#ca.certTtlMs;
    const notAfterMs = Math.min(now + ttlMs, Date.parse(signer.certificate.validTo));
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = buildCertificate(
      {
        commonName: request.commonName,
        publicKey,
        notBeforeMs: now - Math.min(maxBackdateMs, Math.floor(ttlMs / 10)),
        notAfterMs,
        isCa: false,
        uris: [request.spiffeId],
        dnsNames: [...new Set(request.dnsNames)],
      },
      { privateKey: signer.privateKey, certificateDer: signer.certificate.raw },
    );
    const issued: IssuedIdentity = {
      certificateChainPem: derToPem(der) + signer.chainPem,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      notAfterMs,
      renewAtMs: now + Math.floor(((notAfterMs - now) * 2) / 3),
      authorityId: signer.id,
      names,
    };
    this.#issued.set(request.spiffeId, issued);
    return issued;
  }

  /** Drops the cached certificate of an identity no proxy uses any more (bounds the cache). */
  forget(spiffeId: string): void {
    this.#issued.delete(spiffeId);
  }

  get size(): number {
    return this.#issued.size;
  }
}
