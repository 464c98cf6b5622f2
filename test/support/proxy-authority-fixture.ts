// A small in-memory ProxyAuthenticator over the real token format, for tests of what consumes the contract.

import { randomBytes, randomUUID } from 'node:crypto';
import type { ProxyAuthentication, ProxyAuthenticator } from '../../src/api/auth/proxy-authenticator.ts';
import { checkProxyToken, mintProxyToken, type ProxyNodeRef } from '../../src/api/auth/proxy-token.ts';

/** Signs tokens with one random key and keeps revocations in memory; revocations reach listeners at once. */
export class TestProxyAuthority implements ProxyAuthenticator {
  readonly #key = { id: 'test-key', secret: randomBytes(32) };
  readonly #revoked = new Set<string>();
  readonly #listeners = new Set<(tokenIds: readonly string[]) => void>();

  /** A token for `node`; `ttlMs` may be negative for one already expired. */
  issue(node: ProxyNodeRef, options: { readonly ttlMs?: number } = {}): { token: string; id: string } {
    const id = randomUUID();
    const now = Date.now();
    const ttlMs = options.ttlMs ?? 3_600_000;
    const token = mintProxyToken(this.#key, {
      id,
      node,
      keyId: this.#key.id,
      issuedAtMs: now - (ttlMs < 0 ? 2 * -ttlMs : 0),
      expiresAtMs: now + ttlMs,
    });
    return { token, id };
  }

  /** A token for `node` signed with a key the authority does not know. */
  forge(node: ProxyNodeRef): string {
    const now = Date.now();
    return mintProxyToken(
      { id: this.#key.id, secret: randomBytes(32) },
      { id: randomUUID(), node, keyId: this.#key.id, issuedAtMs: now, expiresAtMs: now + 3_600_000 },
    );
  }

  revoke(tokenId: string): void {
    this.#revoked.add(tokenId);
    for (const listener of this.#listeners) listener([tokenId]);
  }

  authenticateToken(token: string): ProxyAuthentication {
    const check = checkProxyToken(
      token,
      (id) => (id === this.#key.id ? this.#key.secret : undefined),
      Date.now(),
    );
    if (!check.ok) return { ok: false, reason: check.reason };
    if (this.#revoked.has(check.claims.id)) return { ok: false, reason: 'revoked' };
    return { ok: true, principal: { kind: 'proxyToken', node: check.claims.node, tokenId: check.claims.id } };
  }

  onRevoked(listener: (tokenIds: readonly string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
