// Runs async tasks strictly one after another, so one task's awaits never interleave with the next.

const ignore = (): void => {};

export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(ignore, ignore);
    return result;
  }

  /** Settles once every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
