// Listeners whose connection manager carries Envoy's RBAC HTTP filter ahead of the router, round-tripped like xDS.
import { rbacTypeUrl } from '../../src/proxy/config/decode-rbac.ts';
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../src/xds/protos/index.ts';
import type { Listener__Output } from '../../src/xds/protos/index.ts';

type Obj = Record<string, unknown>;

export const routerFilter: Obj = {
  name: 'envoy.filters.http.router',
  typed_config: packAny(extensionTypeUrls.router, {}),
};

/** An `envoy.filters.http.rbac` HttpFilter with `config` (an extensions.filters.http.rbac.v3.RBAC) packed. */
export function rbacFilter(config: Obj, extra: Obj = {}): Obj {
  return { name: 'envoy.filters.http.rbac', typed_config: packAny(rbacTypeUrl, config), ...extra };
}

/** ALLOW / DENY rules of named policies. */
export function rbacRules(action: 'ALLOW' | 'DENY', policies: Record<string, Obj>): Obj {
  return { rules: { action, policies } };
}

export const exactPrincipal = (id: string): Obj => ({
  authenticated: { principal_name: { exact: id } },
});
export const headerExact = (name: string, value: string): Obj => ({
  header: { name, string_match: { exact: value } },
});
export const pathPrefix = (prefix: string): Obj => ({ url_path: { path: { prefix } } });

/** An HttpConnectionManager network filter (RDS `routeConfigName`) with `httpFilters` as given. */
export function hcmWithFilters(
  statPrefix: string,
  routeConfigName: string,
  httpFilters: Obj[],
  hcm: Obj = {},
): Obj {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: packAny(extensionTypeUrls.httpConnectionManager, {
      codec_type: 'AUTO',
      ...hcm,
      stat_prefix: statPrefix,
      rds: { route_config_name: routeConfigName, config_source: { ads: {} } },
      http_filters: httpFilters,
    }),
  };
}

/** A plaintext listener on 127.0.0.1:`port` whose only filter chain holds `networkFilter`. */
export function plainListener(name: string, port: number, networkFilter: Obj): Listener__Output {
  return unpackAny(
    packAny(typeUrls.listener, {
      name,
      address: { socket_address: { address: '127.0.0.1', port_value: port } },
      filter_chains: [{ filters: [networkFilter] }],
    }),
  ) as Listener__Output;
}
