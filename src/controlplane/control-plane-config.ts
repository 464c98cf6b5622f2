// Control plane settings, parsed once from flags and SWITCHYARD_* environment variables into a frozen value.

import { isIP } from 'node:net';
import path from 'node:path';
import { parseQuotaOverrides, type Quotas } from '../api/quotas.ts';
import { invalidAllowedHost } from '../util/host-check.ts';
import {
  defaultMeshSecurity,
  meshMtlsModes,
  trustDomainProblem,
  type MeshMtlsMode,
  type MeshSecurity,
  type MeshTracing,
} from '../xds/translate/index.ts';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface ControlPlaneConfig {
  readonly apiAddr: HostPort;
  readonly xdsAddr: HostPort;
  readonly dataDir: string;
  /** postgres:// URL of the shared store; absent means the embedded SQLite store in dataDir. */
  readonly databaseUrl?: string;
  readonly region: string;
  readonly accountId: string;
  readonly quotas: Quotas;
  /** Names accepted in the API's Host header besides IP literals and localhost. */
  readonly allowedHosts: readonly string[];
  /** How long a sidecar's registry instances outlive its last xDS stream. */
  readonly instanceGraceMs: number;
  /** Mesh-wide mTLS (`--mtls`) and the trust domain of built-in identities (`--trust-domain`). */
  readonly security: MeshSecurity;
  /** Life of the built-in CA's workload certificates (re-issued at two thirds of it). */
  readonly certTtlMs: number;
  /** The operator's CA certificate and key files (--ca-cert/--ca-key); absent: the store's built-in root. */
  readonly caCertPath?: string;
  readonly caKeyPath?: string;
  /** The access file (--access-file); absent means the API is unauthenticated (loopback only, or --insecure-no-auth). */
  readonly accessFile?: string;
  /**
   * `--xds-tls`: xDS over TLS with a certificate from the built-in CA (or --ca-cert's) carrying these names
   * (the --xds-addr host unless a wildcard, plus --xds-tls-san).
   */
  readonly xdsTls?: { readonly names: readonly string[] };
  /** The OTLP collector stock Envoys trace to (`--otlp-endpoint`, OTEL_* variables); absent: no tracing. */
  readonly tracing?: MeshTracing;
}

export const controlPlaneDefaults = {
  certTtl: '24h',
  apiAddr: '127.0.0.1:9080',
  xdsAddr: '127.0.0.1:15010',
  dataDir: './.switchyard',
  region: 'us-east-1',
  accountId: '000000000000',
  instanceGraceMs: '30000',
  mtls: defaultMeshSecurity.mtls,
  trustDomain: defaultMeshSecurity.trustDomain,
};

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export function parseHostPort(value: string, what: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535)
    throw new ConfigError(
      `${what} must be HOST:PORT with a port from 0 to 65535, got ${JSON.stringify(value)}`,
    );
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

export interface RawControlPlaneOptions {
  readonly apiAddr: string;
  readonly xdsAddr: string;
  readonly dataDir: string;
  /** `sqlite` (the default) or a postgres:// / postgresql:// URL. */
  readonly store?: string;
  readonly region: string;
  readonly accountId: string;
  readonly quota?: readonly string[];
  /** --allowed-host values (repeatable, or comma-separated as in SWITCHYARD_ALLOWED_HOSTS). */
  readonly allowedHost?: readonly string[];
  /** Milliseconds, as text from the flag or SWITCHYARD_INSTANCE_GRACE_MS; default 30000. */
  readonly instanceGraceMs?: string;
  /** off | permissive | strict (--mtls, SWITCHYARD_MTLS); default off. */
  readonly mtls?: string;
  /** --trust-domain / SWITCHYARD_TRUST_DOMAIN; default switchyard.local. */
  readonly trustDomain?: string;
  /** A duration such as 24h, 90m or 10s. */
  readonly certTtl?: string;
  readonly caCert?: string;
  readonly caKey?: string;
  readonly accessFile?: string;
  /** Serve without authentication on non-loopback addresses. */
  readonly insecureNoAuth?: boolean;
  /** --xds-tls / SWITCHYARD_XDS_TLS (commander gives true, the variable any text). */
  readonly xdsTls?: boolean | string;
  /** --xds-tls-san values (repeatable, or comma-separated as in SWITCHYARD_XDS_TLS_SANS). */
  readonly xdsTlsSan?: readonly string[];
}

/** The names the xDS server certificate carries, or undefined with --xds-tls off. */
function parseXdsTls(raw: RawControlPlaneOptions, xdsAddr: HostPort): ControlPlaneConfig['xdsTls'] {
  const sans = (raw.xdsTlsSan ?? []).flatMap((value) => value.split(/[\s,]+/)).filter((v) => v !== '');
  const on =
    raw.xdsTls === true || (typeof raw.xdsTls === 'string' && !/^(|0|false|no|off)$/i.test(raw.xdsTls));
  if (!on) {
    if (sans.length > 0)
      throw new ConfigError('--xds-tls-san names the xDS server certificate: it needs --xds-tls');
    return undefined;
  }
  for (const san of sans) {
    if (
      isIP(san) === 0 &&
      !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(san)
    )
      throw new ConfigError(`--xds-tls-san must be a DNS name or an IP address, got ${JSON.stringify(san)}`);
  }
  const wildcard = ['0.0.0.0', '::', ''].includes(xdsAddr.host);
  const names = [...new Set([...(wildcard ? [] : [xdsAddr.host]), ...sans])];
  if (names.length === 0)
    throw new ConfigError(
      `--xds-tls with --xds-addr ${xdsAddr.host} (every address) needs --xds-tls-san: the names and addresses proxies dial`,
    );
  return { names };
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form) and localhost: only this machine can reach them. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^::ffff:/, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function checkBindRule(raw: RawControlPlaneOptions, apiAddr: HostPort, xdsAddr: HostPort): void {
  if (raw.accessFile !== undefined && raw.insecureNoAuth) {
    throw new ConfigError('--insecure-no-auth contradicts --access-file: pass one of them');
  }
  if (raw.accessFile !== undefined || raw.insecureNoAuth) return;
  for (const [flag, addr] of [
    ['--api-addr', apiAddr],
    ['--xds-addr', xdsAddr],
  ] as const) {
    if (!isLoopbackHost(addr.host)) {
      throw new ConfigError(
        `${flag} ${addr.host} is not a loopback address and authentication is off: pass --access-file FILE to require signed requests, or --insecure-no-auth to serve anyone who can connect`,
      );
    }
  }
}

const durationUnitsMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--cert-ttl`: a whole number with a unit (s, m, h, d), from 10s to 365d. */
export function parseCertTtl(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  const ms = match ? Number(match[1]) * durationUnitsMs[match[2]!]! : NaN;
  if (!(ms >= 10_000 && ms <= 365 * 86_400_000)) {
    throw new ConfigError(
      `--cert-ttl must be a duration from 10s to 365d such as 24h, 90m or 10s, got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}

/** The mesh-wide TLS settings from `--mtls` and `--trust-domain`. */
export function parseMeshSecurity(mtls: string | undefined, trustDomain: string | undefined): MeshSecurity {
  const mode = mtls ?? defaultMeshSecurity.mtls;
  if (!meshMtlsModes.includes(mode as MeshMtlsMode)) {
    throw new ConfigError(`--mtls must be one of ${meshMtlsModes.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  const domain = trustDomain ?? defaultMeshSecurity.trustDomain;
  const problem = trustDomainProblem(domain);
  if (problem) throw new ConfigError(`--trust-domain ${problem}, got ${JSON.stringify(domain)}`);
  return Object.freeze({ mtls: mode as MeshMtlsMode, trustDomain: domain });
}

/** The database URL `--store` names, or undefined for the embedded SQLite store. */
export function parseStoreOption(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value === 'sqlite') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    // The value may hold a password: name only its scheme.
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
    throw new ConfigError(
      `--store must be "sqlite" or a postgres://user:password@host:port/database URL, got ${
        scheme ? `a ${scheme}: URL` : 'something else'
      }`,
    );
  }
  return value;
}

export function parseControlPlaneConfig(raw: RawControlPlaneOptions): ControlPlaneConfig {
  if (!/^[a-z]{2,}(-[a-z0-9]+)+$/.test(raw.region)) {
    throw new ConfigError(`region must look like us-east-1, got ${JSON.stringify(raw.region)}`);
  }
  if (!/^\d{12}$/.test(raw.accountId)) {
    throw new ConfigError(`account id must be 12 digits, got ${JSON.stringify(raw.accountId)}`);
  }
  let quotas: Quotas;
  try {
    quotas = parseQuotaOverrides(raw.quota ?? []);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  const allowedHosts = (raw.allowedHost ?? [])
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const name of allowedHosts) {
    const problem = invalidAllowedHost(name);
    if (problem) throw new ConfigError(problem);
  }
  const graceText = raw.instanceGraceMs ?? controlPlaneDefaults.instanceGraceMs;
  const instanceGraceMs = Number(graceText);
  if (!/^\d+$/.test(graceText) || instanceGraceMs < 1 || instanceGraceMs > 86_400_000) {
    throw new ConfigError(
      `--instance-grace-ms must be a whole number of milliseconds from 1 to 86400000, got ${JSON.stringify(graceText)}`,
    );
  }
  const databaseUrl = parseStoreOption(raw.store);
  const apiAddr = parseHostPort(raw.apiAddr, '--api-addr');
  const xdsAddr = parseHostPort(raw.xdsAddr, '--xds-addr');
  if (raw.accessFile === '') throw new ConfigError('--access-file must name a file');
  checkBindRule(raw, apiAddr, xdsAddr);
  const xdsTls = parseXdsTls(raw, xdsAddr);
  const security = parseMeshSecurity(raw.mtls, raw.trustDomain);
  if ((raw.caCert === undefined) !== (raw.caKey === undefined) || raw.caCert === '' || raw.caKey === '') {
    throw new ConfigError(
      '--ca-cert and --ca-key go together: pass both files, or neither for the built-in CA',
    );
  }
  return Object.freeze({
    apiAddr,
    xdsAddr,
    dataDir: path.resolve(raw.dataDir),
    ...(databaseUrl ? { databaseUrl } : {}),
    region: raw.region,
    accountId: raw.accountId,
    quotas,
    allowedHosts: Object.freeze(allowedHosts),
    instanceGraceMs,
    security,
    certTtlMs: parseCertTtl(raw.certTtl ?? controlPlaneDefaults.certTtl),
    ...(raw.caCert !== undefined && raw.caKey !== undefined
      ? { caCertPath: path.resolve(raw.caCert), caKeyPath: path.resolve(raw.caKey) }
      : {}),
    ...(raw.accessFile === undefined ? {} : { accessFile: path.resolve(raw.accessFile) }),
    ...(xdsTls === undefined ? {} : { xdsTls }),
  });
}
