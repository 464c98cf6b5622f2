// Envoy's fully jittered exponential back-off between retries.

/**
 * Wait before retry number `retry` (1 for the first retry): uniform in [0, (2^retry − 1) · base), capped at max.
 * `random` returns a number in [0, 1) and is injectable for tests.
 */
export function backOffMs(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min((2 ** retry - 1) * baseMs, maxMs);
  return Math.floor(random() * ceiling);
}
