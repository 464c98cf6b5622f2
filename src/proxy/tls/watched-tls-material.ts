// The proxy's TLS material: SDS secrets from the applied configuration and PEM files read once, watched, and
// re-read when they change, so a rotated certificate reaches listeners and clusters without a restart.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync, watch } from 'node:fs';
import type { FSWatcher, Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import type { CertificateSource, SecretConfig, TrustSource } from '../config/tls-types.ts';
import type { CertificateMaterial, TlsMaterialSource, TrustMaterial } from './tls-material.ts';

/** Where warnings about files go (the sidecar passes its pino logger). Never handed PEM. */
export interface MaterialLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface WatchedTlsMaterialOptions {
  readonly logger?: MaterialLogger;
  /**
   * How often every file in use is stat()ed (mtime, size, inode), for file systems and editors fs.watch misses
   * (default 2 s). fs.watch on each file's directory reports renames and writes sooner.
   */
  readonly pollIntervalMs?: number;
  /** How long a burst of fs.watch events is gathered before the files are checked (default 50 ms). */
  readonly settleMs?: number;
}

interface WatchedFile {
  readonly path: string;
  /** The content last read from disk (the material made from it may be older, if this one did not parse). */
  latest: string;
  /** What the last check saw, to tell a changed file from an untouched one. */
  stamp: string;
}

interface CachedCertificate {
  readonly chainPath: string;
  readonly keyPath: string;
  material: CertificateMaterial;
}

interface CachedTrust {
  readonly path: string;
  material: TrustMaterial;
}

const noLogger: MaterialLogger = { warn() {}, info() {} };

function stampOf(s: Stats): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

function errnoCode(cause: unknown): string {
  return (cause as NodeJS.ErrnoException).code ?? 'unreadable';
}

/** Why `chain` + `key` cannot serve (they do not parse, or do not belong together); undefined when they can. */
function certificateProblem(chain: string, key: string): string | undefined {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(chain);
  } catch {
    return 'the certificate chain is not a PEM certificate';
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    return 'the private key is not a PEM private key';
  }
  return leaf.checkPrivateKey(privateKey) ? undefined : 'the private key does not match the certificate';
}

function trustProblem(bundle: string): string | undefined {
  try {
    new X509Certificate(bundle);
    return undefined;
  } catch {
    return 'the trust bundle is not a PEM certificate';
  }
}

/**
 * A `TlsMaterialSource` that caches: asking twice for an unchanged source returns the very same object, so a
 * listener or cluster can tell "material changed" by identity (or by `version`). Files are watched from the
 * first time they are asked for until `keepOnly` no longer lists them; a changed file that does not parse (a
 * half-written file, a key that does not match its new certificate yet) keeps the old material and logs a
 * warning. Listeners registered with `onChange` hear about every change.
 */
export class WatchedTlsMaterial implements TlsMaterialSource {
  readonly #log: MaterialLogger;
  readonly #pollIntervalMs: number;
  readonly #settleMs: number;
  #secrets: ReadonlyMap<string, SecretConfig> = new Map();
  readonly #files = new Map<string, WatchedFile>();
  readonly #certificates = new Map<string, CachedCertificate>();
  readonly #trusts = new Map<string, CachedTrust>();
  /** One fs.watch per directory holding a file in use. */
  readonly #dirWatchers = new Map<string, FSWatcher>();
  readonly #listeners = new Set<() => void>();
  #pollTimer: NodeJS.Timeout | undefined;
  #settleTimer: NodeJS.Timeout | undefined;
  #version = 0;
  #closed = false;

  constructor(options: WatchedTlsMaterialOptions = {}) {
    this.#log = options.logger ?? noLogger;
    this.#pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.#settleMs = options.settleMs ?? 50;
  }

  /** Bumped whenever any material this source has handed out changed. */
  get version(): number {
    return this.#version;
  }

  /** Calls `listener` after material changed (a file was rotated, a secret replaced). Returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The SDS secrets of the configuration being applied. Returns whether a secret already in use changed (its
   * listeners and clusters need new TLS contexts); `onChange` is not called for it, the applier rebuilds.
   */
  setSecrets(secrets: ReadonlyMap<string, SecretConfig>): boolean {
    const before = this.#secrets;
    this.#secrets = secrets;
    let changed = false;
    for (const [name, old] of before) if (secrets.get(name) !== old) changed = true;
    if (changed) this.#version++;
    return changed;
  }

