// Load-balancing contract: choose one host from the currently available ones.
import type { ClusterConfig } from '../config/cluster-types.ts';
import type { Host } from './host.ts';
import { LeastRequestPicker } from './least-request-picker.ts';
import { RandomPicker } from './random-picker.ts';
import { RoundRobinPicker } from './round-robin-picker.ts';

export interface Picker {
  /** `hosts` is non-empty and stable until the cluster's host set or health changes. */
  pick(hosts: readonly Host[]): Host;
}

export function createPicker(policy: ClusterConfig['lbPolicy'], random: () => number = Math.random): Picker {
  switch (policy) {
    case 'LEAST_REQUEST':
      return new LeastRequestPicker(random);
    case 'RANDOM':
      return new RandomPicker(random);
    case 'ROUND_ROBIN':
    case 'CLUSTER_PROVIDED':
      // CLUSTER_PROVIDED (ORIGINAL_DST): the request names its host; the picker is never asked.
      return new RoundRobinPicker();
  }
}
