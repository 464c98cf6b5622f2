// CommonTlsContext (what both ends of a TLS connection configure alike: certificate, peer validation, protocol
// parameters, ALPN) → our TLS config, for listeners and clusters alike. Whatever the proxy cannot enforce is a
// violation: a setting asking for more security than we give is NACKed, never silently dropped. The few rules
// that differ by direction are in `directionRules`.
import type { DataSource__Output } from '../../xds/protos/generated/envoy/config/core/v3/DataSource.ts';
import type { CertificateValidationContext__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/CertificateValidationContext.ts';
import type { CommonTlsContext__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext.ts';
import type { SdsSecretConfig__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/SdsSecretConfig.ts';
import type { StringMatcher__Output } from '../../xds/protos/generated/envoy/type/matcher/v3/StringMatcher.ts';
import type { Violations } from './config-error.ts';
import type { CertificateSource, PeerValidation, SanMatcher } from './tls-types.ts';

/** Downstream: a listener terminating TLS. Upstream: a cluster's client side. */
export type TlsDirection = 'downstream' | 'upstream';

const directionRules = {
  downstream: {
    // A server cannot serve TLS without its certificate.
    certificate: 'exactly one',
    certificateCount: 'exactly one of tls_certificates or tls_certificate_sds_secret_configs is required',
    // Node serves TLS 1.2–1.3: a minimum of 1.3 narrows that, and we honour it; below 1.2 we would not serve.
    minimumVersions: new Set(['TLS_AUTO', 'TLSv1_2', 'TLSv1_3']),
    maximumVersions: new Set(['TLS_AUTO', 'TLSv1_3']),
  },
  upstream: {
    // A client certificate is optional (mTLS only when the cluster gives one).
    certificate: 'at most one',
    certificateCount:
      'at most one client certificate (tls_certificates or tls_certificate_sds_secret_configs) is supported',
    // The client offers TLS 1.2–1.3, which meets any minimum up to 1.2; a narrower range it would not honour.
    minimumVersions: new Set(['TLS_AUTO', 'TLSv1_0', 'TLSv1_1', 'TLSv1_2']),
    maximumVersions: new Set(['TLS_AUTO']),
  },
} as const;

/** A file path from a DataSource; undefined (with a violation unless it is absent) when it is not a file. */
function fileOf(d: DataSource__Output | null, path: string, v: Violations): string | undefined {
  if (d === null) return undefined;
  if (d.specifier !== 'filename' || !d.filename) {
    v.add(path, `${d.specifier ?? 'nothing'} is not supported (only a filename is)`);
    return undefined;
  }
  if (d.watched_directory !== null) v.add(`${path}.watched_directory`, 'is not supported');
  return d.filename;
}

export function sdsSecretName(s: SdsSecretConfig__Output, path: string, v: Violations): string {
  if (s.name === '') v.add(`${path}.name`, 'must not be empty');
  // Secrets reach the proxy only on its ADS stream; a path or a separate SDS server is not something it speaks.
  if (s.sds_config?.config_source_specifier !== 'ads')
    v.add(`${path}.sds_config`, 'must be {ads: {}}: secrets are only received over ADS');
  return s.name;
}

function sanRule(m: StringMatcher__Output | null, path: string, v: Violations): SanMatcher | undefined {
  if (m === null) {
    v.add(path, 'is required');
    return undefined;
  }
  if (m.ignore_case) v.add(`${path}.ignore_case`, 'is not supported');
  const value = m.match_pattern === 'exact' ? m.exact : m.match_pattern === 'prefix' ? m.prefix : undefined;
  if (m.match_pattern !== 'exact' && m.match_pattern !== 'prefix') {
    v.add(path, `${m.match_pattern ?? 'a matcher'} is not supported (exact or prefix)`);
    return undefined;
  }
  // An empty rule would accept every name (prefix) or none a CA would sign (exact): both are mistakes.
  if (!value) {
    v.add(`${path}.${m.match_pattern}`, 'must not be empty');
    return undefined;
  }
  return { kind: m.match_pattern, value };
}

/** A CertificateValidationContext's SAN rules and trusted CA file (undefined: none given). */
function decodeValidationContext(
  c: CertificateValidationContext__Output,
  path: string,
  v: Violations,
): { rules: SanMatcher[]; caFile: string | undefined } {
  const rules: SanMatcher[] = [];
  c.match_typed_subject_alt_names.forEach((m, i) => {
    const at = `${path}.match_typed_subject_alt_names[${i}]`;
    // The proxy's rules ignore the SAN type (any DNS or URI name may satisfy one); IP and email SANs it never reads.
    if (m.san_type !== 'DNS' && m.san_type !== 'URI')
      v.add(`${at}.san_type`, `${m.san_type} is not supported (DNS or URI)`);
    const rule = sanRule(m.matcher, `${at}.matcher`, v);
    if (rule) rules.push(rule);
  });
  // The deprecated untyped form: a rule any DNS or URI SAN may satisfy, as Envoy reads it.
  c.match_subject_alt_names.forEach((m, i) => {
    const rule = sanRule(m, `${path}.match_subject_alt_names[${i}]`, v);
    if (rule) rules.push(rule);
  });
  const unsupported: [string, boolean][] = [
    ['verify_certificate_hash', c.verify_certificate_hash.length > 0],
    ['verify_certificate_spki', c.verify_certificate_spki.length > 0],
    ['require_signed_certificate_timestamp', c.require_signed_certificate_timestamp?.value === true],
    ['crl', c.crl !== null],
    ['allow_expired_certificate', c.allow_expired_certificate],
    ['trust_chain_verification', c.trust_chain_verification !== 'VERIFY_TRUST_CHAIN'],
    ['watched_directory', c.watched_directory !== null],
    ['custom_validator_config', c.custom_validator_config !== null],
    ['ca_certificate_provider_instance', c.ca_certificate_provider_instance !== null],
    ['max_verify_depth', c.max_verify_depth !== null],
    ['system_root_certs', c.system_root_certs !== null],
  ];
  for (const [field, set] of unsupported) if (set) v.add(`${path}.${field}`, 'is not supported');
  return { rules, caFile: fileOf(c.trusted_ca, `${path}.trusted_ca`, v) };
}

function decodeValidation(
  c: CommonTlsContext__Output,
  path: string,
  v: Violations,
): PeerValidation | undefined {
  switch (c.validation_context_type) {
    case undefined:
      return undefined;
    case 'validation_context': {
      const at = `${path}.validation_context`;
      const { rules, caFile } = decodeValidationContext(c.validation_context!, at, v);
      // Without a CA Envoy would skip the chain check and trust any SAN a certificate claims.
      if (caFile === undefined) {
        if (c.validation_context!.trusted_ca === null)
          v.add(`${at}.trusted_ca`, 'is required (a SAN rule alone proves nothing)');
        return undefined;
      }
      return { trust: { kind: 'file', certificateChainPath: caFile }, subjectAltNames: rules };
    }
    case 'validation_context_sds_secret_config': {
      const at = `${path}.validation_context_sds_secret_config`;
      const secretName = sdsSecretName(c.validation_context_sds_secret_config!, at, v);
      return { trust: { kind: 'sds', secretName }, subjectAltNames: [] };
    }
    case 'combined_validation_context': {
      const at = `${path}.combined_validation_context`;
      const combined = c.combined_validation_context!;
      const rules: SanMatcher[] = [];
      if (combined.default_validation_context !== null) {
        const base = `${at}.default_validation_context`;
        const decoded = decodeValidationContext(combined.default_validation_context, base, v);
        if (decoded.caFile !== undefined)
          v.add(
            `${base}.trusted_ca`,
            'is not supported with an SDS validation context (the secret holds the CA)',
          );
        rules.push(...decoded.rules);
      }
      if (combined.validation_context_certificate_provider !== null)
        v.add(`${at}.validation_context_certificate_provider`, 'is not supported');
      if (combined.validation_context_certificate_provider_instance !== null)
        v.add(`${at}.validation_context_certificate_provider_instance`, 'is not supported');
      if (combined.validation_context_sds_secret_config === null) {
        v.add(`${at}.validation_context_sds_secret_config`, 'is required');
        return undefined;
      }
      const at2 = `${at}.validation_context_sds_secret_config`;
      const secretName = sdsSecretName(combined.validation_context_sds_secret_config, at2, v);
      return { trust: { kind: 'sds', secretName }, subjectAltNames: rules };
    }
    default:
      v.add(`${path}.${c.validation_context_type}`, 'is not supported');
      return undefined;
  }
}

function decodeCertificate(
  c: CommonTlsContext__Output,
  direction: TlsDirection,
  path: string,
  v: Violations,
): CertificateSource | undefined {
  const files = c.tls_certificates;
  const sds = c.tls_certificate_sds_secret_configs;
  const count = files.length + sds.length;
  if (directionRules[direction].certificate === 'exactly one' ? count !== 1 : count > 1)
    v.add(path, directionRules[direction].certificateCount);
  const file = files[0];
  if (file !== undefined) {
    const at = `${path}.tls_certificates[0]`;
    if (file.password !== null) v.add(`${at}.password`, 'encrypted private keys are not supported');
    for (const field of ['ocsp_staple', 'private_key_provider', 'watched_directory', 'pkcs12'] as const)
      if (file[field] !== null) v.add(`${at}.${field}`, 'is not supported');
    if (file.signed_certificate_timestamp.length > 0)
      v.add(`${at}.signed_certificate_timestamp`, 'is not supported');
    const chain = fileOf(file.certificate_chain, `${at}.certificate_chain`, v);
    const key = fileOf(file.private_key, `${at}.private_key`, v);
    if (chain === undefined || key === undefined) {
      v.add(at, 'needs certificate_chain and private_key files');
      return undefined;
    }
    return { kind: 'file', certificateChainPath: chain, privateKeyPath: key };
  }
  const secret = sds[0];
  if (secret !== undefined)
    return {
      kind: 'sds',
      secretName: sdsSecretName(secret, `${path}.tls_certificate_sds_secret_configs[0]`, v),
    };
  return undefined;
}

function checkTlsParams(
  c: CommonTlsContext__Output,
  direction: TlsDirection,
  path: string,
  v: Violations,
): void {
  const p = c.tls_params;
  if (p === null) return;
  const at = `${path}.tls_params`;
  const rules = directionRules[direction];
  if (!rules.minimumVersions.has(p.tls_minimum_protocol_version))
    v.add(
      `${at}.tls_minimum_protocol_version`,
      `${p.tls_minimum_protocol_version} is not supported (the proxy uses TLS 1.2 or 1.3)`,
    );
  if (!rules.maximumVersions.has(p.tls_maximum_protocol_version))
    v.add(`${at}.tls_maximum_protocol_version`, `${p.tls_maximum_protocol_version} is not supported`);
  // Node's cipher list and curves are what we use; another list we would not honour exactly.
  for (const field of ['cipher_suites', 'ecdh_curves', 'signature_algorithms'] as const)
    if (p[field].length > 0) v.add(`${at}.${field}`, 'is not supported');
}

export interface CommonTlsConfig {
  readonly certificate: CertificateSource | undefined;
  readonly validation: PeerValidation | undefined;
  readonly alpn: string[];
}

/** Decodes a CommonTlsContext for one direction; violations go to `v` under `path`. */
export function decodeCommonTls(
  c: CommonTlsContext__Output,
  direction: TlsDirection,
  path: string,
  v: Violations,
): CommonTlsConfig {
  const unsupported: [string, boolean][] = [
    ['tls_certificate_certificate_provider', c.tls_certificate_certificate_provider !== null],
    [
      'tls_certificate_certificate_provider_instance',
      c.tls_certificate_certificate_provider_instance !== null,
    ],
    ['tls_certificate_provider_instance', c.tls_certificate_provider_instance !== null],
    ['custom_handshaker', c.custom_handshaker !== null],
    ['key_log', c.key_log !== null],
  ];
  for (const [field, set] of unsupported) if (set) v.add(`${path}.${field}`, 'is not supported');
  checkTlsParams(c, direction, path, v);
  for (const [i, p] of c.alpn_protocols.entries())
    if (p === '' || p.length > 255) v.add(`${path}.alpn_protocols[${i}]`, 'must be 1 to 255 bytes');
  return {
    certificate: decodeCertificate(c, direction, path, v),
    validation: decodeValidation(c, path, v),
    alpn: [...c.alpn_protocols],
  };
}
