// Incremental (delta) bookkeeping for one type on one stream: cumulative subscription and the versions the client holds.
import type { Resource } from '../protos/resource.ts';
import { TypeTracker } from './type-tracker.ts';

export interface DeltaPlan {
  /** False when there is nothing to tell the client but bookkeeping still changes. */
  readonly send: boolean;
  readonly resources: readonly Resource[];
  readonly removed: readonly string[];
  /** Removals were held back so later types can stop referencing them first; plan again after them. */
  readonly deferred: boolean;
}

export interface DeltaSubscriptionChange {
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  /** Only honoured on the stream's first request for the type. */
  readonly initialVersions: Readonly<Record<string, string>>;
}

export class DeltaTypeState {
  readonly typeUrl: string;
  readonly tracker: TypeTracker;
  readonly names = new Set<string>();
  wildcard = false;
  #started = false;
  /** Name → version the client holds; NACKed versions stay here so they are never re-sent unchanged. */
  readonly #known = new Map<string, string>();
  /** Explicitly subscribed names already reported as not existing. */
  readonly #toldAbsent = new Set<string>();
  /** The first wildcard request gets an answer even when there is nothing to send. */
  #owesAnswer = false;
  #plannedVersion: string | undefined;

  constructor(typeUrl: string) {
    this.typeUrl = typeUrl;
    this.tracker = new TypeTracker(typeUrl);
  }

  /** Applies one request's subscription changes; returns whether anything changed. */
  apply(change: DeltaSubscriptionChange): boolean {
    let changed = false;
    if (!this.#started) {
      this.#started = true;
      changed = true;
      // A first request naming nothing is a (legacy) wildcard subscription.
      if (change.subscribe.length === 0) this.wildcard = true;
      for (const [name, version] of Object.entries(change.initialVersions)) this.#known.set(name, version);
    }
    for (const name of change.subscribe) {
      if (name === '*') {
        changed ||= !this.wildcard;
        this.wildcard = true;
        continue;
      }
      if (!this.names.has(name)) changed = true;
      this.names.add(name);
      this.#toldAbsent.delete(name);
    }
    for (const name of change.unsubscribe) {
      if (name === '*') {
        changed ||= this.wildcard;
        this.wildcard = false;
        continue;
      }
      if (this.names.delete(name)) changed = true;
      // The client drops what it unsubscribes; if wildcard still covers it, it must be sent again.
      this.#known.delete(name);
      this.#toldAbsent.delete(name);
    }
    if (this.wildcard && changed && this.tracker.lastSentNonce === undefined) this.#owesAnswer = true;
    if (changed) this.#plannedVersion = undefined;
    return changed;
  }

  /** What is due against the snapshot's resources of this type (pure; `commit` applies it), or undefined. */
  plan(
    available: ReadonlyMap<string, Resource>,
    typeVersion: string,
    holdRemovals: boolean,
  ): DeltaPlan | undefined {
    if (this.#plannedVersion === typeVersion) return undefined;
    const resources: Resource[] = [];
    const consider = (r: Resource): void => {
      if (this.#known.get(r.name) !== r.version) resources.push(r);
    };
    if (this.wildcard) for (const r of available.values()) consider(r);
    for (const n of this.names) {
      const r = available.get(n);
      if (r !== undefined && !this.wildcard) consider(r);
    }
    const removed = new Set<string>();
    for (const name of this.#known.keys()) {
      if (!available.has(name) && (this.wildcard || this.names.has(name))) removed.add(name);
    }
    for (const name of this.names) if (!available.has(name) && !this.#toldAbsent.has(name)) removed.add(name);
    if (holdRemovals && removed.size > 0) {
      return { send: resources.length > 0, resources, removed: [], deferred: true };
    }
    const send = resources.length > 0 || removed.size > 0 || this.#owesAnswer;
    return { send, resources, removed: [...removed].sort(), deferred: false };
  }

  /** Applies a plan; `nonce` is the response's when one was written. */
  commit(plan: DeltaPlan, typeVersion: string, nonce: string | undefined): void {
    for (const r of plan.resources) this.#known.set(r.name, r.version);
    for (const name of plan.removed) {
      this.#known.delete(name);
      if (this.names.has(name)) this.#toldAbsent.add(name);
    }
    // Forget known names the client no longer subscribes to (it dropped them itself).
    for (const name of [...this.#known.keys()])
      if (!this.wildcard && !this.names.has(name)) this.#known.delete(name);
    this.#plannedVersion = plan.deferred ? undefined : typeVersion;
    if (nonce !== undefined) {
      this.#owesAnswer = false;
      this.tracker.recordSent(typeVersion, nonce);
    } else if (!plan.deferred && !plan.send) this.tracker.recordInSync(typeVersion);
  }

  invalidate(): void {
    this.#plannedVersion = undefined;
  }
}
