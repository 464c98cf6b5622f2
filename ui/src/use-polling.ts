// Runs a load now and every `intervalMs` while the component is shown; keeps the last good answer beside the
// last error, so a hiccup shows a message without blanking the page.

import { useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  readonly value: T | undefined;
  readonly error: Error | undefined;
  /** Loads again now (after a write), without waiting for the next tick. */
  readonly refresh: () => void;
}

export function usePolling<T>(
  load: () => Promise<T>,
  intervalMs: number,
  deps: readonly unknown[],
): Polled<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const run = useRef<() => void>(() => undefined);
  useEffect(() => {
    let live = true;
    let inFlight = false;
    setValue(undefined);
    setError(undefined);
    const tick = () => {
      // One load at a time: a slow control plane gets fewer requests, not a pile of them.
      if (inFlight) return;
      inFlight = true;
      load()
        .then((next) => {
          if (!live) return;
          setValue(next);
          setError(undefined);
        })
        .catch((failure: unknown) => {
          if (live) setError(failure instanceof Error ? failure : new Error(String(failure)));
        })
        .finally(() => {
          inFlight = false;
        });
    };
    run.current = tick;
    tick();
    const timer = setInterval(tick, intervalMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, deps);
  return { value, error, refresh: () => run.current() };
}
