// Uniformly random host choice (lb_policy RANDOM).
import type { Host } from './host.ts';
import type { Picker } from './picker.ts';

export class RandomPicker implements Picker {
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  pick(hosts: readonly Host[]): Host {
    return hosts[Math.floor(this.#random() * hosts.length)] as Host;
  }
}
