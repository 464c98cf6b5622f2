// Picks one of a route's weighted clusters with probability weight / Σweights.
import type { ClusterWeight } from '../config/route-types.ts';

/** `random` is in [0, 1); a `weighted_clusters.header_name` value, when valid, replaces it. */
export function pickWeighted(
  clusters: readonly ClusterWeight[],
  totalWeight: number,
  random: number,
): ClusterWeight | undefined {
  if (clusters.length === 1) return clusters[0];
  let point = Math.floor(random * totalWeight);
  for (const c of clusters) {
    if (point < c.weight) return c;
    point -= c.weight;
  }
  return clusters[clusters.length - 1];
}

/** The random value carried by a header (an unsigned integer, as Envoy expects), mapped into [0, 1). */
export function randomFromHeader(
  value: string | string[] | undefined,
  totalWeight: number,
): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return (Number(BigInt(value) % BigInt(totalWeight)) + 0.5) / totalWeight;
}
