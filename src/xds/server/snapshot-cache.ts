// Per-key snapshots set by the control plane and watched by the ADS streams of the nodes that resolve to that key.
import type { Snapshot } from './snapshot.ts';

/** A snapshot as stored, with when it was set (performance.now() clock) so streams can log set-to-send latency. */
export interface SnapshotEntry {
  readonly snapshot: Snapshot;
  readonly setAt: number;
}

export type SnapshotListener = (entry: SnapshotEntry | undefined) => void;

/**
 * The hand-off between the control plane (writer) and the streams (readers). Setting a snapshot notifies every
 * watcher of the key synchronously; watchers must only mark work and return (they never send inline).
 */
export class SnapshotCache {
  readonly #entries = new Map<string, SnapshotEntry>();
  readonly #watchers = new Map<string, Set<SnapshotListener>>();

  setSnapshot(key: string, snapshot: Snapshot): void {
    const entry: SnapshotEntry = { snapshot, setAt: performance.now() };
    this.#entries.set(key, entry);
    this.#notify(key, entry);
  }

  /** Forgets a key's snapshot; its streams stay open and send nothing until a new one is set. */
  clearSnapshot(key: string): void {
    if (this.#entries.delete(key)) this.#notify(key, undefined);
  }

  getSnapshot(key: string): SnapshotEntry | undefined {
    return this.#entries.get(key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Registers a listener for a key; returns the function that removes it. */
  watch(key: string, listener: SnapshotListener): () => void {
    let set = this.#watchers.get(key);
    if (set === undefined) this.#watchers.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#watchers.get(key) === set) this.#watchers.delete(key);
    };
  }

  #notify(key: string, entry: SnapshotEntry | undefined): void {
    for (const listener of this.#watchers.get(key) ?? []) listener(entry);
  }
}
