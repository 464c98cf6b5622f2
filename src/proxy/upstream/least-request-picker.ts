// Least request by power of two choices (Envoy's default choice_count of 2).
import type { Host } from './host.ts';
import type { Picker } from './picker.ts';

export class LeastRequestPicker implements Picker {
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  pick(hosts: readonly Host[]): Host {
    const n = hosts.length;
    const a = hosts[Math.floor(this.#random() * n)] as Host;
    if (n === 1) return a;
    const b = hosts[Math.floor(this.#random() * n)] as Host;
    return b.activeRequests < a.activeRequests ? b : a;
  }
}
