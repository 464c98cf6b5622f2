// A RouteTableConfig compiled for lookups: virtual host by authority, then the first route whose match holds.
import type { MatchRequest } from '../config/match-request.ts';
import type {
  RouteConfig,
  RouteMatchConfig,
  RouteTableConfig,
  VirtualHostConfig,
} from '../config/route-types.ts';
import { VirtualHostIndex } from './virtual-host-index.ts';

export interface RouteHit {
  readonly vhost: VirtualHostConfig;
  readonly route: RouteConfig;
}

export type RouteLookup =
  RouteHit | { readonly vhost: VirtualHostConfig | undefined; readonly route: undefined };

function isGrpc(req: MatchRequest): boolean {
  const ct = req.headers['content-type'];
  return ct !== undefined && (ct === 'application/grpc' || ct.startsWith('application/grpc+'));
}

function queryValue(query: string, name: string): string | undefined {
  if (query === '') return undefined;
  // First occurrence wins, as in Envoy.
  return new URLSearchParams(query).get(name) ?? undefined;
}

export function routeMatches(m: RouteMatchConfig, req: MatchRequest): boolean {
  if (!m.path.matches(req)) return false;
  for (const h of m.headers) if (!h.matches(req)) return false;
  for (const q of m.queryParameters) {
    const value = queryValue(req.query, q.name);
    if (q.value !== undefined) {
      if (value === undefined || !q.value.matches(value)) return false;
    } else if ((value !== undefined) !== q.present) return false;
  }
  return !m.grpcOnly || isGrpc(req);
}

/** Built once per route configuration change; immutable and shared by every request that starts under it. */
export class RouteTable {
  readonly config: RouteTableConfig;
  readonly #index: VirtualHostIndex;

  constructor(config: RouteTableConfig, stripAnyHostPort = false) {
    this.config = config;
    this.#index = new VirtualHostIndex(
      config.virtualHosts,
      stripAnyHostPort || config.ignorePortInHostMatching,
    );
  }

  get name(): string {
    return this.config.name;
  }

  lookup(req: MatchRequest): RouteLookup {
    const vhost = this.#index.find(req.authority);
    if (vhost === undefined) return { vhost, route: undefined };
    for (const route of vhost.routes) {
      if (routeMatches(route.match, req)) return { vhost, route };
    }
    return { vhost, route: undefined };
  }
}
