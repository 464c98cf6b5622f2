// The control plane's own counters: API requests by operation and status, xDS pushes and NACKs by type.

/** Distinct label sets kept per counter; more are folded into one `other` entry, so no client can grow them. */
const maxLabelSets = 500;

/** A counter per label set (the set's values joined by `\u0000`). */
export class LabelledCounter {
  readonly labelNames: readonly string[];
  readonly #values = new Map<string, number>();

  constructor(labelNames: readonly string[]) {
    this.labelNames = labelNames;
  }

  inc(values: readonly string[], by = 1): void {
    let key = values.join('\u0000');
    if (!this.#values.has(key) && this.#values.size >= maxLabelSets)
      key = this.labelNames.map(() => 'other').join('\u0000');
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  entries(): { labels: string[]; value: number }[] {
    return [...this.#values].map(([key, value]) => ({ labels: key.split('\u0000'), value }));
  }
}

export class ControlPlaneStats {
  readonly apiRequests = new LabelledCounter(['operation', 'status']);
  readonly xdsPushes = new LabelledCounter(['type_url']);
  readonly xdsNacks = new LabelledCounter(['type_url']);
}
