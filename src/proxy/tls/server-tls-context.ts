// A listener's TLS, built from its config and the PEM the material source holds now: one SecureContext per listener
// scope, so a rebuilt scope serves a rotated certificate to new connections while open ones keep theirs.
import { constants, createHash } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { SecureContext } from 'node:tls';
import { ConfigError } from '../config/config-error.ts';
import type { DownstreamTlsConfig, SanMatcher } from '../config/tls-types.ts';
import { leafUriSans } from './peer-identity.ts';
import type { TlsMaterialSource } from './tls-material.ts';

export interface ServerTlsContext {
  readonly mode: DownstreamTlsConfig['mode'];
  readonly secureContext: SecureContext;
  /** Clients must present a certificate the trust bundle signed (and that meets `subjectAltNames`). */
  readonly requireClientCert: boolean;
  readonly subjectAltNames: readonly SanMatcher[];
  /** Offered in preference order; empty offers none. */
  readonly alpn: readonly string[];
  /** Our certificate's URI SANs (x-forwarded-client-cert `By`, %DOWNSTREAM_LOCAL_URI_SAN%). */
  readonly localUriSans: readonly string[];
}

/**
 * Builds the listener's TLS from `config`, reading PEM from `material`. Throws ConfigError (naming the listener and
 * never the key) when a certificate, key or bundle is missing or unusable: such a listener must not start.
 */
export function createServerTlsContext(
  listenerName: string,
  config: DownstreamTlsConfig,
  material: TlsMaterialSource,
): ServerTlsContext {
  const subject = `TLS of listener "${listenerName}"`;
  let cert;
  let trust;
  try {
    cert = material.certificate(config.certificate);
    trust = config.validation === undefined ? undefined : material.trust(config.validation.trust);
  } catch (cause) {
    if (cause instanceof ConfigError) throw new ConfigError(subject, cause.violations, { cause });
    throw cause;
  }
  let secureContext: SecureContext;
  let localUriSans: readonly string[];
  try {
    secureContext = createSecureContext({
      cert: cert.certificateChain,
      key: cert.privateKey,
      ca: trust?.trustedCa,
      // Envoy's floor: nothing older than TLS 1.2, and no renegotiation a client could use to burn our CPU.
      minVersion: 'TLSv1.2',
      secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
      // OpenSSL refuses to resume a session of a server that verifies peers unless the session has a context.
      sessionIdContext: createHash('sha256').update(listenerName).digest('hex').slice(0, 32),
    });
    localUriSans = leafUriSans(cert.certificateChain);
  } catch (cause) {
    // OpenSSL's reason ("no start line", "key values mismatch") says what is wrong without quoting the PEM.
    const reason = (cause as Error).message.replace(/\s+/g, ' ');
    throw new ConfigError(subject, [`certificate, key or trust bundle unusable: ${reason}`], { cause });
  }
  return {
    mode: config.mode,
    secureContext,
    requireClientCert: config.validation !== undefined,
    subjectAltNames: config.validation?.subjectAltNames ?? [],
    alpn: config.alpn,
    localUriSans,
  };
}
