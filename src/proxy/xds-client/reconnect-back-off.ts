// Jittered exponential back-off between attempts to reach the control plane.

export interface ReconnectBackOff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Delay before attempt `attempt` (0 for the first retry): half the capped exponential ceiling plus a random
 * share of the other half, so a fleet of sidecars does not reconnect in lockstep yet never spins at 0 ms.
 */
export function reconnectDelayMs(
  attempt: number,
  { baseMs, maxMs }: ReconnectBackOff,
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
