// Time source for the proxy's timing logic (timeouts, back-off, ejection, health checks), injectable for tests.

export interface TimerHandle {
  cancel(): void;
  /** Restarts the countdown with the original duration (cheap; used for idle timeouts). */
  refresh(): void;
}

/** Everything time-dependent in the proxy reads time and schedules work through one of these. */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences are meaningful). */
  now(): number;
  /** Runs `fn` once after `ms`; timers never keep the process alive on their own. */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

class SystemTimer implements TimerHandle {
  readonly #timer: NodeJS.Timeout;
  constructor(fn: () => void, ms: number) {
    this.#timer = setTimeout(fn, ms);
    this.#timer.unref();
  }
  cancel(): void {
    clearTimeout(this.#timer);
  }
  refresh(): void {
    this.#timer.refresh();
  }
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => new SystemTimer(fn, ms),
};

/** A clock that moves only when told to: `advance` fires due timers in deadline order. */
export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.#seq++;
    const entry = { at: this.#now + Math.max(0, ms), fn };
    this.#timers.set(id, entry);
    return {
      cancel: () => this.#timers.delete(id),
      refresh: () => {
        entry.at = this.#now + Math.max(0, ms);
        this.#timers.set(id, entry);
      },
    };
  }

  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.#timers) {
        if (t.at <= target && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const timer = this.#timers.get(nextId);
      this.#timers.delete(nextId);
      this.#now = nextAt;
      timer?.fn();
    }
    this.#now = target;
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }
}
