// Shares DNS lookups per hostname and backs off a failing hostname, reporting each back-off step once.

import type { HostLookup } from './endpoint-resolver.ts';
import type { ResolvedAddress } from './address-choice.ts';

/** One line's worth of a failed lookup: no stack, since the cause is the name, not our code. */
export interface DnsFailure {
  readonly hostname: string;
  /** The resolver's error code (ENOTFOUND, ECONNREFUSED, ETIMEOUT, …), when it gave one. */
  readonly code: string | undefined;
  readonly message: string;
  /** Consecutive failed lookups of this hostname, this one included. */
  readonly failures: number;
  /** How long until the hostname is looked up again; calls before then fail without a lookup. */
  readonly retryInMs: number;
}

export interface DnsBackoffOptions {
  readonly lookup: HostLookup;
  /** Monotonic milliseconds; tests inject one. */
  readonly now?: () => number;
  /** Wait after the first failure (default 5000, the refresh interval); doubles per failure. */
  readonly baseMs?: number;
  /** Longest wait (default 120000). */
  readonly maxMs?: number;
  /** Called once per failed lookup, i.e. once per hostname and back-off step. */
  readonly onFailure: (failure: DnsFailure) => void;
  /** Called once when a hostname resolves again after failing. */
  readonly onRecovery?: (hostname: string, failures: number) => void;
}

/** Thrown for a hostname in back-off; carries the failure that started the current step. */
export class DnsBackoffError extends Error {
  readonly hostname: string;
  readonly code: string | undefined;
  constructor(failure: DnsFailure) {
    super(failure.message);
    this.name = 'DnsBackoffError';
    this.hostname = failure.hostname;
    this.code = failure.code;
  }
}

interface Failing {
  readonly failure: DnsFailure;
  readonly retryAtMs: number;
}

/** Failing hostnames remembered at most; past it the oldest are forgotten (they restart at step 1). */
const maxFailingHostnames = 10_000;

export interface DnsBackoff {
  readonly lookup: HostLookup;
  /** Hostnames currently backing off. */
  failingCount(): number;
}

/**
 * Wraps `lookup` for every DNS-discovered node of the control plane: concurrent lookups of one hostname
 * share one query (2,000 nodes refreshing the same name make one query, not 2,000), and a hostname that
 * failed is not queried again before its back-off ends; until then callers get a DnsBackoffError at once.
 * `onFailure` therefore runs once per hostname per step (5 s, 10 s, 20 s, … up to maxMs), whatever the
 * number of nodes.
 */
export function createDnsBackoff(options: DnsBackoffOptions): DnsBackoff {
  const now = options.now ?? (() => performance.now());
  const baseMs = options.baseMs ?? 5000;
  const maxMs = options.maxMs ?? 120_000;
  const inFlight = new Map<string, Promise<readonly ResolvedAddress[]>>();
  const failing = new Map<string, Failing>();

  const recordFailure = (hostname: string, error: unknown): void => {
    const failures = (failing.get(hostname)?.failure.failures ?? 0) + 1;
    const retryInMs = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
    const code = (error as { code?: unknown } | undefined)?.code;
    const failure: DnsFailure = {
      hostname,
      code: typeof code === 'string' ? code : undefined,
      message: error instanceof Error ? error.message : String(error),
      failures,
      retryInMs,
    };
    failing.delete(hostname); // re-inserted last, so the map's order is oldest failure first
    failing.set(hostname, { failure, retryAtMs: now() + retryInMs });
    if (failing.size > maxFailingHostnames) failing.delete(failing.keys().next().value!);
    options.onFailure(failure);
  };

  const query = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    try {
      const answers = await options.lookup(hostname);
      const previous = failing.get(hostname);
      if (previous) {
        failing.delete(hostname);
        options.onRecovery?.(hostname, previous.failure.failures);
      }
      return answers;
    } catch (error) {
      recordFailure(hostname, error);
      throw new DnsBackoffError(failing.get(hostname)!.failure);
    } finally {
      inFlight.delete(hostname);
    }
  };

  return {
    lookup: (hostname) => {
      const shared = inFlight.get(hostname);
      if (shared) return shared;
      const backingOff = failing.get(hostname);
      if (backingOff && now() < backingOff.retryAtMs) {
        return Promise.reject(new DnsBackoffError(backingOff.failure));
      }
      const started = query(hostname);
      inFlight.set(hostname, started);
      return started;
    },
    failingCount: () => failing.size,
  };
}
