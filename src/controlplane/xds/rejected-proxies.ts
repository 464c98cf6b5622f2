// The proxies whose xDS streams the control plane refused lately (unknown node, bad token, quota), for proxy-status.

/** One node id the control plane turned away, with the reason it gave the proxy. */
export interface RejectedProxy {
  readonly nodeId: string;
  readonly userAgent: string;
  /** gRPC status name the stream was failed with, e.g. NOT_FOUND. */
  readonly code: string;
  readonly reason: string;
  readonly attempts: number;
  readonly firstAt: string;
  readonly lastAt: string;
}

export interface RejectedProxiesOptions {
  /** An entry not refreshed by a retry for this long is forgotten (default 5 minutes). */
  readonly forgetAfterMs?: number;
  /** At most this many node ids are kept; the least recently retried goes first (default 256). */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly nodeId: string;
  userAgent: string;
  code: string;
  reason: string;
  attempts: number;
  readonly firstAtMs: number;
  lastAtMs: number;
}

/**
 * Proxies retry a refused stream with back-off, so a proxy stuck on a typo keeps its entry fresh; one that gave up
 * or was fixed ages out, and a later successful connect removes it at once.
 */
export class RejectedProxies {
  readonly #entries = new Map<string, Entry>();
  readonly #forgetAfterMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: RejectedProxiesOptions = {}) {
    this.#forgetAfterMs = options.forgetAfterMs ?? 5 * 60_000;
    this.#maxEntries = options.maxEntries ?? 256;
    this.#now = options.now ?? Date.now;
  }

  record(nodeId: string, userAgent: string, code: string, reason: string): void {
    const now = this.#now();
    const known = this.#entries.get(nodeId);
    // Re-inserted so the map's order stays least recently rejected first.
    this.#entries.delete(nodeId);
    const entry: Entry = known ?? {
      nodeId,
      userAgent,
      code,
      reason,
      attempts: 0,
      firstAtMs: now,
      lastAtMs: now,
    };
    entry.userAgent = userAgent;
    entry.code = code;
    entry.reason = reason;
    entry.attempts++;
    entry.lastAtMs = now;
    this.#entries.set(nodeId, entry);
    while (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  accepted(nodeId: string): void {
    this.#entries.delete(nodeId);
  }

  list(): RejectedProxy[] {
    const now = this.#now();
    const out: RejectedProxy[] = [];
    for (const [nodeId, e] of this.#entries) {
      if (now - e.lastAtMs > this.#forgetAfterMs) {
        this.#entries.delete(nodeId);
        continue;
      }
      out.push({
        nodeId,
        userAgent: e.userAgent,
        code: e.code,
        reason: e.reason,
        attempts: e.attempts,
        firstAt: new Date(e.firstAtMs).toISOString(),
        lastAt: new Date(e.lastAtMs).toISOString(),
      });
    }
    return out.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  }
}
