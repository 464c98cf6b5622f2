// SDS Secret (decoded protobuf object) → SecretConfig: a certificate with its key, or a trust bundle.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Secret__Output } from '../../xds/protos/index.ts';
import type { DataSource__Output } from '../../xds/protos/generated/envoy/config/core/v3/DataSource.ts';
import { Violations } from './config-error.ts';
import { deepFreeze } from './duration.ts';
import type { SecretConfig } from './tls-types.ts';

/** A data source's PEM, or the file it names; undefined (with a violation) when it is neither. */
type Pem = { readonly inline: string } | { readonly file: string };

function dataSource(d: DataSource__Output | null | undefined, path: string, v: Violations): Pem | undefined {
  switch (d?.specifier) {
    case 'inline_string':
      return { inline: d.inline_string ?? '' };
    case 'inline_bytes':
      return { inline: Buffer.from(d.inline_bytes ?? []).toString('utf8') };
    case 'filename':
      if ((d.filename ?? '') === '') v.add(`${path}.filename`, 'must not be empty');
      return { file: d.filename ?? '' };
    case undefined:
      v.add(path, 'is required');
      return undefined;
    default:
      v.add(
        path,
        `${String(d?.specifier)} data sources are not supported (inline_string, inline_bytes, filename)`,
      );
      return undefined;
  }
}

/**
 * Checks that inline PEM parses and that the key belongs to the certificate. Messages never quote the PEM:
 * they end up in NACKs and logs, and the key is a secret.
 */
function checkCertificate(chain: string, key: string, path: string, v: Violations): void {
  let leaf: X509Certificate | undefined;
  try {
    leaf = new X509Certificate(chain);
  } catch {
    v.add(`${path}.certificate_chain`, 'is not a PEM certificate');
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    v.add(`${path}.private_key`, 'is not a PEM private key');
  }
  if (leaf && privateKey && !leaf.checkPrivateKey(privateKey))
    v.add(`${path}.private_key`, 'does not match the certificate');
}

function checkTrust(bundle: string, path: string, v: Violations): void {
  try {
    new X509Certificate(bundle);
  } catch {
    v.add(path, 'is not a PEM certificate');
  }
}

/** Throws ConfigError listing every violation; the result is deeply frozen. */
export function decodeSecret(s: Secret__Output): SecretConfig {
  const v = new Violations();
  if (s.name === '') v.add('name', 'must not be empty');
  let config: SecretConfig | undefined;
  if (s.type === 'tls_certificate' && s.tls_certificate) {
    const c = s.tls_certificate;
    const at = 'tls_certificate';
    if (c.private_key_provider) v.add(`${at}.private_key_provider`, 'is not supported');
    if (c.pkcs12) v.add(`${at}.pkcs12`, 'is not supported');
    if (c.password) v.add(`${at}.password`, 'encrypted private keys are not supported');
    const chain = dataSource(c.certificate_chain, `${at}.certificate_chain`, v);
    const key = dataSource(c.private_key, `${at}.private_key`, v);
    if (chain && key) {
      if ('inline' in chain && 'inline' in key) {
        checkCertificate(chain.inline, key.inline, at, v);
        config = { kind: 'certificate', certificateChain: chain.inline, privateKey: key.inline };
      } else if ('file' in chain && 'file' in key) {
        config = { kind: 'certificate-file', certificateChainPath: chain.file, privateKeyPath: key.file };
      } else {
        v.add(at, 'certificate_chain and private_key must both be inline or both be files');
      }
    }
  } else if (s.type === 'validation_context' && s.validation_context) {
    const c = s.validation_context;
    const at = 'validation_context';
    // A secret carries only the trust anchors: SAN rules live in the listener / cluster that references it.
    if (c.match_typed_subject_alt_names.length > 0 || c.match_subject_alt_names.length > 0)
      v.add(
        `${at}.match_typed_subject_alt_names`,
        'is not supported in a secret (set it on the TLS context)',
      );
    if (c.verify_certificate_hash.length > 0 || c.verify_certificate_spki.length > 0)
      v.add(`${at}.verify_certificate_hash`, 'certificate pinning is not supported');
    if (c.crl) v.add(`${at}.crl`, 'is not supported');
    if (c.allow_expired_certificate) v.add(`${at}.allow_expired_certificate`, 'is not supported');
    if (c.custom_validator_config) v.add(`${at}.custom_validator_config`, 'is not supported');
    const ca = dataSource(c.trusted_ca, `${at}.trusted_ca`, v);
    if (ca && 'inline' in ca) {
      checkTrust(ca.inline, `${at}.trusted_ca`, v);
      config = { kind: 'validation', trustedCa: ca.inline };
    } else if (ca) {
      config = { kind: 'validation-file', trustedCaPath: ca.file };
    }
  } else {
    v.add('type', `${s.type ?? 'an empty secret'} is not supported (tls_certificate, validation_context)`);
  }
  v.throwIfAny(`Secret "${s.name}"`);
  return deepFreeze(config as SecretConfig);
}
