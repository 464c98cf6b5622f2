// Fans committed change batches out to watchers: replay from history first, then live, always asynchronously.

import { RevisionCompactedError, type Change, type Watch, type WatchHandlers } from '../store.ts';
import { WatchOutbox } from '../watch-outbox.ts';

/** What the feed needs from the store; the read methods run inside the store's read queue. */
export interface ChangeHistory {
  /** The revision of the last committed write. */
  committedRevision(): number;
  /** Changes up to this revision are gone from history. */
  compactedThrough(): number;
  /** Whole transactions after `afterRevision`, in order, about `limit` changes. Called through `runRead`. */
  readBatches(afterRevision: number, limit: number): (readonly Change[])[];
  /** Runs a synchronous history read where no open read transaction can hide recent commits. */
  runRead<T>(task: () => T): Promise<T>;
}

/** How many changes a replay step reads before yielding to other work. */
const replayChunk = 1000;

export class ChangeFeed {
  readonly #history: ChangeHistory;
  readonly #onHandlerError: (error: unknown) => void;
  readonly #watchers = new Set<FeedWatcher>();

  constructor(history: ChangeHistory, onHandlerError: (error: unknown) => void) {
    this.#history = history;
    this.#onHandlerError = onHandlerError;
  }

  watch(fromRevision: number, handlers: WatchHandlers): Watch {
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
      throw new RangeError(`watch needs a revision >= 0, got ${fromRevision}`);
    }
    const watcher = new FeedWatcher(fromRevision, handlers, this.#history, this.#onHandlerError, () =>
      this.#watchers.delete(watcher),
    );
    this.#watchers.add(watcher);
    watcher.start();
    return { close: () => watcher.close() };
  }

  /** Called in the same synchronous step as the commit of the transaction that made `changes`. */
  publish(changes: readonly Change[]): void {
    if (changes.length === 0) return;
    for (const watcher of this.#watchers) watcher.offer(changes);
  }

  /** Ends every watch: each gets its pending batches, then `error`. */
  endAll(error: Error): void {
    for (const watcher of this.#watchers) watcher.fail(error);
    this.#watchers.clear();
  }
}

class FeedWatcher {
  readonly #outbox: WatchOutbox;
  readonly #history: ChangeHistory;
  readonly #detach: () => void;
  /** Revision of the last change queued for delivery. */
  #queuedThrough: number;
  #live = false;
  /** No more deliveries get queued (closed, or failing with an error still to deliver). */
  #ending = false;

  constructor(
    fromRevision: number,
    handlers: WatchHandlers,
    history: ChangeHistory,
    onHandlerError: (error: unknown) => void,
    detach: () => void,
  ) {
    this.#queuedThrough = fromRevision;
    this.#outbox = new WatchOutbox(handlers, onHandlerError);
    this.#history = history;
    this.#detach = detach;
  }

  start(): void {
    setImmediate(() => this.#replayStep());
  }

  offer(changes: readonly Change[]): void {
    if (!this.#live || this.#ending) return;
    this.#outbox.changes(changes);
    this.#queuedThrough = changes[changes.length - 1]!.revision;
  }

  fail(error: Error): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#detach();
    this.#outbox.error(error);
  }

  close(): void {
    this.#ending = true;
    this.#outbox.close();
    this.#detach();
  }

  /**
   * Reads history until it reaches the committed revision, then turns live. The read and the switch happen
   * in one synchronous step, and commits publish synchronously too, so no batch is missed or seen twice.
   */
  #replayStep(): void {
    if (this.#ending) return;
    this.#history
      .runRead(() => {
        if (this.#ending) return;
        const from = this.#queuedThrough;
        const compacted = this.#history.compactedThrough();
        if (from < compacted) throw new RevisionCompactedError(from, compacted + 1);
        const committed = this.#history.committedRevision();
        if (from > committed) {
          throw new RangeError(`revision ${from} is ahead of the store (last committed: ${committed})`);
        }
        const batches = from === committed ? [] : this.#history.readBatches(from, replayChunk);
        if (from < committed && batches[0]?.[0]?.revision !== from + 1) {
          throw new RevisionCompactedError(from, this.#history.compactedThrough() + 1);
        }
        for (const changes of batches) {
          this.#outbox.changes(changes);
          this.#queuedThrough = changes[changes.length - 1]!.revision;
        }
        if (this.#queuedThrough === committed) this.#live = true;
        else setImmediate(() => this.#replayStep());
      })
      .catch((error: unknown) => this.fail(error as Error));
  }
}
