// Per-pair golden metrics on the calling side: requests by code class and a latency histogram for each
// (virtual host, route, egress cluster) the proxy sends traffic to, counted until the reporter takes them.
import {
  codeClassOf,
  codeClasses,
  latencyBucketBoundsMs,
  latencyBucketOf,
} from '../../xds/protos/mesh-metric-families.ts';

/** The parts of the router's RequestInfo a pair count needs. */
export interface RequestOutcome {
  readonly routeName: string;
  readonly clusterName: string;
  readonly responseCode: number;
  readonly responseFlags: string;
}

/** What one pair saw since the previous `take`. */
export interface PairCounts {
  readonly virtualHost: string;
  readonly route: string;
  readonly cluster: string;
  /** Requests per code class, in `codeClasses` order. */
  readonly codes: Float64Array;
  /** Requests per latency bucket (not cumulative), `latencyBucketBoundsMs.length + 1` entries. */
  readonly buckets: Float64Array;
  sumMs: number;
}

export interface TakenCounts {
  readonly pairs: readonly PairCounts[];
  /** Requests not counted because the pair table was full. */
  readonly dropped: number;
}

/** Clusters of the mesh's egress (the translation's `cds_egress_<mesh>_…`): the calling side of a pair. */
const egressPrefix = 'cds_egress_';
const resetIndex = codeClasses.indexOf('reset');
export const defaultMaxPairs = 1_000;

export class MeshMetrics {
  readonly #pairs = new Map<string, PairCounts>();
  readonly #maxPairs: number;
  #dropped = 0;

  constructor(maxPairs = defaultMaxPairs) {
    this.#maxPairs = maxPairs;
  }

  /**
   * Counts one finished request. Only requests routed to an egress cluster count: those are the ones this
   * proxy sent to another workload (the inbound side forwards to its own app and would count the pair twice).
   * A request without a response code, or whose response the upstream reset mid-body (`UPE`), is a reset.
   */
  record(virtualHost: string, outcome: RequestOutcome, durationMs: number): void {
    const cluster = outcome.clusterName;
    if (!cluster.startsWith(egressPrefix)) return;
    const route = outcome.routeName;
    const status = outcome.responseFlags.includes('UPE') ? 0 : outcome.responseCode;
    const key = `${virtualHost}\u0000${route}\u0000${cluster}`;
    let pair = this.#pairs.get(key);
    if (pair === undefined) {
      if (this.#pairs.size >= this.#maxPairs) {
        this.#dropped++;
        return;
      }
      pair = {
        virtualHost,
        route,
        cluster,
        codes: new Float64Array(codeClasses.length),
        buckets: new Float64Array(latencyBucketBoundsMs.length + 1),
        sumMs: 0,
      };
      this.#pairs.set(key, pair);
    }
    const codeClass = status === 0 ? resetIndex : codeClasses.indexOf(codeClassOf(status));
    pair.codes[codeClass]!++;
    pair.buckets[latencyBucketOf(durationMs)]!++;
    pair.sumMs += durationMs;
  }

  /** Hands over everything counted so far and starts afresh (the table empties, so idle pairs cost nothing). */
  take(): TakenCounts {
    const taken = { pairs: [...this.#pairs.values()], dropped: this.#dropped };
    this.#pairs.clear();
    this.#dropped = 0;
    return taken;
  }
}
