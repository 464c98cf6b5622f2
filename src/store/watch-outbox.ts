// Delivers a watcher's batches and its final error to its handlers, in order, never from inside the call that
// queued them (a commit or a read must not run handler code), and nothing after close. Both stores' change feeds
// use it, so "what a watcher sees" is one algorithm whatever the database.
import type { Change, WatchHandlers } from './store.ts';

type Delivery = { readonly changes: readonly Change[] } | { readonly error: Error };

export class WatchOutbox {
  readonly #handlers: WatchHandlers;
  readonly #onHandlerError: (error: unknown) => void;
  #pending: Delivery[] = [];
  #scheduled = false;
  #closed = false;

  constructor(handlers: WatchHandlers, onHandlerError: (error: unknown) => void) {
    this.#handlers = handlers;
    this.#onHandlerError = onHandlerError;
  }

  changes(changes: readonly Change[]): void {
    this.#push({ changes });
  }

  /** The last delivery: after the handler's onError runs, nothing more is delivered. */
  error(error: Error): void {
    this.#push({ error });
  }

  /** Drops whatever is still queued; no handler runs after this. */
  close(): void {
    this.#closed = true;
    this.#pending = [];
  }

  #push(delivery: Delivery): void {
    if (this.#closed) return;
    this.#pending.push(delivery);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  #drain(): void {
    this.#scheduled = false;
    const deliveries = this.#pending;
    this.#pending = [];
    for (const delivery of deliveries) {
      if (this.#closed) return;
      try {
        if ('error' in delivery) {
          this.#closed = true;
          this.#handlers.onError(delivery.error);
        } else {
          this.#handlers.onChanges(delivery.changes);
        }
      } catch (error) {
        this.#onHandlerError(error);
      }
    }
  }
}
