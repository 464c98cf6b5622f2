// Envoy resources written by hand the way the translation emits them, round-tripped through protobuf like xDS does.
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../src/xds/protos/index.ts';
import type {
  Cluster,
  Cluster__Output,
  ClusterLoadAssignment__Output,
  Listener__Output,
  RouteConfiguration,
  RouteConfiguration__Output,
} from '../../src/xds/protos/index.ts';
import type { EnvoySnapshot } from '../../src/proxy/index.ts';

// Tests pack TCP proxy and access logger configs, which live outside the shared Root's default set.

type Obj = Record<string, unknown>;

function roundTrip<T>(typeUrl: string, message: object): T {
  return unpackAny(packAny(typeUrl, message)) as T;
}

export function ms(value: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(value / 1000), nanos: (value % 1000) * 1e6 };
}

export function httpListener(
  name: string,
  opts: {
    port?: number;
    routeConfigName?: string;
    inlineRoutes?: RouteConfiguration;
    statPrefix?: string;
    accessLog?: Obj[];
    codec?: string;
    /** More HttpConnectionManager fields (timeouts, http2_protocol_options, ...). */
    hcm?: Obj;
    /** More Listener fields (listener_filters_timeout, metadata, ...). */
    listener?: Obj;
  } = {},
): Listener__Output {
  const hcm: Obj = {
    ...opts.hcm,
    stat_prefix: opts.statPrefix ?? name,
    codec_type: opts.codec ?? 'AUTO',
    http_filters: [
      { name: 'envoy.filters.http.router', typed_config: packAny(extensionTypeUrls.router, {}) },
    ],
    access_log: opts.accessLog ?? [],
  };
  if (opts.inlineRoutes) hcm.route_config = opts.inlineRoutes;
  else hcm.rds = { route_config_name: opts.routeConfigName ?? name, config_source: { ads: {} } };
  return roundTrip(typeUrls.listener, {
    ...opts.listener,
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: opts.port ?? 0 } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: packAny(extensionTypeUrls.httpConnectionManager, hcm),
          },
        ],
      },
    ],
  });
}

export function tcpListener(name: string, cluster: string, port = 0, listener: Obj = {}): Listener__Output {
  return roundTrip(typeUrls.listener, {
    ...listener,
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.tcp_proxy',
            typed_config: packAny(extensionTypeUrls.tcpProxy, { stat_prefix: name, cluster }),
          },
        ],
      },
    ],
  });
}

export function routeConfig(name: string, virtualHosts: Obj[]): RouteConfiguration__Output {
  return roundTrip(typeUrls.routeConfiguration, { name, virtual_hosts: virtualHosts });
}

export function cluster(name: string, extra: Partial<Cluster> = {}): Cluster__Output {
  return roundTrip(typeUrls.cluster, {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {} } },
    connect_timeout: ms(1000),
    lb_policy: 'ROUND_ROBIN',
    ...extra,
  });
}

export function http2Cluster(name: string, extra: Partial<Cluster> = {}): Cluster__Output {
  return cluster(name, {
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': packAny(
        extensionTypeUrls.httpProtocolOptions,
        {
          explicit_http_config: { http2_protocol_options: {} },
        },
      ),
    },
    ...extra,
  });
}

export function endpoints(
  clusterName: string,
  ports: readonly number[],
  weights?: readonly number[],
): ClusterLoadAssignment__Output {
  return roundTrip(typeUrls.clusterLoadAssignment, {
    cluster_name: clusterName,
    endpoints: [
      {
        lb_endpoints: ports.map((port, i) => ({
          endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } },
          health_status: 'HEALTHY',
          load_balancing_weight: { value: weights?.[i] ?? 1 },
        })),
      },
    ],
  });
}

export function snapshot(parts: Partial<EnvoySnapshot>): EnvoySnapshot {
  return {
    listeners: parts.listeners ?? [],
    routeConfigurations: parts.routeConfigurations ?? [],
    clusters: parts.clusters ?? [],
    clusterLoadAssignments: parts.clusterLoadAssignments ?? [],
  };
}

/** A virtual host with one prefix route to a cluster (the common sidecar shape). */
export function vhost(name: string, domains: string[], routes: Obj[]): Obj {
  return { name, domains, routes };
}

export function prefixRoute(prefix: string, clusterName: string, action: Obj = {}, match: Obj = {}): Obj {
  return { match: { prefix, ...match }, route: { cluster: clusterName, ...action } };
}
