// The golden metrics JSON's shape (the contract of /switchyard/v1/metrics/meshes/{mesh}/edges) and its figures
// laid onto the graph's links: each measured source → destination pair adds to every link on its configured
// path. Pure, so it is tested without a browser.

import { graphNodeId, linkKey, type GraphNodeId } from './graph-ids.ts';

export interface MetricsEdge {
  readonly source: { readonly kind: 'virtualNode' | 'virtualGateway'; readonly name: string };
  readonly destination: {
    readonly virtualServiceName?: string;
    readonly virtualRouterName?: string;
    readonly routeName?: string;
    readonly virtualNodeName?: string;
  };
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly successRate: number | null;
  readonly errors: number;
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p90: number | null;
    readonly p99: number | null;
  };
}

export interface EdgesAnswer {
  readonly meshName: string;
  readonly windowSeconds: number;
  readonly generatedAt: string;
  readonly edges: readonly MetricsEdge[];
}

/** What one link of the graph carried in the window. */
export interface LinkFigures {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly errors: number;
  /** Non-5xx share of the requests; null without requests. */
  readonly successRate: number | null;
  /** The highest p99 of the pairs crossing the link (a p99 of their union cannot be rebuilt from p99s). */
  readonly p99Ms: number | null;
}

/** The links a measured pair crossed: source → service → router → node, skipping the hops it does not name. */
function pathOf(edge: MetricsEdge): [GraphNodeId, GraphNodeId][] {
  const hops: GraphNodeId[] = [graphNodeId(edge.source.kind, edge.source.name)];
  const { virtualServiceName, virtualRouterName, virtualNodeName } = edge.destination;
  if (virtualServiceName) hops.push(graphNodeId('virtualService', virtualServiceName));
  if (virtualRouterName) hops.push(graphNodeId('virtualRouter', virtualRouterName));
  if (virtualNodeName) hops.push(graphNodeId('virtualNode', virtualNodeName));
  const links: [GraphNodeId, GraphNodeId][] = [];
  for (let at = 1; at < hops.length; at++) links.push([hops[at - 1]!, hops[at]!]);
  return links;
}

export function figuresPerLink(edges: readonly MetricsEdge[]): Map<string, LinkFigures> {
  const sums = new Map<
    string,
    { requests: number; rps: number; errors: number; ok: number; rated: number; p99: number | null }
  >();
  for (const edge of edges) {
    for (const [from, to] of pathOf(edge)) {
      const key = linkKey(from, to);
      const sum = sums.get(key) ?? { requests: 0, rps: 0, errors: 0, ok: 0, rated: 0, p99: null };
      sum.requests += edge.requests;
      sum.rps += edge.requestsPerSecond;
      sum.errors += edge.errors;
      if (edge.successRate !== null && edge.requests > 0) {
        sum.ok += edge.successRate * edge.requests;
        sum.rated += edge.requests;
      }
      const p99 = edge.latencyMs?.p99;
      if (typeof p99 === 'number') sum.p99 = Math.max(sum.p99 ?? 0, p99);
      sums.set(key, sum);
    }
  }
  return new Map(
    [...sums].map(([key, sum]) => [
      key,
      {
        requests: sum.requests,
        requestsPerSecond: sum.rps,
        errors: sum.errors,
        successRate: sum.rated > 0 ? sum.ok / sum.rated : null,
        p99Ms: sum.p99,
      },
    ]),
  );
}

export function formatRate(rps: number): string {
  return rps >= 10 ? rps.toFixed(0) : rps.toFixed(1);
}

export function formatSuccess(rate: number | null): string {
  if (rate === null) return '–';
  const percent = rate * 100;
  return `${percent >= 99.95 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}
