// Feeds the downstream request body to the current attempt with back-pressure, keeping a bounded copy for retries.
import type { Readable } from 'node:stream';
import type { RequestSink } from '../upstream/exchange.ts';

/**
 * Up to `limitBytes` of the body are kept so a retry can replay them; once more has streamed through, the
 * copy is dropped and `replayable` turns false for good (the request can no longer be retried).
 */
export class BodyTap {
  readonly #source: Readable;
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #replayable = true;
  #ended = false;
  #sink: RequestSink | undefined;
  #onEnd: (() => void) | undefined;
  #onActivity: (() => void) | undefined;
  bytesReceived = 0;

  /** With `empty` the body is known to be empty: nothing is read, attempts get an ended request at once. */
  constructor(source: Readable, limitBytes: number, empty = false) {
    this.#source = source;
    this.#limit = limitBytes;
    if (empty) this.#ended = true;
    else {
      source.on('data', this.#data);
      source.once('end', this.#end);
    }
  }

  get replayable(): boolean {
    return this.#replayable;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** `callback` runs once the whole body has been received (immediately if it already has). */
  whenEnded(callback: () => void): void {
    if (this.#ended) callback();
    else this.#onEnd = callback;
  }

  onActivity(callback: () => void): void {
    this.#onActivity = callback;
  }

  /** Sends what was buffered to a new attempt's sink, then streams the rest into it. */
  attach(sink: RequestSink): void {
    this.#sink = sink;
    for (const chunk of this.#chunks) sink.write(chunk);
    if (this.#ended) sink.end();
    else if (this.#source.isPaused()) this.#source.resume();
  }

  detach(): void {
    this.#sink = undefined;
    if (this.#ended) return;
    // Keep reading so the client is not stalled while the next attempt is being set up.
    if (this.#source.isPaused()) this.#source.resume();
  }

  readonly #data = (chunk: Buffer): void => {
    this.bytesReceived += chunk.length;
    this.#onActivity?.();
    if (this.#replayable) {
      this.#buffered += chunk.length;
      if (this.#buffered > this.#limit) {
        this.#replayable = false;
        this.#chunks = [];
      } else this.#chunks.push(chunk);
    }
    const sink = this.#sink;
    if (sink && !sink.write(chunk)) {
      this.#source.pause();
      sink.once('drain', this.#resumeFor(sink));
    }
  };

  #resumeFor(sink: RequestSink): () => void {
    return () => {
      if (this.#sink === sink) this.#source.resume();
    };
  }

  readonly #end = (): void => {
    this.#ended = true;
    this.#sink?.end();
    const cb = this.#onEnd;
    this.#onEnd = undefined;
    cb?.();
  };
}
