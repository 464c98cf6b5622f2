// One signing authority of the built-in CA: a root made here (kept in the store) or the operator's CA
// certificate and key (--ca-cert/--ca-key); its ARN, its key, and how it is stored.

import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomUUID,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import type { StoredAuthority } from '../store/store.ts';
import { buildCertificate, derToPem } from './x509-builder.ts';

/** Where the ARNs of this control plane's CA live (App Mesh's account and region). */
export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

export interface Authority {
  /** The id in the ARN; a UUID for built-in roots, derived from the certificate for the operator's CA. */
  readonly id: string;
  readonly arn: string;
  readonly source: 'built-in' | 'operator';
  readonly certificate: X509Certificate;
  /** The signing certificate's PEM. */
  readonly certificatePem: string;
  /** CA certificates below the root, the signing one first when it is an intermediate; served after the leaf. */
  readonly chainPem: string;
  /** What peers trust for this authority: the root PEM (the top of the operator's file when it is self-signed). */
  readonly trustPem: string;
  readonly privateKey: KeyObject;
  readonly createdAtMs: number;
  /** When it starts signing; a rotated-in root is trusted first and signs a little later. */
  readonly activatesAtMs: number;
}

/** The JSON of a stored root's body; the key is PKCS#8 PEM, unencrypted (the store is private to us). */
interface StoredBody {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly activatesAtMs: number;
}

export class CaConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CaConfigError';
  }
}

export const rootLifeMs = 10 * 365 * 24 * 60 * 60 * 1000;

export function authorityArn(scope: ArnScope, id: string): string {
  return `arn:aws:acm-pca:${scope.region}:${scope.accountId}:certificate-authority/${id}`;
}

/**
 * The ACM-style ARN naming a workload's certificate from this CA: stable for a SPIFFE ID (the certificate
 * behind it is re-issued), so an App Mesh spec can name it as `certificate.acm.certificateArn`.
 */
export function certificateArnOf(scope: ArnScope, spiffeId: string): string {
  return `arn:aws:acm:${scope.region}:${scope.accountId}:certificate/${uuidFromDigest(spiffeId)}`;
}

function uuidFromDigest(text: string | Buffer): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** SHA-256 of the DER, as `AB:CD:...` (what openssl x509 -fingerprint -sha256 prints). */
export function fingerprintOf(certificate: X509Certificate): string {
  return certificate.fingerprint256;
}

/** A new EC P-256 root valid from now for ten years, and its stored form. */
export function createRootAuthority(
  scope: ArnScope,
  nowMs: number,
  activatesAtMs: number,
): { authority: Authority; stored: StoredAuthority } {
  const id = randomUUID();
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = buildCertificate(
    {
      commonName: `Switchyard CA ${id.slice(0, 8)}`,
      publicKey,
      // An hour back: a replica or proxy whose clock is a little behind still accepts it.
      notBeforeMs: nowMs - 60 * 60 * 1000,
      notAfterMs: nowMs + rootLifeMs,
      isCa: true,
    },
    { privateKey },
  );
  const body: StoredBody = {
    certificatePem: derToPem(der),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    activatesAtMs,
  };
  const stored = { id, createdAtMs: nowMs, body: JSON.stringify(body) };
  return { authority: parseStoredAuthority(scope, stored), stored };
}

export function parseStoredAuthority(scope: ArnScope, stored: StoredAuthority): Authority {
  const body = JSON.parse(stored.body) as StoredBody;
  const certificate = new X509Certificate(body.certificatePem);
  return {
    id: stored.id,
    arn: authorityArn(scope, stored.id),
    source: 'built-in',
    certificate,
    certificatePem: body.certificatePem,
    chainPem: '',
    trustPem: body.certificatePem,
    privateKey: createPrivateKey(body.privateKeyPem),
    createdAtMs: stored.createdAtMs,
    activatesAtMs: body.activatesAtMs,
  };
}

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The id of the operator's CA: a UUID-shaped slice of its certificate's SHA-256, the same on every replica. */
function operatorId(certificate: X509Certificate): string {
  return uuidFromDigest(certificate.raw);
}

/**
 * The operator's CA from the PEM texts of --ca-cert (the signing CA first, then any certificates up to its
 * root) and --ca-key. Throws CaConfigError with a one-line reason when the pair cannot sign.
 */
export function loadOperatorAuthority(
  scope: ArnScope,
  certificateText: string,
  keyText: string,
  nowMs: number,
): Authority {
  const blocks = certificateText.match(pemBlock) ?? [];
  if (blocks.length === 0) throw new CaConfigError('--ca-cert holds no PEM certificate');
  let certificates: X509Certificate[];
  try {
    certificates = blocks.map((block) => new X509Certificate(block));
  } catch (error) {
    throw new CaConfigError(`--ca-cert is not a valid certificate: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyText);
  } catch (error) {
    // The reason from OpenSSL names no key material.
    throw new CaConfigError(
      `--ca-key is not a readable unencrypted private key: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const certificate = certificates[0]!;
  if (!certificate.ca)
    throw new CaConfigError('--ca-cert is not a CA certificate (basicConstraints CA:TRUE is missing)');
  if (!certificate.checkPrivateKey(privateKey))
    throw new CaConfigError('--ca-key does not match the public key of --ca-cert');
  if (privateKey.asymmetricKeyType !== 'ec' && privateKey.asymmetricKeyType !== 'rsa')
    throw new CaConfigError(
      `--ca-key is a ${privateKey.asymmetricKeyType ?? 'unknown'} key: use an EC or RSA key`,
    );
  if (Date.parse(certificate.validTo) <= nowMs)
    throw new CaConfigError(`--ca-cert expired on ${new Date(certificate.validTo).toISOString()}`);
  const top = certificates[certificates.length - 1]!;
  const selfSigned = top.checkIssued(top);
  const pems = blocks.map((block) => `${block}\n`);
  const id = operatorId(certificate);
  return {
    id,
    arn: authorityArn(scope, id),
    source: 'operator',
    certificate,
    certificatePem: pems[0]!,
    // A leaf is sent with every CA certificate below the root: the signing one when it is an intermediate.
    chainPem: certificate.checkIssued(certificate) ? '' : pems.slice(0, selfSigned ? -1 : undefined).join(''),
    trustPem: selfSigned ? pems.at(-1)! : pems.join(''),
    privateKey,
    createdAtMs: nowMs,
    activatesAtMs: 0,
  };
}
