// The parts of Envoy's CommonTlsContext that listener TLS and client-policy TLS share: where a certificate comes
// from (files or an SDS secret, an ACM ARN being an SDS name), what a peer is verified against, and SAN rules.
import type { ClientPolicyTls, ListenerTls, SubjectAlternativeNames } from '../../model/specs/index.ts';
import type { CommonTlsContext } from '../protos/generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext.ts';
import type { SubjectAltNameMatcher } from '../protos/generated/envoy/extensions/transport_sockets/tls/v3/SubjectAltNameMatcher.ts';

export type { CommonTlsContext };

/** SDS secrets travel on the proxy's ADS stream, like every other resource. */
const adsSource = { ads: {}, resource_api_version: 'V3' } as const;

export const tlsTransportSocketName = 'envoy.transport_sockets.tls';

/** A certificate in App Mesh's spelling: listener certificates may also be ACM ARNs. */
export type CertificateSpec = ListenerTls['certificate'] | NonNullable<ClientPolicyTls['certificate']>;

/** A SAN rule as translation decides it; App Mesh specs only have exact names, mesh mTLS adds a prefix. */
export interface SanRule {
  readonly kind: 'exact' | 'prefix';
  readonly value: string;
}

/** A certificate's source and SAN rules, resolved from a spec or from the mesh's built-in identities. */
export interface PeerTrust {
  /** The SDS secret or file holding the CA bundle. */
  readonly trust: { readonly sds: string } | { readonly file: string };
  readonly sans: readonly SanRule[];
}

export type CertificateSource = { readonly sds: string } | { readonly file: { chain: string; key: string } };

export function sdsSecret(name: string) {
  return { name, sds_config: adsSource };
}

/** Where a spec's certificate comes from; an ACM certificate ARN is the name of the SDS secret that holds it. */
export function certificateSourceOf(spec: CertificateSpec): CertificateSource {
  if ('file' in spec && spec.file) {
    return { file: { chain: spec.file.certificateChain, key: spec.file.privateKey } };
  }
  if ('acm' in spec && spec.acm) return { sds: spec.acm.certificateArn };
  if ('sds' in spec && spec.sds) return { sds: spec.sds.secretName };
  throw new Error('a TLS certificate sets none of file, sds, acm (the model validates this)');
}

/** Exact names of a spec's `subjectAlternativeNames.match.exact` as SAN rules. */
export function exactSanRules(names: SubjectAlternativeNames | null | undefined): SanRule[] {
  return (names?.match.exact ?? []).map((value) => ({ kind: 'exact', value }));
}

/**
 * Each rule once for DNS and once for URI SANs: App Mesh's exact names may be either (a host name or a SPIFFE
 * ID), and Envoy matches one SAN type per matcher.
 */
function sanMatchers(rules: readonly SanRule[]): SubjectAltNameMatcher[] {
  return rules.flatMap((rule) =>
    (['DNS', 'URI'] as const).map((san_type) => ({
      san_type,
      matcher: rule.kind === 'exact' ? { exact: rule.value } : { prefix: rule.value },
    })),
  );
}

/** The SDS secrets a context makes the proxy subscribe to (certificates first, then the validation secret). */
export function sdsSecretNames(context: CommonTlsContext | null | undefined): string[] {
  if (!context) return [];
  const names = (context.tls_certificate_sds_secret_configs ?? []).map((s) => s.name ?? '');
  const validation =
    context.validation_context_sds_secret_config ??
    context.combined_validation_context?.validation_context_sds_secret_config;
  if (validation?.name) names.push(validation.name);
  return names;
}

/** Sets the certificate fields of `context`. */
export function withCertificate(context: CommonTlsContext, source: CertificateSource): CommonTlsContext {
  if ('sds' in source) return { ...context, tls_certificate_sds_secret_configs: [sdsSecret(source.sds)] };
  return {
    ...context,
    tls_certificates: [
      { certificate_chain: { filename: source.file.chain }, private_key: { filename: source.file.key } },
    ],
  };
}

/**
 * Sets the validation fields of `context`: a file bundle goes in `validation_context` with the SAN rules; an
 * SDS bundle alone is `validation_context_sds_secret_config`, and with SAN rules the combined form (the rules
 * stay ours while the bundle comes from SDS).
 */
export function withValidation(context: CommonTlsContext, peer: PeerTrust): CommonTlsContext {
  const matchers = sanMatchers(peer.sans);
  const sans = matchers.length > 0 ? { match_typed_subject_alt_names: matchers } : {};
  if ('file' in peer.trust) {
    return { ...context, validation_context: { trusted_ca: { filename: peer.trust.file }, ...sans } };
  }
  const secret = sdsSecret(peer.trust.sds);
  if (matchers.length === 0) return { ...context, validation_context_sds_secret_config: secret };
  return {
    ...context,
    combined_validation_context: {
      default_validation_context: sans,
      validation_context_sds_secret_config: secret,
    },
  };
}
