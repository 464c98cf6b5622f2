// Time for the CA: wall-clock milliseconds (certificates carry dates) and cancellable timers, injectable for tests.

export interface CaTimer {
  cancel(): void;
}

export interface CaClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms`; a timer never keeps the process alive. */
  setTimer(fn: () => void, ms: number): CaTimer;
}

// setTimeout's limit; a renewal further away is re-armed when the shorter timer fires.
const maxTimerMs = 2 ** 31 - 1;

export const systemCaClock: CaClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, Math.min(Math.max(0, ms), maxTimerMs));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
