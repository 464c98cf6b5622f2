// A cluster's transport_socket (UpstreamTlsContext) → UpstreamTlsConfig. Every field the proxy cannot enforce is a
// violation: a setting that asks for more security than we give must be NACKed, never silently dropped.
import type { TransportSocket__Output } from '../../xds/protos/generated/envoy/config/core/v3/TransportSocket.ts';
import type { DataSource__Output } from '../../xds/protos/generated/envoy/config/core/v3/DataSource.ts';
import type { CertificateValidationContext__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/CertificateValidationContext.ts';
import type { CommonTlsContext__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext.ts';
import type { SdsSecretConfig__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/SdsSecretConfig.ts';
import type { StringMatcher__Output } from '../../xds/protos/generated/envoy/type/matcher/v3/StringMatcher.ts';
import { extensionTypeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { Violations } from './config-error.ts';
import type {
  CertificateSource,
  PeerValidation,
  SanMatcher,
  TrustSource,
  UpstreamTlsConfig,
} from './tls-types.ts';

const tlsSocketNames = new Set(['envoy.transport_sockets.tls', 'tls']);
const rawSocketNames = new Set(['envoy.transport_sockets.raw_buffer', 'raw_buffer']);

function fileOf(d: DataSource__Output | null, path: string, v: Violations): string | undefined {
  if (d === null) return undefined;
  if (d.specifier !== 'filename' || !d.filename) {
    v.add(path, `only a filename is supported (got ${d.specifier ?? 'nothing'})`);
    return undefined;
  }
  if (d.watched_directory !== null) v.add(`${path}.watched_directory`, 'is not supported');
  return d.filename;
}

function sdsNameOf(s: SdsSecretConfig__Output, path: string, v: Violations): string {
  if (s.name === '') v.add(`${path}.name`, 'must not be empty');
  // Secrets reach the proxy only on its ADS stream; a static (bootstrap) secret or another source never arrives.
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
  if (m.match_pattern === 'exact' && m.exact) return { kind: 'exact', value: m.exact };
  if (m.match_pattern === 'prefix' && m.prefix) return { kind: 'prefix', value: m.prefix };
  v.add(path, `only a non-empty exact or prefix matcher is supported (got ${m.match_pattern ?? 'none'})`);
  return undefined;
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
    if (m.san_type !== 'DNS' && m.san_type !== 'URI')
      v.add(`${at}.san_type`, `only DNS and URI are supported (got ${m.san_type})`);
    const rule = sanRule(m.matcher, `${at}.matcher`, v);
    if (rule) rules.push(rule);
  });
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
        v.add(`${at}.trusted_ca`, 'is required (a SAN rule alone proves nothing)');
        return undefined;
      }
      return { trust: { kind: 'file', certificateChainPath: caFile }, subjectAltNames: rules };
    }
    case 'validation_context_sds_secret_config': {
      const at = `${path}.validation_context_sds_secret_config`;
      const trust: TrustSource = {
        kind: 'sds',
        secretName: sdsNameOf(c.validation_context_sds_secret_config!, at, v),
      };
      return { trust, subjectAltNames: [] };
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
      const name = sdsNameOf(
        combined.validation_context_sds_secret_config,
        `${at}.validation_context_sds_secret_config`,
        v,
      );
      return { trust: { kind: 'sds', secretName: name }, subjectAltNames: rules };
    }
    default:
      v.add(`${path}.${c.validation_context_type}`, 'is not supported');
      return undefined;
  }
}

function decodeCertificate(
  c: CommonTlsContext__Output,
  path: string,
  v: Violations,
): CertificateSource | undefined {
  const files = c.tls_certificates;
  const sds = c.tls_certificate_sds_secret_configs;
  if (files.length + sds.length > 1)
    v.add(
      path,
      'at most one client certificate (tls_certificates or tls_certificate_sds_secret_configs) is supported',
    );
  const file = files[0];
  if (file !== undefined) {
    const at = `${path}.tls_certificates[0]`;
    for (const field of [
      'password',
      'ocsp_staple',
      'private_key_provider',
      'watched_directory',
      'pkcs12',
    ] as const)
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
    return { kind: 'sds', secretName: sdsNameOf(secret, `${path}.tls_certificate_sds_secret_configs[0]`, v) };
  return undefined;
}

function decodeUpstreamTlsContext(
  typedConfig: TransportSocket__Output['typed_config'],
  v: Violations,
): UpstreamTlsConfig | undefined {
  const path = 'transport_socket.typed_config';
  if (!typedConfig || typedConfig.type_url !== extensionTypeUrls.upstreamTlsContext) {
    v.add(path, `must be an UpstreamTlsContext (got ${typedConfig?.type_url ?? 'nothing'})`);
    return undefined;
  }
  let ctx;
  try {
    ctx = unpackAny(typedConfig, extensionTypeUrls.upstreamTlsContext);
  } catch (cause) {
    v.add(path, (cause as Error).message);
    return undefined;
  }
  const common = ctx.common_tls_context;
  const cp = `${path}.common_tls_context`;
  if (common === null)
    return { sni: ctx.sni || undefined, certificate: undefined, validation: undefined, alpn: [] };
  const params = common.tls_params;
  if (params !== null) {
    // Below TLS 1.2 is refused anyway (we never go lower), so those minimums are met; anything narrower is not.
    const min = params.tls_minimum_protocol_version;
    if (min !== 'TLS_AUTO' && min !== 'TLSv1_0' && min !== 'TLSv1_1' && min !== 'TLSv1_2')
      v.add(
        `${cp}.tls_params.tls_minimum_protocol_version`,
        `${min} is not supported (the proxy uses TLS 1.2 or 1.3)`,
      );
    if (params.tls_maximum_protocol_version !== 'TLS_AUTO')
      v.add(`${cp}.tls_params.tls_maximum_protocol_version`, 'is not supported');
    for (const field of ['cipher_suites', 'ecdh_curves', 'signature_algorithms'] as const)
      if (params[field].length > 0) v.add(`${cp}.tls_params.${field}`, 'is not supported');
  }
  const unsupported: [string, boolean][] = [
    ['tls_certificate_certificate_provider', common.tls_certificate_certificate_provider !== null],
    [
      'tls_certificate_certificate_provider_instance',
      common.tls_certificate_certificate_provider_instance !== null,
    ],
    ['tls_certificate_provider_instance', common.tls_certificate_provider_instance !== null],
    ['custom_handshaker', common.custom_handshaker !== null],
    ['key_log', common.key_log !== null],
  ];
  for (const [field, set] of unsupported) if (set) v.add(`${cp}.${field}`, 'is not supported');
  return {
    sni: ctx.sni || undefined,
    certificate: decodeCertificate(common, cp, v),
    validation: decodeValidation(common, cp, v),
    alpn: [...common.alpn_protocols],
  };
}

/** The cluster's upstream TLS, or undefined for plaintext (no transport socket, or raw_buffer). */
export function decodeClusterTls(
  transportSocket: TransportSocket__Output | null,
  matchCount: number,
  v: Violations,
): UpstreamTlsConfig | undefined {
  if (matchCount > 0)
    v.add('transport_socket_matches', 'is not supported (one transport_socket per cluster)');
  if (transportSocket === null || rawSocketNames.has(transportSocket.name)) return undefined;
  if (!tlsSocketNames.has(transportSocket.name)) {
    v.add('transport_socket.name', `unsupported transport socket ${transportSocket.name || '(none)'}`);
    return undefined;
  }
  return decodeUpstreamTlsContext(transportSocket.typed_config, v);
}
