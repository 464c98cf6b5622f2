// The order in which ADS sends types when several change together (make-before-break), and which are full-state.
import { typeUrls } from '../protos/type-urls.ts';

// Clusters before their endpoints, both before the listeners and routes that point at them; other types last.
const order: readonly string[] = [
  typeUrls.cluster,
  typeUrls.clusterLoadAssignment,
  typeUrls.listener,
  typeUrls.routeConfiguration,
  typeUrls.secret,
];

function rank(typeUrl: string): number {
  const i = order.indexOf(typeUrl);
  return i < 0 ? order.length : i;
}

/** Sorts type URLs CDS → EDS → LDS → RDS → SDS → others (alphabetically). */
export function sortTypeUrls(types: Iterable<string>): string[] {
  return [...types].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** In SotW, Listener and Cluster responses carry the whole subscribed set; absence means deletion. */
export function isFullStateType(typeUrl: string): boolean {
  return typeUrl === typeUrls.listener || typeUrl === typeUrls.cluster;
}
