// Follows the changes table in revision order and fans whole transactions out to watchers.

import { SerialQueue } from '../sqlite/serial-queue.ts';
import { RevisionCompactedError, type Change, type Watch, type WatchHandlers } from '../store.ts';
import { WatchOutbox } from '../watch-outbox.ts';

/** What the feed reads from the database; every call may fail while the server is away. */
export interface ChangeSource {
  /** Whole transactions with revisions in (afterRevision, throughRevision], in order, about `limit` changes. */
  readBatches(afterRevision: number, throughRevision: number, limit: number): Promise<Change[][]>;
  /** The last committed revision and the revision through which history is compacted. */
  readPosition(): Promise<{ revision: number; compactedThrough: number }>;
}

export interface ChangeFeedOptions {
  /** Gets what a watch handler threw; the feed carries on. */
  readonly onHandlerError: (error: unknown) => void;
  /** Gets why catching up failed (the database is away); the feed retries on the next wake or after a delay. */
  readonly onCatchUpError: (error: unknown) => void;
  /** How many changes one read takes before yielding to other work. */
  readonly chunk?: number;
  /** Longest wait between retries of a failed catch-up. */
  readonly maxRetryMs?: number;
}

const firstRetryMs = 100;

/**
 * The tail (the revision through which live watchers have been served) and each new watcher's replay run on one
 * queue, so a watcher turns live exactly where the tail is: no batch is missed or delivered twice.
 */
export class PostgresChangeFeed {
  readonly #source: ChangeSource;
  readonly #options: Required<ChangeFeedOptions>;
  readonly #watchers = new Set<FeedWatcher>();
  readonly #steps = new SerialQueue();
  #tail: number;
  #catchingUp = false;
  #wakeAgain = false;
  #retryMs = firstRetryMs;
  #retryTimer: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(source: ChangeSource, startRevision: number, options: ChangeFeedOptions) {
    this.#source = source;
    this.#tail = startRevision;
    this.#options = { chunk: 1000, maxRetryMs: 5000, ...options };
  }

  /** The revision through which live watchers have been served. */
  get tailRevision(): number {
    return this.#tail;
  }

  watch(fromRevision: number, handlers: WatchHandlers): Watch {
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
      throw new RangeError(`watch needs a revision >= 0, got ${fromRevision}`);
    }
    const watcher = new FeedWatcher(fromRevision, handlers, this.#options.onHandlerError, () =>
      this.#watchers.delete(watcher),
    );
    this.#watchers.add(watcher);
    setImmediate(() => this.#replayStep(watcher));
    return { close: () => watcher.close() };
  }

  /** Something committed (here, or on another replica as a notification says): read what is new. */
  wake(): void {
    if (this.#ended) return;
    if (this.#catchingUp) {
      this.#wakeAgain = true;
      return;
    }
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#catchingUp = true;
    void this.#steps
      .run(() => this.#catchUp())
      .then(
        () => {
          this.#retryMs = firstRetryMs;
        },
        (error: unknown) => {
          this.#options.onCatchUpError(error);
          if (this.#ended) return;
          this.#retryTimer = setTimeout(() => this.wake(), this.#retryMs);
          this.#retryMs = Math.min(this.#retryMs * 2, this.#options.maxRetryMs);
        },
      )
      .finally(() => {
        this.#catchingUp = false;
        if (this.#wakeAgain) {
          this.#wakeAgain = false;
          this.wake();
        }
      });
  }

  /** Ends every watch (each gets its pending batches, then `error`) and stops following the database. */
  endAll(error: Error): void {
    this.#ended = true;
    clearTimeout(this.#retryTimer);
    for (const watcher of this.#watchers) watcher.fail(error);
    this.#watchers.clear();
  }

  /** Settles once queued catch-up and replay steps have settled. */
  idle(): Promise<void> {
    return this.#steps.idle();
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      if (this.#ended) return;
      const batches = await this.#source.readBatches(
        this.#tail,
        Number.MAX_SAFE_INTEGER,
        this.#options.chunk,
      );
      if (batches.length === 0) return;
      const first = batches[0]![0]!.revision;
      if (first !== this.#tail + 1) {
        // This replica fell further behind than the history keeps: its watchers must reload everything.
        const error = new RevisionCompactedError(this.#tail, first);
        for (const watcher of this.#watchers) watcher.fail(error);
        this.#watchers.clear();
      }
      for (const changes of batches) {
        for (const watcher of this.#watchers) watcher.offer(changes);
        this.#tail = changes[changes.length - 1]!.revision;
      }
    }
  }

  #replayStep(watcher: FeedWatcher): void {
    if (watcher.ending) return;
    this.#steps
      .run(async () => {
        if (watcher.ending) return;
        const from = watcher.queuedThrough;
        if (from >= this.#tail) {
          if (from > this.#tail) {
            const { revision } = await this.#source.readPosition();
            if (from > revision) {
              throw new RangeError(`revision ${from} is ahead of the store (last committed: ${revision})`);
            }
            // Committed but not yet followed here: the catch-up delivers it.
            this.wake();
          }
          watcher.live = true;
          return;
        }
        const batches = await this.#source.readBatches(from, this.#tail, this.#options.chunk);
        if (batches[0]?.[0]?.revision !== from + 1) {
          const { compactedThrough } = await this.#source.readPosition();
          throw new RevisionCompactedError(from, compactedThrough + 1);
        }
        for (const changes of batches) watcher.enqueue(changes);
        if (watcher.queuedThrough >= this.#tail) watcher.live = true;
        else setImmediate(() => this.#replayStep(watcher));
      })
      .catch((error: unknown) => watcher.fail(error as Error));
  }
}

class FeedWatcher {
  readonly #outbox: WatchOutbox;
  readonly #detach: () => void;
  /** Revision of the last change queued for delivery. */
  queuedThrough: number;
  live = false;
  /** No more deliveries get queued (closed, or failing with an error still to deliver). */
  ending = false;

  constructor(
    fromRevision: number,
    handlers: WatchHandlers,
    onHandlerError: (error: unknown) => void,
    detach: () => void,
  ) {
    this.queuedThrough = fromRevision;
    this.#outbox = new WatchOutbox(handlers, onHandlerError);
    this.#detach = detach;
  }

  /** A live batch; a watcher that started ahead of the tail skips what it already has. */
  offer(changes: readonly Change[]): void {
    if (!this.live || this.ending) return;
    const fresh = changes.filter((change) => change.revision > this.queuedThrough);
    if (fresh.length > 0) this.enqueue(fresh);
  }

  enqueue(changes: readonly Change[]): void {
    this.#outbox.changes(changes);
    this.queuedThrough = changes[changes.length - 1]!.revision;
  }

  fail(error: Error): void {
    if (this.ending) return;
    this.ending = true;
    this.#detach();
    this.#outbox.error(error);
  }

  close(): void {
    this.ending = true;
    this.#outbox.close();
    this.#detach();
  }
}
