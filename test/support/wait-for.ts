// Polls a condition until it holds or a deadline passes: the tests' one way of waiting for something to happen.
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** Between probes (default 25 ms); 0 probes again on the next turn of the event loop. */
  readonly intervalMs?: number;
  /** A probe error for which this is true ends the wait at once (the awaited thing can no longer happen). */
  readonly bail?: (error: unknown) => boolean;
}

/**
 * Resolves with the first truthy value of `probe`; rejects naming `what` (and the probe's last error) once
 * `timeoutMs` has passed. A probe that throws is retried: the error only explains a timeout.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 25, bail }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      if (bail?.(error)) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    // Interval 0 still lets sockets and timers run between probes that settle without I/O.
    if (intervalMs > 0) await delay(intervalMs);
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Lets the work already queued run: a few turns of the event loop (I/O callbacks, timers due, promise jobs), with
 * no wall-clock wait. For checking, after a ManualClock step, that something did not happen.
 */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
