// Per-backend local ports for HTTP-family backends: a local listener that sends every request to one virtual
// service, for apps that cannot use HTTP proxy mode (gRPC clients, tools with a fixed URL). It serves the
// outbound listener's routes for that service, with the Host rewritten to the service, as Envoy would see it.
import { decodeListener } from '../config/decode-listener.ts';
import { decodeRouteConfiguration } from '../config/decode-route-configuration.ts';
import type { ListenerConfig } from '../config/listener-types.ts';
import type { Decoded, DecodedSnapshot } from '../config/proxy-config.ts';
import type { RouteTableConfig } from '../config/route-types.ts';
import { extensionTypeUrls, packAny, unpackAny } from '../../xds/protos/index.ts';
import type { Listener__Output, RouteConfiguration__Output } from '../../xds/protos/index.ts';

type VirtualHost = RouteConfiguration__Output['virtual_hosts'][number];
type Route = VirtualHost['routes'][number];

/** The outbound listener's route configuration name and the filter chain that carries it. */
function outboundHttp(listeners: readonly Listener__Output[]) {
  for (const listener of listeners) {
    if (listener.traffic_direction !== 'OUTBOUND') continue;
    const chains = [
      ...listener.filter_chains,
      ...(listener.default_filter_chain ? [listener.default_filter_chain] : []),
    ];
    for (const chain of chains) {
      const filter = chain.filters.find(
        (f) => f.typed_config?.type_url === extensionTypeUrls.httpConnectionManager,
      );
      if (!filter?.typed_config) continue;
      const hcm = unpackAny(filter.typed_config, extensionTypeUrls.httpConnectionManager);
      if (hcm.rds?.route_config_name)
        return { listener, chain, filter, hcm, routeConfigName: hcm.rds.route_config_name };
    }
  }
  return undefined;
}

function withHostRewrite(route: Route, authority: string): Route {
  if (!route.route || route.route.host_rewrite_specifier) return route;
  return {
    ...route,
    route: {
      ...route.route,
      host_rewrite_literal: authority,
      host_rewrite_specifier: 'host_rewrite_literal',
    },
  };
}

/**
 * Adds, for each `authority → local port`, a listener on that port and a route configuration holding only the
 * authority's virtual host (matching any Host). An authority the mesh does not route gets a listener that answers
 * 404, so the app sees the mesh's answer rather than a refused connection. The added resources are derived and
 * decoded again only when the outbound listener or its route configuration changes.
 */
export function localHttpBackends(
  backends: ReadonlyMap<string, number>,
): (snapshot: DecodedSnapshot) => DecodedSnapshot {
  let last:
    { listener: Listener__Output; source: RouteConfiguration__Output | undefined; added: Added } | undefined;
  return (snapshot) => {
    const outbound = outboundHttp(snapshot.listeners.map((d) => d.message));
    if (backends.size === 0 || !outbound) return snapshot;
    const source = snapshot.routeConfigurations.find(
      (d) => d.message.name === outbound.routeConfigName,
    )?.message;
    if (last?.listener !== outbound.listener || last.source !== source)
      last = { listener: outbound.listener, source, added: derive(outbound, source, backends) };
    return {
      ...snapshot,
      listeners: [...snapshot.listeners, ...last.added.listeners],
      routeConfigurations: [...snapshot.routeConfigurations, ...last.added.routeConfigurations],
    };
  };
}

interface Added {
  readonly listeners: readonly Decoded<Listener__Output, ListenerConfig>[];
  readonly routeConfigurations: readonly Decoded<RouteConfiguration__Output, RouteTableConfig>[];
}

function derive(
  outbound: NonNullable<ReturnType<typeof outboundHttp>>,
  source: RouteConfiguration__Output | undefined,
  backends: ReadonlyMap<string, number>,
): Added {
  const listeners: Decoded<Listener__Output, ListenerConfig>[] = [];
  const routeConfigurations: Decoded<RouteConfiguration__Output, RouteTableConfig>[] = [];
  for (const [authority, localPort] of backends) {
    const vhost = source?.virtual_hosts.find((v) => v.domains.includes(authority));
    const name = `${outbound.routeConfigName}_backend_${localPort}`;
    const rc: RouteConfiguration__Output = {
      ...(source ?? ({} as RouteConfiguration__Output)),
      name,
      virtual_hosts: [
        vhost
          ? { ...vhost, domains: ['*'], routes: vhost.routes.map((r) => withHostRewrite(r, authority)) }
          : ({ name: 'not_in_mesh', domains: ['*'], routes: [] } as unknown as VirtualHost),
      ],
    };
    routeConfigurations.push({ message: rc, config: decodeRouteConfiguration(rc) });
    const hcm = { ...outbound.hcm, rds: { ...outbound.hcm.rds!, route_config_name: name } };
    const packed = packAny(extensionTypeUrls.httpConnectionManager, hcm as never);
    const sock = outbound.listener.address!.socket_address!;
    const listener: Listener__Output = {
      ...outbound.listener,
      name: `${outbound.listener.name}_backend_${localPort}`,
      address: { ...outbound.listener.address!, socket_address: { ...sock, port_value: localPort } },
      filter_chains: [
        {
          ...outbound.chain,
          filter_chain_match: null,
          filters: [{ ...outbound.filter, typed_config: { type_url: packed.type_url, value: packed.value } }],
        },
      ],
      default_filter_chain: null,
      listener_filters: [],
    };
    listeners.push({ message: listener, config: decodeListener(listener) });
  }
  return { listeners, routeConfigurations };
}
