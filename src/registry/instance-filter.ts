// Which instances a filter or a discovery query selects, as Cloud Map's DiscoverInstances did.

import type { Instance, InstanceHealth } from './registry-model.ts';
import type { DiscoverQuery, InstanceFilter } from './registry-store.ts';

const servingHealth: readonly InstanceHealth[] = ['HEALTHY', 'UNKNOWN'];

/** True when the instance carries every given attribute with exactly the given value. */
export function matchesAttributes(
  instance: Instance,
  wanted: Readonly<Record<string, string>> = {},
): boolean {
  return Object.entries(wanted).every(([key, value]) => instance.attributes[key] === value);
}

export function matchesFilter(instance: Instance, filter: InstanceFilter = {}): boolean {
  if (filter.health !== undefined && !filter.health.includes(instance.health)) return false;
  return matchesAttributes(instance, filter.attributes);
}

/** The list filter a discovery query stands for. */
export function discoveryFilter(query: DiscoverQuery): InstanceFilter {
  return {
    ...(query.attributes ? { attributes: query.attributes } : {}),
    ...(query.includeUnhealthy ? {} : { health: servingHealth }),
  };
}
