// The control plane's certificate authority at run time: its roots (from the store, shared by every replica,
// or the operator's CA), which one signs, which ones peers trust, and rotation to a new root.

import type { Store, StoredAuthority } from '../store/store.ts';
import type { CaClock, CaTimer } from './ca-clock.ts';
import {
  CaConfigError,
  createRootAuthority,
  parseStoredAuthority,
  type ArnScope,
  type Authority,
} from './certificate-authority.ts';

export type AuthorityState = 'next' | 'active' | 'previous' | 'retired';

export interface AuthorityView {
  readonly authority: Authority;
  readonly state: AuthorityState;
}

export type CaStore = Pick<Store, 'listAuthorities' | 'insertAuthority'>;

export interface MeshCaOptions {
  readonly store: CaStore;
  readonly clock: CaClock;
  readonly scope: ArnScope;
  /** Life of an issued workload certificate; a replaced root stays trusted this long after its successor signs. */
  readonly certTtlMs: number;
  /** The operator's CA (--ca-cert/--ca-key); the store's roots are then not used. */
  readonly operator?: Authority;
  /** How long a rotated-in root is trusted before it signs, so every proxy trusts it first (default 10 s). */
  readonly trustLeadMs?: number;
  /** How often the store is re-read for roots another replica rotated in (default 30 s). */
  readonly pollMs?: number;
  /** Store read failures during polling (the CA keeps its roots). */
  readonly onPollError?: (error: unknown) => void;
}

export class RotationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationRefusedError';
  }
}

/** Roots in activation order: each one signs until the next one's time comes. */
function parseAll(scope: ArnScope, stored: readonly StoredAuthority[]): Authority[] {
  return stored
    .map((row) => parseStoredAuthority(scope, row))
    .sort((a, b) => a.activatesAtMs - b.activatesAtMs || a.createdAtMs - b.createdAtMs);
}

export class MeshCa {
  readonly #options: MeshCaOptions;
  readonly #listeners = new Set<() => void>();
  #authorities: readonly Authority[];
  #transitionTimer: CaTimer | undefined;
  #pollTimer: CaTimer | undefined;
  #closed = false;

  /** Loads the roots, creating the first one when the store has none (exactly one replica's root wins). */
  static async open(options: MeshCaOptions): Promise<MeshCa> {
    if (options.operator) return new MeshCa(options, [options.operator]);
    let stored = await options.store.listAuthorities();
    if (stored.length === 0) {
      const now = options.clock.now();
      await options.store.insertAuthority(createRootAuthority(options.scope, now, now).stored, {
        onlyIfNone: true,
      });
      stored = await options.store.listAuthorities();
    }
    return new MeshCa(options, parseAll(options.scope, stored));
  }

  private constructor(options: MeshCaOptions, authorities: readonly Authority[]) {
    this.#options = options;
    this.#authorities = authorities;
    this.#armTransition();
    if (!options.operator) this.#armPoll();
  }

  get scope(): ArnScope {
    return this.#options.scope;
  }

  get certTtlMs(): number {
    return this.#options.certTtlMs;
  }

  /** Called after the signer or the trusted set changed (rotation, a transition time passed, another replica). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every root, oldest first, with its state now. */
  views(): AuthorityView[] {
    const now = this.#options.clock.now();
    const list = this.#authorities;
    return list.map((authority, index) => ({ authority, state: this.#stateOf(index, now, list) }));
  }

  /** The root that signs now: the newest one whose activation time has passed. */
  signer(): Authority {
    const active = this.views().find((view) => view.state === 'active');
    // Only a list of roots that are all still to come (or all expired) has no active one: the earliest signs.
    return active?.authority ?? [...this.#authorities].sort((a, b) => a.activatesAtMs - b.activatesAtMs)[0]!;
  }

  /** The roots peers must trust now, PEM concatenated: during a rotation both old and new. */
  trustBundlePem(): string {
    return this.views()
      .filter((view) => view.state !== 'retired')
      .map((view) => view.authority.trustPem)
      .join('');
  }

  /** The authority an ARN names, if it is one of ours. */
  byArn(arn: string): Authority | undefined {
    return this.#authorities.find((authority) => authority.arn === arn);
  }

  /**
   * Makes a new root: trusted at once, signing after the trust lead, the old root trusted until every
   * certificate it signed has expired. Refused with the operator's CA (replace its files instead).
   */
  async rotate(): Promise<Authority> {
    if (this.#options.operator)
      throw new RotationRefusedError(
        'the CA comes from --ca-cert/--ca-key: replace those files and restart the control plane to rotate it',
      );
    const now = this.#options.clock.now();
    // Later than every root so far, so the order of activation is the order of rotation.
    const latest = Math.max(...this.#authorities.map((a) => a.activatesAtMs));
    const { authority, stored } = createRootAuthority(
      this.#options.scope,
      now,
      Math.max(now + (this.#options.trustLeadMs ?? 10_000), latest + 1),
    );
    await this.#options.store.insertAuthority(stored, { onlyIfNone: false });
    await this.reload();
    return authority;
  }

  /** Re-reads the store's roots (what polling does); notifies listeners when the set changed. */
  async reload(): Promise<void> {
    if (this.#options.operator) return;
    const stored = await this.#options.store.listAuthorities();
    if (stored.map((row) => row.id).join() === this.#authorities.map((a) => a.id).join()) return;
    this.#authorities = parseAll(this.#options.scope, stored);
    this.#armTransition();
    this.#notify();
  }

  close(): void {
    this.#closed = true;
    this.#transitionTimer?.cancel();
    this.#pollTimer?.cancel();
    this.#listeners.clear();
  }

  #stateOf(index: number, now: number, list: readonly Authority[]): AuthorityState {
    const authority = list[index]!;
    if (Date.parse(authority.certificate.validTo) <= now) return 'retired';
    if (authority.activatesAtMs > now) return 'next';
    const successor = list.slice(index + 1).find((later) => later.activatesAtMs <= now);
    if (!successor) return 'active';
    return now < successor.activatesAtMs + this.#options.certTtlMs ? 'previous' : 'retired';
  }

  /** One timer for the next moment a state changes (a root starts signing, an old one stops being trusted). */
  #armTransition(): void {
    this.#transitionTimer?.cancel();
    this.#transitionTimer = undefined;
    if (this.#closed) return;
    const now = this.#options.clock.now();
    const moments = this.#authorities
      .flatMap((authority) => [authority.activatesAtMs, authority.activatesAtMs + this.#options.certTtlMs])
      .filter((at) => at > now);
    if (moments.length === 0) return;
    const states = this.#stateSignature();
    this.#transitionTimer = this.#options.clock.setTimer(
      () => {
        this.#armTransition();
        // Some moments change nothing (the end of a life no root was replaced in).
        if (this.#stateSignature() !== states) this.#notify();
      },
      Math.min(...moments) - now,
    );
  }

  #stateSignature(): string {
    return this.views()
      .map((view) => `${view.authority.id}=${view.state}`)
      .join();
  }

  #armPoll(): void {
    if (this.#closed) return;
    this.#pollTimer = this.#options.clock.setTimer(() => {
      this.reload()
        .catch((error: unknown) => this.#options.onPollError?.(error))
        .finally(() => this.#armPoll());
    }, this.#options.pollMs ?? 30_000);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}

export { CaConfigError };
