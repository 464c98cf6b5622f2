// The proxy's own TLS configuration: what DownstreamTlsContext, UpstreamTlsContext and SDS Secret resources decode
// into. Certificates and trust bundles are named by where they come from; the PEM itself is looked up when a
// listener or cluster is (re)built, so a rotated secret or a replaced file never needs a new listener socket.

/** A subject-alternative-name rule a peer certificate must meet (any DNS or URI SAN may satisfy it). */
export interface SanMatcher {
  readonly kind: 'exact' | 'prefix';
  readonly value: string;
}

/** Where a certificate chain and its private key come from. */
export type CertificateSource =
  | { readonly kind: 'file'; readonly certificateChainPath: string; readonly privateKeyPath: string }
  | { readonly kind: 'sds'; readonly secretName: string };

/** Where the CA bundle that verifies a peer comes from. */
export type TrustSource =
  | { readonly kind: 'file'; readonly certificateChainPath: string }
  | { readonly kind: 'sds'; readonly secretName: string };

/** How a peer's certificate is verified: signed by `trust`, and (when any are given) meeting one SAN rule. */
export interface PeerValidation {
  readonly trust: TrustSource;
  /** Empty: any certificate `trust` signed is accepted. */
  readonly subjectAltNames: readonly SanMatcher[];
}

/** TLS a listener terminates. A DISABLED listener has none. */
export interface DownstreamTlsConfig {
  /** STRICT: TLS only. PERMISSIVE: TLS or plaintext on the same port, told apart by the first bytes. */
  readonly mode: 'STRICT' | 'PERMISSIVE';
  readonly certificate: CertificateSource;
  /** Set: clients must present a certificate that passes it (mTLS). */
  readonly validation: PeerValidation | undefined;
  /** ALPN protocols offered, in preference order (e.g. ['h2', 'http/1.1']); empty offers none. */
  readonly alpn: readonly string[];
}

/** TLS a cluster originates to its hosts. */
export interface UpstreamTlsConfig {
  /** Server name sent (SNI); undefined sends none. */
  readonly sni: string | undefined;
  /** Set: presented to servers that ask for a client certificate (mTLS). */
  readonly certificate: CertificateSource | undefined;
  /** Undefined: the server's certificate is not verified (Envoy's default without a validation context). */
  readonly validation: PeerValidation | undefined;
  readonly alpn: readonly string[];
}

/**
 * An SDS Secret, decoded. Inline PEM arrives in the secret; the `*-file` forms name files on the proxy's disk,
 * read (and watched) like a listener's own file certificate.
 */
export type SecretConfig =
  | { readonly kind: 'certificate'; readonly certificateChain: string; readonly privateKey: string }
  | { readonly kind: 'validation'; readonly trustedCa: string }
  | {
      readonly kind: 'certificate-file';
      readonly certificateChainPath: string;
      readonly privateKeyPath: string;
    }
  | { readonly kind: 'validation-file'; readonly trustedCaPath: string };
