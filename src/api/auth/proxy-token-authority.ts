// Issues, verifies and revokes proxy tokens over the store's signing keys and revocations, shared by every replica.

import { randomBytes } from 'node:crypto';
import type { CaClock, CaTimer } from '../../ca/ca-clock.ts';
import type { Store, StoredRevocation } from '../../store/store.ts';
import type { ProxyAuthentication, ProxyAuthenticator } from './proxy-authenticator.ts';
import { checkProxyToken, mintProxyToken, type ProxyNodeRef, type ProxyTokenClaims } from './proxy-token.ts';

export type TokenStore = Pick<
  Store,
  'listTokenKeys' | 'insertTokenKey' | 'listRevocations' | 'insertRevocation' | 'pruneRevocations'
>;

export interface ProxyTokenAuthorityOptions {
  readonly store: TokenStore;
  /** Wall-clock time (tokens carry dates) and the poll timer; tests inject a manual one. */
  readonly clock: CaClock;
  /** How often the store is re-read for keys and revocations made by other replicas (default 1 s). */
  readonly pollMs?: number;
  /**
   * A store read failing while polling, once per outage (the poll goes on every `pollMs`): the authority keeps
   * the keys and revocations it holds.
   */
  readonly onPollError?: (error: unknown) => void;
}

/** A token just issued: the only time its text exists outside the proxy that holds it. */
export interface IssuedToken {
  readonly token: string;
  readonly claims: ProxyTokenClaims;
}

export const defaultTokenTtlMs = 24 * 60 * 60 * 1000;
export const maxTokenTtlMs = 366 * 24 * 60 * 60 * 1000;
export const minTokenTtlMs = 60 * 1000;
const keyBytes = 32;

/**
 * A token id names the token's expiry (seconds since the epoch, base 36) and 96 random bits, so a revocation
 * knows how long it must be kept from the id alone: ids are made only here, and a token cannot be forged.
 */
const tokenIdPattern = /^([0-9a-z]{1,11})-([0-9a-f]{24})$/;

export function newTokenId(expiresAtMs: number): string {
  return `${Math.floor(expiresAtMs / 1000).toString(36)}-${randomBytes(12).toString('hex')}`;
}

/** The expiry a token id names, or undefined when the text is not a token id. */
export function tokenIdExpiry(tokenId: string): number | undefined {
  const match = tokenIdPattern.exec(tokenId);
  if (!match) return undefined;
  const seconds = Number.parseInt(match[1]!, 36);
  return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
}

export class TokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRequestError';
  }
}

export class ProxyTokenAuthority implements ProxyAuthenticator {
  readonly #options: ProxyTokenAuthorityOptions;
  readonly #listeners = new Set<(tokenIds: readonly string[]) => void>();
  /** Key id → secret; swapped whole when the store's set changes. */
  #keys: ReadonlyMap<string, Buffer>;
  #signingKeyId: string;
  /** Token id → its revocation; entries leave once the token would have expired anyway. */
  #revoked = new Map<string, StoredRevocation>();
  #pollTimer: CaTimer | undefined;
  #polling: Promise<void> | undefined;
  #pollFailing = false;
  #closed = false;

  /** Loads the keys (making the first one when the store has none: one replica's key wins) and revocations. */
  static async open(options: ProxyTokenAuthorityOptions): Promise<ProxyTokenAuthority> {
    let keys = await options.store.listTokenKeys();
    if (keys.length === 0) {
      const now = options.clock.now();
      await options.store.insertTokenKey(
        {
          id: `k${now.toString(36)}-${randomBytes(4).toString('hex')}`,
          createdAtMs: now,
          secret: randomBytes(keyBytes).toString('base64url'),
        },
        { onlyIfNone: true },
      );
      keys = await options.store.listTokenKeys();
    }
    const authority = new ProxyTokenAuthority(options, keys);
    authority.#absorb(await options.store.listRevocations(), false);
    authority.#armPoll();
    return authority;
  }

  private constructor(
    options: ProxyTokenAuthorityOptions,
    keys: Awaited<ReturnType<TokenStore['listTokenKeys']>>,
  ) {
    this.#options = options;
    this.#keys = new Map();
    this.#signingKeyId = '';
    this.#setKeys(keys);
  }

