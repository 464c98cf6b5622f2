// Control plane settings, parsed once from flags and SWITCHYARD_* environment variables into a frozen value.

import path from 'node:path';
import { parseQuotaOverrides, type Quotas } from '../api/quotas.ts';
import { invalidAllowedHost } from '../util/host-check.ts';

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
  /** The access file (--access-file); absent means the API is unauthenticated (loopback only, or --insecure-no-auth). */
  readonly accessFile?: string;
}

export const controlPlaneDefaults = {
  apiAddr: '127.0.0.1:9080',
  xdsAddr: '127.0.0.1:15010',
  dataDir: './.switchyard',
  region: 'us-east-1',
  accountId: '000000000000',
  instanceGraceMs: '30000',
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
  readonly accessFile?: string;
  /** Serve without authentication on non-loopback addresses. */
  readonly insecureNoAuth?: boolean;
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
    ...(raw.accessFile === undefined ? {} : { accessFile: path.resolve(raw.accessFile) }),
  });
}
