// State-of-the-world bookkeeping for one type on one stream: subscription, what the client holds, what to send next.
import type { Resource } from '../protos/resource.ts';
import { TypeTracker } from './type-tracker.ts';

/** The outcome of planning one type: maybe a response, and the client's view once it is applied. */
export interface SotwPlan {
  /** False when there is nothing to tell the client but bookkeeping still changes. */
  readonly send: boolean;
  readonly resources: readonly Resource[];
  readonly versionInfo: string;
  readonly nextHeld: ReadonlyMap<string, Resource>;
  /** Resources new or changed for the client: only these can introduce references to other resources. */
  readonly changes: number;
  /** Names the client holds that this plan drops (full-state types only). */
  readonly removals: number;
  /** Removals were held back so later types can stop referencing them first; plan again after them. */
  readonly deferred: boolean;
}

export class SotwTypeState {
  readonly typeUrl: string;
  readonly fullState: boolean;
  readonly tracker: TypeTracker;
  readonly names = new Set<string>();
  wildcard = false;
  // Legacy wildcard: an empty name list means "everything" only until the stream names something for the type.
  #legacyWildcardPossible = true;
  /** What the client holds from us, by name; NACKed content stays here so it is never re-sent unchanged. */
  #held = new Map<string, Resource>();
  #responded = false;
  /** Snapshot type version last planned against; with no subscription change since, a plan would be empty. */
  #plannedVersion: string | undefined;

  constructor(typeUrl: string, fullState: boolean) {
    this.typeUrl = typeUrl;
    this.fullState = fullState;
    this.tracker = new TypeTracker(typeUrl);
  }

  /** Applies a request's complete `resource_names`; returns whether the subscription changed. */
  setSubscription(requested: readonly string[]): boolean {
    const wasWildcard = this.wildcard;
    const before = new Set(this.names);
    if (requested.length === 0) {
      this.wildcard = this.#legacyWildcardPossible;
      this.names.clear();
    } else {
      this.#legacyWildcardPossible = false;
      this.wildcard = requested.includes('*');
      this.names.clear();
      for (const n of requested) if (n !== '*') this.names.add(n);
    }
    let changed = wasWildcard !== this.wildcard || before.size !== this.names.size;
    for (const n of this.names) {
      // A newly named resource must be sent even if the client once had it.
      if (!before.has(n)) {
        changed = true;
        if (!this.wildcard) this.#held.delete(n);
      }
    }
    // The client drops what it unsubscribes by itself: no response (not even a full-state one) is owed for that.
    if (!this.wildcard) for (const n of [...this.#held.keys()]) if (!this.names.has(n)) this.#held.delete(n);
    if (changed) this.#plannedVersion = undefined;
    return changed;
  }

  /**
   * Decides what is due given the snapshot's resources of this type (pure; `commit` applies it), or undefined when
   * the client is up to date. With `holdRemovals`, a full-state type keeps resources that disappeared for now.
   */
  plan(
    available: ReadonlyMap<string, Resource>,
    typeVersion: string,
    holdRemovals: boolean,
  ): SotwPlan | undefined {
    if (this.#plannedVersion === typeVersion && this.#responded) return undefined;
    const desired = new Map<string, Resource>();
    if (this.wildcard) for (const [n, r] of available) desired.set(n, r);
    else
      for (const n of this.names) {
        const r = available.get(n);
        if (r !== undefined) desired.set(n, r);
      }
    const changed = [...desired.values()].filter((r) => this.#held.get(r.name)?.version !== r.version);
    const removed = [...this.#held.keys()].filter((n) => !desired.has(n));
    const quiet = {
      send: false,
      resources: [],
      versionInfo: typeVersion,
      changes: 0,
      removals: 0,
      deferred: false,
    };
    if (!this.fullState) {
      // Per-resource types: send only what changed; what left is just forgotten (re-sent if it comes back).
      const nextHeld = new Map(this.#held);
      for (const n of removed) nextHeld.delete(n);
      for (const r of changed) nextHeld.set(r.name, r);
      if (changed.length === 0) return { ...quiet, nextHeld };
      return { ...quiet, send: true, resources: changed, changes: changed.length, nextHeld };
    }
    if (changed.length === 0 && removed.length === 0 && this.#responded)
      return { ...quiet, nextHeld: this.#held };
    if (holdRemovals && removed.length > 0) {
      if (changed.length === 0)
        return { ...quiet, nextHeld: this.#held, removals: removed.length, deferred: true };
      const kept = new Map(desired);
      for (const n of removed) kept.set(n, this.#held.get(n)!);
      const resources = [...kept.values()];
      return {
        send: true,
        resources,
        versionInfo: `${typeVersion}+kept`,
        nextHeld: kept,
        changes: changed.length,
        removals: 0,
        deferred: true,
      };
    }
    const resources = [...desired.values()];
    return {
      send: true,
      resources,
      versionInfo: typeVersion,
      nextHeld: desired,
      changes: changed.length,
      removals: removed.length,
      deferred: false,
    };
  }

  /** Applies a plan; `nonce` is the response's when one was written. */
  commit(plan: SotwPlan, typeVersion: string, nonce: string | undefined): void {
    this.#held = new Map(plan.nextHeld);
    this.#plannedVersion = plan.deferred ? undefined : typeVersion;
    if (nonce !== undefined) {
      this.#responded = true;
      this.tracker.recordSent(plan.versionInfo, nonce);
    }
  }

  /** The snapshot went away or was replaced wholesale: re-plan on the next pass. */
  invalidate(): void {
    this.#plannedVersion = undefined;
  }
}