  certificate(source: CertificateSource): CertificateMaterial {
    if (source.kind === 'file')
      return this.#fileCertificate(source.certificateChainPath, source.privateKeyPath);
    const secret = this.#secrets.get(source.secretName);
    if (secret?.kind === 'certificate') return secret;
    if (secret?.kind === 'certificate-file')
      return this.#fileCertificate(secret.certificateChainPath, secret.privateKeyPath);
    throw new ConfigError(`secret "${source.secretName}"`, ['no such TLS certificate secret']);
  }

  trust(source: TrustSource): TrustMaterial {
    if (source.kind === 'file') return this.#fileTrust(source.certificateChainPath);
    const secret = this.#secrets.get(source.secretName);
    if (secret?.kind === 'validation') return secret;
    if (secret?.kind === 'validation-file') return this.#fileTrust(secret.trustedCaPath);
    throw new ConfigError(`secret "${source.secretName}"`, ['no such validation context secret']);
  }

  /**
   * Stops watching files no longer named by `sources` (the applied configuration's certificate and trust
   * sources, and its file-backed secrets).
   */
  keepOnly(paths: Iterable<string>): void {
    const keep = new Set([...paths].map((p) => resolve(p)));
    for (const [key, c] of this.#certificates)
      if (!keep.has(c.chainPath) || !keep.has(c.keyPath)) this.#certificates.delete(key);
    for (const [key, t] of this.#trusts) if (!keep.has(t.path)) this.#trusts.delete(key);
    const used = new Set<string>();
    for (const c of this.#certificates.values()) used.add(c.chainPath).add(c.keyPath);
    for (const t of this.#trusts.values()) used.add(t.path);
    for (const path of this.#files.keys()) if (!used.has(path)) this.#files.delete(path);
    this.#syncWatchers();
  }

  /** Stops every watcher and timer. */
  close(): void {
    this.#closed = true;
    this.#files.clear();
    this.#certificates.clear();
    this.#trusts.clear();
    this.#syncWatchers();
    clearTimeout(this.#settleTimer);
  }

  #fileCertificate(chainPath: string, keyPath: string): CertificateMaterial {
    const chain = resolve(chainPath);
    const key = resolve(keyPath);
    const cacheKey = `${chain}\0${key}`;
    const cached = this.#certificates.get(cacheKey);
    if (cached) return cached.material;
    const chainFile = this.#read(chain, 'certificate chain');
    const keyFile = this.#read(key, 'private key');
    const problem = certificateProblem(chainFile.latest, keyFile.latest);
    if (problem !== undefined) throw new ConfigError(`certificate ${chain}`, [problem]);
    const material = Object.freeze({ certificateChain: chainFile.latest, privateKey: keyFile.latest });
    this.#certificates.set(cacheKey, { chainPath: chain, keyPath: key, material });
    this.#track(chainFile, keyFile);
    return material;
  }

  #fileTrust(path: string): TrustMaterial {
    const full = resolve(path);
    const cached = this.#trusts.get(full);
    if (cached) return cached.material;
    const file = this.#read(full, 'trust bundle');
    const problem = trustProblem(file.latest);
    if (problem !== undefined) throw new ConfigError(`trust bundle ${full}`, [problem]);
    const material = Object.freeze({ trustedCa: file.latest });
    this.#trusts.set(full, { path: full, material });
    this.#track(file);
    return material;
  }

  /** A file in use as last read, or read now (tracked only once material made from it is accepted). */
  #read(path: string, what: string): WatchedFile {
    const known = this.#files.get(path);
    if (known) return known;
    try {
      const stamp = stampOf(statSync(path));
      return { path, latest: readFileSync(path, 'utf8'), stamp };
    } catch (cause) {
      throw new ConfigError(what, [`cannot read ${path} (${errnoCode(cause)})`]);
    }
  }

  /** Starts watching files material was just made from. */
  #track(...files: WatchedFile[]): void {
    for (const f of files) if (!this.#files.has(f.path)) this.#files.set(f.path, f);
    this.#syncWatchers();
  }

  /** One directory watcher per directory in use and the poll timer while any file is; none otherwise. */
  #syncWatchers(): void {
    const dirs = new Set(this.#closed ? [] : [...this.#files.keys()].map((p) => dirname(p)));
    for (const [dir, watcher] of this.#dirWatchers) {
      if (dirs.has(dir)) continue;
      watcher.close();
      this.#dirWatchers.delete(dir);
    }
    for (const dir of dirs) {
      if (this.#dirWatchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          const changed = name === null ? undefined : String(name);
          if (changed === undefined || [...this.#files.keys()].some((p) => basename(p) === changed))
            this.#scheduleCheck();
        });
        // A watcher error (the directory went away) leaves the poll to notice what happens next.
        watcher.on('error', () => {
          watcher.close();
          this.#dirWatchers.delete(dir);
        });
        this.#dirWatchers.set(dir, watcher);
      } catch {
        // Not watchable (e.g. missing directory): the poll covers it.
      }
    }
    if (dirs.size === 0) {
      clearInterval(this.#pollTimer);
      this.#pollTimer = undefined;
    } else if (!this.#pollTimer) {
      this.#pollTimer = setInterval(() => this.check(), this.#pollIntervalMs);
      this.#pollTimer.unref();
    }
  }

  #scheduleCheck(): void {
    if (this.#settleTimer || this.#closed) return;
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = undefined;
      this.check(true);
    }, this.#settleMs);
    this.#settleTimer.unref();
  }

  /**
   * Looks at every file in use now (the poll and the watchers call it); `force` re-reads even files whose
   * stat looks unchanged (a watcher saw a write). Returns whether any material changed.
   */
  check(force = false): boolean {
    const changedPaths = new Set<string>();
    for (const file of this.#files.values()) {
      let stamp: string;
      try {
        stamp = stampOf(statSync(file.path));
      } catch (cause) {
        // Mid-rename or deleted: the old material serves until a readable file is back.
        if (file.stamp !== 'missing')
          this.#log.warn(
            { path: file.path, code: errnoCode(cause) },
            'tls file unreadable; keeping the loaded one',
          );
        file.stamp = 'missing';
        continue;
      }
      if (stamp === file.stamp && !force) continue;
      file.stamp = stamp;
      let text: string;
      try {
        text = readFileSync(file.path, 'utf8');
      } catch {
        continue;
      }
      if (text === file.latest) continue;
      file.latest = text;
      changedPaths.add(file.path);
    }
    return changedPaths.size > 0 && this.#reload(changedPaths);
  }

  /** Rebuilds the material made from changed files, if the new content can serve; tells the listeners. */
  #reload(changedPaths: ReadonlySet<string>): boolean {
    let changed = false;
    for (const c of this.#certificates.values()) {
      if (!changedPaths.has(c.chainPath) && !changedPaths.has(c.keyPath)) continue;
      const chain = this.#files.get(c.chainPath)?.latest ?? c.material.certificateChain;
      const key = this.#files.get(c.keyPath)?.latest ?? c.material.privateKey;
      if (chain === c.material.certificateChain && key === c.material.privateKey) continue;
      const problem = certificateProblem(chain, key);
      if (problem !== undefined) {
        this.#log.warn(
          { certificateChain: c.chainPath, privateKey: c.keyPath, problem },
          'tls certificate files changed but cannot be used; keeping the loaded certificate',
        );
        continue;
      }
      c.material = Object.freeze({ certificateChain: chain, privateKey: key });
      changed = true;
      this.#log.info({ certificateChain: c.chainPath, privateKey: c.keyPath }, 'tls certificate reloaded');
    }
    for (const t of this.#trusts.values()) {
      if (!changedPaths.has(t.path)) continue;
      const bundle = this.#files.get(t.path)?.latest ?? t.material.trustedCa;
      if (bundle === t.material.trustedCa) continue;
      const problem = trustProblem(bundle);
      if (problem !== undefined) {
        this.#log.warn(
          { trustedCa: t.path, problem },
          'tls trust bundle changed but cannot be used; keeping the loaded one',
        );
        continue;
      }
      t.material = Object.freeze({ trustedCa: bundle });
      changed = true;
      this.#log.info({ trustedCa: t.path }, 'tls trust bundle reloaded');
    }
    if (!changed) return false;
    this.#version++;
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        this.#log.warn({ err: error }, 'tls material change listener failed');
      }
    }
    return true;
  }
}
