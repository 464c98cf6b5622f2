// The five xDS resource types the sidecar consumes: how each is named, decoded and what it references.
import { decodeCluster } from '../config/decode-cluster.ts';
import { decodeClusterLoadAssignment } from '../config/decode-cluster-load-assignment.ts';
import { decodeListener } from '../config/decode-listener.ts';
import { decodeRouteConfiguration } from '../config/decode-route-configuration.ts';
import { decodeSecret } from '../config/decode-secret.ts';
import type { ClusterConfig, EndpointsConfig } from '../config/cluster-types.ts';
import type { ListenerConfig } from '../config/listener-types.ts';
import type { RouteTableConfig } from '../config/route-types.ts';
import type { SecretConfig } from '../config/tls-types.ts';
import { extensionTypeUrls, typeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { CommonTlsContext__Output } from '../../xds/protos/generated/envoy/extensions/transport_sockets/tls/v3/CommonTlsContext.ts';
import type { TransportSocket__Output } from '../../xds/protos/generated/envoy/config/core/v3/TransportSocket.ts';
import type {
  AnyLike,
  Cluster__Output,
  ClusterLoadAssignment__Output,
  Listener__Output,
  RouteConfiguration__Output,
  Secret__Output,
} from '../../xds/protos/index.ts';

export type ResourceMessage =
  | Listener__Output
  | RouteConfiguration__Output
  | Cluster__Output
  | ClusterLoadAssignment__Output
  | Secret__Output;

/** The decoded form of a resource, what the proxy runs on. */
export type ResourceConfig =
  ListenerConfig | RouteTableConfig | ClusterConfig | EndpointsConfig | SecretConfig;

/** One resource, unpacked and decoded once: the message (for config_dump and references) and its config. */
export interface DecodedResource {
  readonly name: string;
  readonly message: ResourceMessage;
  readonly config: ResourceConfig;
}

export type XdsKindName = 'listener' | 'routeConfiguration' | 'cluster' | 'clusterLoadAssignment' | 'secret';

export interface ResourceKind {
  readonly kind: XdsKindName;
  readonly typeUrl: string;
  /** LDS and CDS are wildcard subscriptions; RDS, EDS and SDS are subscribed by the names their parents reference. */
  readonly wildcard: boolean;
  /** Unpacks and decodes one resource; throws with a message fit for a NACK. */
  decode(any: AnyLike): DecodedResource;
}

function kind<M extends ResourceMessage>(
  k: XdsKindName,
  typeUrl: string,
  wildcard: boolean,
  nameOf: (m: M) => string,
  decode: (m: M) => ResourceConfig,
): ResourceKind {
  return {
    kind: k,
    typeUrl,
    wildcard,
    decode(any) {
      const message = unpackAny(any, typeUrl as typeof typeUrls.listener) as unknown as M;
      return { name: nameOf(message), message, config: decode(message) };
    },
  };
}

export const resourceKinds: readonly ResourceKind[] = [
  kind<Cluster__Output>('cluster', typeUrls.cluster, true, (c) => c.name, decodeCluster),
  kind<ClusterLoadAssignment__Output>(
    'clusterLoadAssignment',
    typeUrls.clusterLoadAssignment,
    false,
    (c) => c.cluster_name,
    decodeClusterLoadAssignment,
  ),
  kind<Listener__Output>('listener', typeUrls.listener, true, (l) => l.name, decodeListener),
  kind<RouteConfiguration__Output>(
    'routeConfiguration',
    typeUrls.routeConfiguration,
    false,
    (r) => r.name,
    decodeRouteConfiguration,
  ),
  kind<Secret__Output>('secret', typeUrls.secret, false, (s) => s.name, decodeSecret),
];

export const kindByTypeUrl: ReadonlyMap<string, ResourceKind> = new Map(
  resourceKinds.map((k) => [k.typeUrl, k]),
);

/** EDS service names of a cluster set (`eds_cluster_config.service_name`, else the cluster name). */
export function endpointNamesOf(clusters: Iterable<Cluster__Output>): Set<string> {
  const names = new Set<string>();
  for (const c of clusters) {
    if (c.cluster_discovery_type !== 'type' || c.type !== 'EDS') continue;
    const service = c.eds_cluster_config?.service_name ?? '';
    names.add(service === '' ? c.name : service);
  }
  return names;
}

/** Route configuration names the listeners' HTTP connection managers fetch over RDS. */
export function routeNamesOf(listeners: Iterable<Listener__Output>): Set<string> {
  const names = new Set<string>();
  for (const l of listeners) {
    const chains = [...l.filter_chains, ...(l.default_filter_chain ? [l.default_filter_chain] : [])];
    for (const chain of chains) {
      for (const filter of chain.filters) {
        const any = filter.typed_config;
        if (any?.type_url !== extensionTypeUrls.httpConnectionManager) continue;
        const hcm = unpackAny(any, extensionTypeUrls.httpConnectionManager);
        if (hcm.route_specifier === 'rds' && hcm.rds) names.add(hcm.rds.route_config_name);
      }
    }
  }
  return names;
}

/** SDS names one TLS context references: its certificates and its trust bundle (plain or combined). */
function sdsNamesOf(common: CommonTlsContext__Output | null | undefined, into: string[]): void {
  if (!common) return;
  for (const c of common.tls_certificate_sds_secret_configs) into.push(c.name);
  if (common.validation_context_sds_secret_config)
    into.push(common.validation_context_sds_secret_config.name);
  const combined = common.combined_validation_context?.validation_context_sds_secret_config;
  if (combined) into.push(combined.name);
}

function transportSocketSecrets(socket: TransportSocket__Output | null | undefined, into: string[]): void {
  const any = socket?.typed_config;
  if (!any) return;
  // A socket that does not unpack is the decoder's to refuse (NACK); here it simply references nothing.
  try {
    if (any.type_url === extensionTypeUrls.downstreamTlsContext)
      sdsNamesOf(unpackAny(any, extensionTypeUrls.downstreamTlsContext).common_tls_context, into);
    else if (any.type_url === extensionTypeUrls.upstreamTlsContext)
      sdsNamesOf(unpackAny(any, extensionTypeUrls.upstreamTlsContext).common_tls_context, into);
  } catch {
    return;
  }
}

const secretNamesCache = new WeakMap<object, readonly string[]>();

/**
 * The SDS secret names a listener's or cluster's TLS contexts reference (empty without TLS). Messages are
 * immutable once held, so each is unpacked once.
 */
export function secretNamesOf(resource: Listener__Output | Cluster__Output): readonly string[] {
  let names = secretNamesCache.get(resource);
  if (names) return names;
  const found: string[] = [];
  if ('filter_chains' in resource) {
    const chains = [
      ...resource.filter_chains,
      ...(resource.default_filter_chain ? [resource.default_filter_chain] : []),
    ];
    for (const chain of chains) transportSocketSecrets(chain.transport_socket, found);
  } else {
    transportSocketSecrets(resource.transport_socket, found);
  }
  names = [...new Set(found.filter((n) => n !== ''))];
  secretNamesCache.set(resource, names);
  return names;
}