  /**
   * Mints a token for `node` (the record with `nodeUid`, when given), signed with the newest key. The caller
   * checks that the node exists.
   */
  issue(node: ProxyNodeRef, ttlMs: number = defaultTokenTtlMs, nodeUid?: string): IssuedToken {
    if (!Number.isSafeInteger(ttlMs) || ttlMs < minTokenTtlMs || ttlMs > maxTokenTtlMs)
      throw new TokenRequestError(
        `ttlSeconds must be a whole number from ${minTokenTtlMs / 1000} to ${maxTokenTtlMs / 1000} (366 days)`,
      );
    const issuedAtMs = Math.floor(this.#options.clock.now() / 1000) * 1000;
    const expiresAtMs = issuedAtMs + Math.ceil(ttlMs / 1000) * 1000;
    const claims: ProxyTokenClaims = {
      id: newTokenId(expiresAtMs),
      node,
      ...(nodeUid === undefined ? {} : { nodeUid }),
      keyId: this.#signingKeyId,
      issuedAtMs,
      expiresAtMs,
    };
    const secret = this.#keys.get(this.#signingKeyId)!;
    return { token: mintProxyToken({ id: this.#signingKeyId, secret }, claims), claims };
  }

  authenticateToken(token: string): ProxyAuthentication {
    const check = checkProxyToken(token, (keyId) => this.#keys.get(keyId), this.#options.clock.now());
    if (!check.ok) return { ok: false, reason: check.reason };
    if (this.#revoked.has(check.claims.id)) return { ok: false, reason: 'revoked' };
    return {
      ok: true,
      principal: {
        kind: 'proxyToken',
        node: check.claims.node,
        tokenId: check.claims.id,
        ...(check.claims.nodeUid === undefined ? {} : { nodeUid: check.claims.nodeUid }),
      },
    };
  }

  onRevoked(listener: (tokenIds: readonly string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Records the revocation in the store (idempotent) and applies it here at once; other replicas see it at
   * their next poll. Resolves the revocation in force (the first one, when the token was revoked before).
   */
  async revoke(tokenId: string): Promise<StoredRevocation> {
    const expiresAtMs = tokenIdExpiry(tokenId);
    // No token outlives the longest TTL: an id claiming more was not made here, and would be kept for ever.
    if (expiresAtMs === undefined || expiresAtMs > this.#options.clock.now() + maxTokenTtlMs + 1000)
      throw new TokenRequestError(`${JSON.stringify(tokenId.slice(0, 80))} is not a token id`);
    const known = this.#revoked.get(tokenId);
    if (known) return known;
    const revocation = { tokenId, expiresAtMs, revokedAtMs: this.#options.clock.now() };
    await this.#options.store.insertRevocation(revocation);
    await this.reload();
    return this.#revoked.get(tokenId) ?? revocation;
  }

  /** Revocations in force, oldest first. */
  revocations(): StoredRevocation[] {
    return [...this.#revoked.values()].sort((a, b) => a.revokedAtMs - b.revokedAtMs);
  }

  /** Re-reads keys and revocations (what polling does), notifies listeners of new revocations, prunes. */
  reload(): Promise<void> {
    // One read at a time: a revoke() during a poll waits for that poll, then reads again.
    const next = (this.#polling ?? Promise.resolve()).catch(() => undefined).then(() => this.#readStore());
    this.#polling = next;
    return next;
  }

  async #readStore(): Promise<void> {
    const store = this.#options.store;
    const [keys, revocations] = await Promise.all([store.listTokenKeys(), store.listRevocations()]);
    if (keys.length > 0) this.#setKeys(keys);
    const now = this.#options.clock.now();
    this.#absorb(revocations, true);
    if (revocations.some((revocation) => revocation.expiresAtMs < now)) await store.pruneRevocations(now);
  }

  close(): void {
    this.#closed = true;
    this.#pollTimer?.cancel();
    this.#listeners.clear();
  }

  #setKeys(keys: Awaited<ReturnType<TokenStore['listTokenKeys']>>): void {
    this.#keys = new Map(keys.map((key) => [key.id, Buffer.from(key.secret, 'base64url')]));
    // Oldest first: the newest signs.
    this.#signingKeyId = keys.at(-1)!.id;
  }

  /** Takes the store's revocations whole, dropping expired ones; tells listeners about the new ones. */
  #absorb(revocations: readonly StoredRevocation[], notify: boolean): void {
    const now = this.#options.clock.now();
    const next = new Map<string, StoredRevocation>();
    const added: string[] = [];
    for (const revocation of revocations) {
      if (revocation.expiresAtMs < now) continue;
      next.set(revocation.tokenId, revocation);
      if (!this.#revoked.has(revocation.tokenId)) added.push(revocation.tokenId);
    }
    // A revocation made here but not yet visible in what was read (another connection) stays.
    for (const [tokenId, revocation] of this.#revoked)
      if (!next.has(tokenId) && revocation.expiresAtMs >= now) next.set(tokenId, revocation);
    this.#revoked = next;
    if (!notify || added.length === 0) return;
    for (const listener of this.#listeners) listener(added);
  }

  #armPoll(): void {
    if (this.#closed) return;
    this.#pollTimer = this.#options.clock.setTimer(() => {
      this.reload()
        .then(
          () => (this.#pollFailing = false),
          (error: unknown) => {
            if (!this.#pollFailing) this.#options.onPollError?.(error);
            this.#pollFailing = true;
          },
        )
        .finally(() => this.#armPoll());
    }, this.#options.pollMs ?? 1000);
  }
}
