// Turns a certificate or trust source into PEM: SDS secrets from the applied configuration, files from disk.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error.ts';
import type { CertificateSource, SecretConfig, TrustSource } from '../config/tls-types.ts';

export interface CertificateMaterial {
  readonly certificateChain: string;
  readonly privateKey: string;
}

export interface TrustMaterial {
  readonly trustedCa: string;
}

/** What listeners and clusters read their TLS PEM from when they are built. Throws ConfigError when absent. */
export interface TlsMaterialSource {
  certificate(source: CertificateSource): CertificateMaterial;
  trust(source: TrustSource): TrustMaterial;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(what, [`cannot read ${path} (${code})`]);
  }
}

/** Reads SDS secrets from `secrets` and files from disk each time it is asked (no cache, no watch). */
export class DirectTlsMaterial implements TlsMaterialSource {
  readonly #secrets: ReadonlyMap<string, SecretConfig>;

  constructor(secrets: ReadonlyMap<string, SecretConfig>) {
    this.#secrets = secrets;
  }

  certificate(source: CertificateSource): CertificateMaterial {
    if (source.kind === 'file')
      return {
        certificateChain: readPem(source.certificateChainPath, 'certificate chain'),
        privateKey: readPem(source.privateKeyPath, 'private key'),
      };
    const secret = this.#secrets.get(source.secretName);
    if (secret?.kind !== 'certificate')
      throw new ConfigError(`secret "${source.secretName}"`, ['no such TLS certificate secret']);
    return secret;
  }

  trust(source: TrustSource): TrustMaterial {
    if (source.kind === 'file') return { trustedCa: readPem(source.certificateChainPath, 'trust bundle') };
    const secret = this.#secrets.get(source.secretName);
    if (secret?.kind !== 'validation')
      throw new ConfigError(`secret "${source.secretName}"`, ['no such validation context secret']);
    return secret;
  }
}
