// Envoy's tracing for a stock Envoy: every HTTP connection manager of a sidecar or gateway gets the
// OpenTelemetry tracer (envoy.tracers.opentelemetry) exporting OTLP/HTTP to the collector the control plane
// was told about, through one static cluster. Applied after translation, only when tracing is configured, so
// the output without it is unchanged.
import { extensionTypeUrls } from '../protos/index.ts';
import type { EnvoyResources } from './envoy-resources.ts';
import type { Cluster, Filter, FilterChain, HttpConnectionManager, Listener } from './envoy-types.ts';
import { httpConnectionManagerFilter } from './http-connection-manager.ts';
import { millisToDuration } from './durations.ts';
import { packTyped, sourceOfAny } from './typed-config.ts';

export interface MeshTracing {
  /** The collector's OTLP/HTTP traces URL, `http(s)://host[:port]/v1/traces`. */
  readonly collectorUrl: string;
  /** Share of new traces Envoy samples, in percent (HCM random_sampling); callers' decisions are kept. */
  readonly samplingPercent: number;
}

/** The cluster Envoy's tracer sends spans through. */
export const otlpClusterName = 'switchyard_otlp_collector';
const exportTimeoutMs = 10_000;
const hcmName = 'envoy.filters.network.http_connection_manager';

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

function collectorCluster(url: URL): Cluster {
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
  const cluster: Cluster = {
    name: otlpClusterName,
    type: isIpLiteral(host) ? 'STATIC' : 'STRICT_DNS',
    connect_timeout: millisToDuration(5000),
    lb_policy: 'ROUND_ROBIN',
    load_assignment: {
      cluster_name: otlpClusterName,
      endpoints: [
        {
          lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }],
        },
      ],
    },
  };
  if (https)
    cluster.transport_socket = {
      name: 'envoy.transport_sockets.tls',
      typed_config: packTyped(extensionTypeUrls.upstreamTlsContext, { sni: host }),
    };
  return cluster;
}

function tracingBlock(tracing: MeshTracing, url: URL, serviceName: string): HttpConnectionManager['tracing'] {
  return {
    provider: {
      name: 'envoy.tracers.opentelemetry',
      typed_config: packTyped(extensionTypeUrls.openTelemetryTracer, {
        http_service: {
          http_uri: { uri: url.href, cluster: otlpClusterName, timeout: millisToDuration(exportTimeoutMs) },
        },
        service_name: serviceName,
      }),
    },
    random_sampling: { value: tracing.samplingPercent },
    // One client span per upstream attempt besides the hop's own, as our proxy makes.
    spawn_upstream_span: { value: true },
  };
}

function withTracedFilters(chain: FilterChain, block: HttpConnectionManager['tracing']): FilterChain {
  const filters = chain.filters?.map((filter: Filter): Filter => {
    const hcm = filter.name === hcmName && filter.typed_config ? sourceOfAny(filter.typed_config) : undefined;
    return hcm ? httpConnectionManagerFilter({ ...(hcm as HttpConnectionManager), tracing: block }) : filter;
  });
  return filters === undefined ? chain : { ...chain, filters };
}

/** `resources` with tracing on every HTTP connection manager and the collector's cluster added. */
export function addTracing(
  resources: EnvoyResources,
  tracing: MeshTracing,
  serviceName: string,
): EnvoyResources {
  const url = new URL(tracing.collectorUrl);
  const block = tracingBlock(tracing, url, serviceName);
  const listeners = resources.listeners.map((listener): Listener => ({
    ...listener,
    ...(listener.filter_chains && {
      filter_chains: listener.filter_chains.map((chain) => withTracedFilters(chain, block)),
    }),
    ...(listener.default_filter_chain && {
      default_filter_chain: withTracedFilters(listener.default_filter_chain, block),
    }),
  }));
  if (listeners.length === 0) return resources;
  return { ...resources, listeners, clusters: [...resources.clusters, collectorCluster(url)] };
}
