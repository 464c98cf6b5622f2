// The tables of `switchyard proxy-config`: one row per listener, route, cluster or endpoint, in a few columns
// (istioctl proxy-config's), decoded from the Envoy resources the control plane serves the proxy.

import { extensionTypeUrls, typeUrls, unpackAny, type AnyLike } from '../../xds/protos/index.ts';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const proxyConfigSections = ['listeners', 'routes', 'clusters', 'endpoints'] as const;
export type ProxyConfigSection = (typeof proxyConfigSections)[number];

export const sectionTypeUrls: Readonly<Record<ProxyConfigSection, string>> = {
  listeners: typeUrls.listener,
  routes: typeUrls.routeConfiguration,
  clusters: typeUrls.cluster,
  endpoints: typeUrls.clusterLoadAssignment,
};

export interface SectionTable {
  readonly headers: readonly string[];
  readonly rows: (messages: readonly Message[]) => string[][];
}

const dash = (text: string | undefined): string => (text === undefined || text === '' ? '-' : text);

function socketAddress(address: Message | null | undefined): string {
  const socket = address?.socket_address;
  if (!socket) return '-';
  const host = String(socket.address);
  return `${host.includes(':') ? `[${host}]` : host}:${socket.port_value ?? 0}`;
}

function tryUnpack(any: AnyLike | null | undefined): Message | undefined {
  if (!any) return undefined;
  try {
    return unpackAny(any) as Message;
  } catch {
    return undefined;
  }
}

/** What a filter chain ends in: the HTTP routes it reads, or the cluster a TCP proxy forwards to. */
function chainTarget(chain: Message): string {
  for (const filter of (chain.filters ?? []) as Message[]) {
    const config = tryUnpack(filter.typed_config);
    if (filter.typed_config?.type_url === extensionTypeUrls.httpConnectionManager) {
      const routes = config?.rds?.route_config_name ?? config?.route_config?.name;
      return `HTTP route=${dash(routes)}`;
    }
    if (config && 'cluster' in config && typeof config.cluster === 'string' && config.cluster !== '') {
      return `TCP cluster=${config.cluster}`;
    }
    if (config?.weighted_clusters) {
      const weighted = (config.weighted_clusters.clusters ?? []) as Message[];
      return `TCP clusters=${weighted.map((c) => `${c.name}:${c.weight}`).join(',')}`;
    }
  }
  return '-';
}

function chainMatch(chain: Message): string {
  const match = chain.filter_chain_match as Message | null | undefined;
  const parts: string[] = [];
  if (match?.destination_port?.value !== undefined) parts.push(`port ${match.destination_port.value}`);
  if ((match?.server_names ?? []).length > 0)
    parts.push(`sni ${(match!.server_names as string[]).join(',')}`);
  if (match?.transport_protocol) parts.push(String(match.transport_protocol));
  return parts.length === 0 ? 'ALL' : parts.join(' ');
}

function routeMatch(match: Message | null | undefined): string {
  if (!match) return '-';
  let text = '-';
  if (match.prefix !== undefined && match.prefix !== null) text = `${match.prefix}*`;
  else if (match.path !== undefined && match.path !== null) text = String(match.path);
  else if (match.safe_regex) text = `~${match.safe_regex.regex}`;
  else if (match.path_separated_prefix) text = `${match.path_separated_prefix}/*`;
  const headers = ((match.headers ?? []) as Message[]).map((h) => h.name as string);
  return headers.length === 0 ? text : `${text} [${headers.join(',')}]`;
}

function routeAction(route: Message): string {
  const action = route.route as Message | null | undefined;
  if (action?.cluster) return String(action.cluster);
  if (action?.weighted_clusters) {
    return ((action.weighted_clusters.clusters ?? []) as Message[])
      .map((c) => `${c.name}:${c.weight?.value ?? c.weight ?? ''}`)
      .join(',');
  }
  if (route.direct_response) return `direct ${route.direct_response.status}`;
  if (route.redirect) return 'redirect';
  return '-';
}

function clusterType(cluster: Message): string {
  if (cluster.cluster_type) return cluster.cluster_type.name ?? 'custom';
  return String(cluster.type ?? 'STATIC');
}

export const sectionTables: Readonly<Record<ProxyConfigSection, SectionTable>> = {
  listeners: {
    headers: ['NAME', 'ADDRESS', 'MATCH', 'DESTINATION'],
    rows: (listeners) =>
      listeners.flatMap((l) => {
        const chains = (l.filter_chains ?? []) as Message[];
        const all = l.default_filter_chain ? [...chains, l.default_filter_chain as Message] : chains;
        if (all.length === 0) return [[l.name, socketAddress(l.address), '-', '-']];
        return all.map((chain) => [l.name, socketAddress(l.address), chainMatch(chain), chainTarget(chain)]);
      }),
  },
  routes: {
    headers: ['NAME', 'VIRTUAL HOST', 'DOMAINS', 'MATCH', 'CLUSTER'],
    rows: (configs) =>
      configs.flatMap((config) =>
        ((config.virtual_hosts ?? []) as Message[]).flatMap((vhost) => {
          const domains = ((vhost.domains ?? []) as string[]).join(',');
          const routes = (vhost.routes ?? []) as Message[];
          if (routes.length === 0) return [[config.name, vhost.name, dash(domains), '-', '-']];
          return routes.map((r) => [
            config.name,
            vhost.name,
            dash(domains),
            routeMatch(r.match),
            routeAction(r),
          ]);
        }),
      ),
  },
  clusters: {
    headers: ['NAME', 'TYPE', 'LB', 'CONNECT TIMEOUT'],
    rows: (clusters) =>
      clusters.map((c) => {
        const timeout = c.connect_timeout;
        const seconds = timeout ? Number(timeout.seconds ?? 0) + Number(timeout.nanos ?? 0) / 1e9 : undefined;
        return [
          c.name,
          clusterType(c),
          String(c.lb_policy ?? 'ROUND_ROBIN'),
          seconds === undefined ? '-' : `${seconds}s`,
        ];
      }),
  },
  endpoints: {
    headers: ['CLUSTER', 'ENDPOINT', 'HEALTH', 'WEIGHT'],
    rows: (assignments) =>
      assignments.flatMap((a) => {
        const endpoints = ((a.endpoints ?? []) as Message[]).flatMap(
          (locality) => (locality.lb_endpoints ?? []) as Message[],
        );
        if (endpoints.length === 0) return [[a.cluster_name, '-', '-', '-']];
        return endpoints.map((e) => [
          a.cluster_name,
          socketAddress(e.endpoint?.address),
          String(e.health_status ?? 'UNKNOWN'),
          e.load_balancing_weight?.value === undefined ? '-' : String(e.load_balancing_weight.value),
        ]);
      }),
  },
};
