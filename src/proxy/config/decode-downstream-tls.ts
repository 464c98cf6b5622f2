// DownstreamTlsContext (a listener filter chain's transport socket) → DownstreamTlsConfig, refusing what we cannot
// enforce: a security setting the proxy would silently skip is a NACK, never a quietly weaker listener.
import type { TransportSocket__Output } from '../../xds/protos/generated/envoy/config/core/v3/TransportSocket.ts';
import type { DataSource__Output } from '../../xds/protos/generated/envoy/config/core/v3/DataSource.ts';
import type { CertificateValidationContext__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/CertificateValidationContext.ts';
import type { CommonTlsContext__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext.ts';
import type { SdsSecretConfig__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/SdsSecretConfig.ts';
import type { SubjectAltNameMatcher__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/SubjectAltNameMatcher.ts';
import { extensionTypeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { Violations } from './config-error.ts';
import type {
  CertificateSource,
  DownstreamTlsConfig,
  PeerValidation,
  SanMatcher,
  TrustSource,
} from './tls-types.ts';

export const tlsTransportSocketName = 'envoy.transport_sockets.tls';

function fileOf(d: DataSource__Output | null, path: string, v: Violations): string {
  if (d?.specifier === 'filename' && d.filename !== undefined && d.filename !== '') return d.filename;
  v.add(
    path,
    d?.specifier ? `${d.specifier} is not supported (use filename or SDS)` : 'a filename is required',
  );
  return '';
}

function sdsName(s: SdsSecretConfig__Output, path: string, v: Violations): string {
  if (s.name === '') v.add(`${path}.name`, 'must not be empty');
  // Secrets come over the ADS stream only; a path or a separate SDS server is not something this proxy speaks.
  if (s.sds_config?.config_source_specifier !== 'ads') v.add(`${path}.sds_config`, 'only ads is supported');
  return s.name;
}

function decodeCertificate(c: CommonTlsContext__Output, path: string, v: Violations): CertificateSource {
  const certs = c.tls_certificates;
  const sds = c.tls_certificate_sds_secret_configs;
  if (c.tls_certificate_provider_instance !== null || c.tls_certificate_certificate_provider !== null)
    v.add(path, 'certificate providers are not supported');
  if (certs.length + sds.length !== 1) {
    v.add(path, 'exactly one of tls_certificates or tls_certificate_sds_secret_configs is required');
    return { kind: 'sds', secretName: '' };
  }
  if (sds[0] !== undefined)
    return { kind: 'sds', secretName: sdsName(sds[0], `${path}.tls_certificate_sds_secret_configs[0]`, v) };
  const cert = certs[0]!;
  const at = `${path}.tls_certificates[0]`;
  if (cert.password !== null) v.add(`${at}.password`, 'encrypted private keys are not supported');
  if (cert.private_key_provider !== null) v.add(`${at}.private_key_provider`, 'is not supported');
  if (cert.pkcs12 !== null) v.add(`${at}.pkcs12`, 'is not supported');
  return {
    kind: 'file',
    certificateChainPath: fileOf(cert.certificate_chain, `${at}.certificate_chain`, v),
    privateKeyPath: fileOf(cert.private_key, `${at}.private_key`, v),
  };
}

function decodeSanMatcher(m: SubjectAltNameMatcher__Output, path: string, v: Violations): SanMatcher {
  // The proxy's rules ignore the SAN type (any DNS or URI name may satisfy one); IP and email SANs it never reads.
  if (m.san_type !== 'DNS' && m.san_type !== 'URI')
    v.add(`${path}.san_type`, `${m.san_type} is not supported (DNS or URI)`);
  const s = m.matcher;
  if (s?.ignore_case === true) v.add(`${path}.matcher.ignore_case`, 'is not supported');
  if (s?.match_pattern === 'exact') return { kind: 'exact', value: s.exact ?? '' };
  if (s?.match_pattern === 'prefix') {
    if ((s.prefix ?? '') === '') v.add(`${path}.matcher.prefix`, 'must not be empty');
    return { kind: 'prefix', value: s.prefix ?? '' };
  }
  v.add(`${path}.matcher`, `${s?.match_pattern ?? 'a matcher'} is not supported (exact or prefix)`);
  return { kind: 'exact', value: '' };
}

/** The parts of a validation context we enforce: trust (when `withTrust`) and SAN rules; anything else refuses. */
function decodeValidationContext(
  c: CertificateValidationContext__Output,
  path: string,
  v: Violations,
  withTrust: boolean,
): { trust: TrustSource | undefined; subjectAltNames: SanMatcher[] } {
  const unsupported: [boolean, string][] = [
    [c.verify_certificate_hash.length > 0, 'verify_certificate_hash'],
    [c.verify_certificate_spki.length > 0, 'verify_certificate_spki'],
    [c.crl !== null, 'crl'],
    [c.allow_expired_certificate, 'allow_expired_certificate'],
    [c.match_subject_alt_names.length > 0, 'match_subject_alt_names (use match_typed_subject_alt_names)'],
    [c.trust_chain_verification !== 'VERIFY_TRUST_CHAIN', 'trust_chain_verification'],
    [c.custom_validator_config !== null, 'custom_validator_config'],
    [c.ca_certificate_provider_instance !== null, 'ca_certificate_provider_instance'],
    [c.require_signed_certificate_timestamp?.value === true, 'require_signed_certificate_timestamp'],
    [c.system_root_certs !== null, 'system_root_certs'],
  ];
  for (const [set, field] of unsupported) if (set) v.add(`${path}.${field}`, 'is not supported');
  const subjectAltNames = c.match_typed_subject_alt_names.map((m, i) =>
    decodeSanMatcher(m, `${path}.match_typed_subject_alt_names[${i}]`, v),
  );
  let trust: TrustSource | undefined;
  if (withTrust)
    trust = { kind: 'file', certificateChainPath: fileOf(c.trusted_ca, `${path}.trusted_ca`, v) };
  else if (c.trusted_ca !== null)
    v.add(`${path}.trusted_ca`, 'must not be set beside validation_context_sds_secret_config');
  return { trust, subjectAltNames };
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
      const { trust, subjectAltNames } = decodeValidationContext(
        c.validation_context!,
        `${path}.validation_context`,
        v,
        true,
      );
      return { trust: trust!, subjectAltNames };
    }
    case 'validation_context_sds_secret_config': {
      const at = `${path}.validation_context_sds_secret_config`;
      return {
        trust: { kind: 'sds', secretName: sdsName(c.validation_context_sds_secret_config!, at, v) },
        subjectAltNames: [],
      };
    }
    case 'combined_validation_context': {
      const at = `${path}.combined_validation_context`;
      const combined = c.combined_validation_context!;
      const sds = combined.validation_context_sds_secret_config;
      if (sds === null) v.add(`${at}.validation_context_sds_secret_config`, 'is required');
      if (combined.validation_context_certificate_provider !== null)
        v.add(`${at}.validation_context_certificate_provider`, 'is not supported');
      if (combined.validation_context_certificate_provider_instance !== null)
        v.add(`${at}.validation_context_certificate_provider_instance`, 'is not supported');
      const defaults = combined.default_validation_context;
      const { subjectAltNames } = defaults
        ? decodeValidationContext(defaults, `${at}.default_validation_context`, v, false)
        : { subjectAltNames: [] };
      const name = sds ? sdsName(sds, `${at}.validation_context_sds_secret_config`, v) : '';
      return { trust: { kind: 'sds', secretName: name }, subjectAltNames };
    }
    default:
      v.add(`${path}.${c.validation_context_type}`, 'is not supported');
      return undefined;
  }
}

function checkTlsParams(c: CommonTlsContext__Output, path: string, v: Violations): void {
  const p = c.tls_params;
  if (p === null) return;
  const at = `${path}.tls_params`;
  // Node's defaults (TLS 1.2–1.3, its cipher list) are what we serve; another list we would not honour exactly.
  const versionOk = (x: string): boolean => x === 'TLS_AUTO' || x === 'TLSv1_2' || x === 'TLSv1_3';
  if (!versionOk(p.tls_minimum_protocol_version))
    v.add(
      `${at}.tls_minimum_protocol_version`,
      `${p.tls_minimum_protocol_version} is not supported (TLS 1.2 or 1.3)`,
    );
  if (p.tls_maximum_protocol_version !== 'TLS_AUTO' && p.tls_maximum_protocol_version !== 'TLSv1_3')
    v.add(`${at}.tls_maximum_protocol_version`, `${p.tls_maximum_protocol_version} is not supported`);
  if (p.cipher_suites.length > 0) v.add(`${at}.cipher_suites`, 'is not supported');
  if (p.ecdh_curves.length > 0) v.add(`${at}.ecdh_curves`, 'is not supported');
  if (p.signature_algorithms.length > 0) v.add(`${at}.signature_algorithms`, 'is not supported');
}

/** Decodes a filter chain's `envoy.transport_sockets.tls` socket; violations go to `v` under `path`. */
export function decodeDownstreamTls(
  socket: TransportSocket__Output,
  mode: DownstreamTlsConfig['mode'],
  path: string,
  v: Violations,
): DownstreamTlsConfig | undefined {
  const any = socket.typed_config;
  if (any?.type_url !== extensionTypeUrls.downstreamTlsContext) {
    v.add(`${path}.typed_config`, `a DownstreamTlsContext is required (got ${any?.type_url ?? 'none'})`);
    return undefined;
  }
  let ctx;
  try {
    ctx = unpackAny(any, extensionTypeUrls.downstreamTlsContext);
  } catch (cause) {
    v.add(`${path}.typed_config`, (cause as Error).message);
    return undefined;
  }
  const at = `${path}.typed_config`;
  const common = ctx.common_tls_context;
  if (common === null) {
    v.add(`${at}.common_tls_context`, 'is required');
    return undefined;
  }
  const cpath = `${at}.common_tls_context`;
  const certificate = decodeCertificate(common, cpath, v);
  const validation = decodeValidation(common, cpath, v);
  const requireClientCert = ctx.require_client_certificate?.value === true;
  // Envoy would verify a certificate only when one is offered; a listener here either requires one or asks none.
  if (validation !== undefined && !requireClientCert)
    v.add(`${at}.require_client_certificate`, 'must be true when a validation context is set');
  if (validation === undefined && requireClientCert)
    v.add(
      `${at}.require_client_certificate`,
      'needs a validation context to verify client certificates against',
    );
  if (ctx.require_sni?.value === true) v.add(`${at}.require_sni`, 'is not supported');
  if (common.custom_handshaker !== null) v.add(`${cpath}.custom_handshaker`, 'is not supported');
  checkTlsParams(common, cpath, v);
  for (const [i, p] of common.alpn_protocols.entries())
    if (p === '' || p.length > 255) v.add(`${cpath}.alpn_protocols[${i}]`, 'must be 1 to 255 bytes');
  return { mode, certificate, validation, alpn: [...common.alpn_protocols] };
}
