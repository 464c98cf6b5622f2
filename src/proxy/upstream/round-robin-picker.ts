// Round robin, weighted by endpoint weight (smooth weighted round robin, so heavy hosts do not get bursts).
import type { Host } from './host.ts';
import type { Picker } from './picker.ts';

export class RoundRobinPicker implements Picker {
  #next = 0;
  #hosts: readonly Host[] = [];
  #current = new Map<Host, number>();
  #weighted = false;

  pick(hosts: readonly Host[]): Host {
    if (hosts !== this.#hosts) this.#reset(hosts);
    if (!this.#weighted) {
      const host = hosts[this.#next % hosts.length] as Host;
      this.#next = (this.#next + 1) % hosts.length;
      return host;
    }
    let total = 0;
    let best: Host | undefined;
    let bestWeight = -Infinity;
    for (const h of hosts) {
      const w = (this.#current.get(h) ?? 0) + h.config.weight;
      this.#current.set(h, w);
      total += h.config.weight;
      if (w > bestWeight) {
        bestWeight = w;
        best = h;
      }
    }
    const chosen = best as Host;
    this.#current.set(chosen, bestWeight - total);
    return chosen;
  }

  #reset(hosts: readonly Host[]): void {
    this.#hosts = hosts;
    this.#current = new Map();
    const w = hosts[0]?.config.weight;
    this.#weighted = hosts.some((h) => h.config.weight !== w);
    // Start somewhere new so sidecars restarting together do not all hit the first host.
    this.#next = hosts.length > 0 ? this.#next % hosts.length : 0;
  }
}
