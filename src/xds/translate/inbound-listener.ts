// The inbound side of a sidecar: one listener on the inbound port serving each of the node's listeners and
// forwarding to the local app, with the listener's timeouts, connection pool and access logging.
import type { Listener as NodeListener, VirtualNodeSpec } from '../../model/specs/index.ts';
import { listenerMetadata } from '../protos/node-metadata.ts';
import { ingressCluster } from './clusters.ts';
import { appMeshMillis, millisToDuration } from './durations.ts';
import type { AccessLog, Filter, FilterChain, RouteAction } from './envoy-types.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import {
  forwardClientCertificate,
  httpConnectionManagerFilter,
  sidecarHttpConnectionManager,
} from './http-connection-manager.ts';
import { listenerTlsPlan, tlsFilterChains, tlsInspectorFilter } from './listener-tls.ts';
import { sdsSecretNames } from './tls-context.ts';
import { defaultMeshSecurity, type MeshSecurity } from './mesh-security.ts';
import {
  ingressClusterName,
  ingressListenerName,
  ingressRouteConfigName,
  ingressStatPrefix,
} from './naming.ts';
import { defaultPerRequestMs } from './route-action.ts';
import { tcpProxyFilter } from './tcp-proxy.ts';

export interface InboundOptions {
  readonly meshName: string;
  readonly nodeName: string;
  readonly inboundPort: number;
  readonly listenHost: string;
  readonly appHost: string;
  /**
   * A node with several listeners gets one inbound listener per node listener, on consecutive ports from
   * inboundPort (skipping the outbound port), instead of one listener whose chains are picked by original
   * destination port (which needs iptables). Our sidecar asks for this; a stock Envoy keeps App Mesh's shape.
   */
  readonly portPerListener?: boolean;
  /** A port the per-listener inbound ports skip (the outbound listener's). */
  readonly outboundPort?: number;
  /** Mesh-wide TLS settings; default mTLS off. */
  readonly security?: MeshSecurity;
  /** HTTP filters before the router on every HTTP listener (the RBAC filter of traffic permissions). */
  readonly httpFilters?: readonly Filter[];
}

function localAppAction(cluster: string, listener: NodeListener): RouteAction {
  const protocol = listener.portMapping.protocol;
  const timeout = protocol === 'tcp' ? undefined : listener.timeout?.[protocol];
  const action: RouteAction = {
    cluster,
    timeout: millisToDuration(
      timeout?.perRequest != null ? appMeshMillis(timeout.perRequest) : defaultPerRequestMs,
    ),
  };
  if (timeout?.idle != null) action.idle_timeout = millisToDuration(appMeshMillis(timeout.idle));
  return action;
}

/** The chains serving one node listener: one plaintext chain, or its TLS chain(s) (listener-tls.ts). */
function filterChains(
  options: InboundOptions,
  listener: NodeListener,
  listenerCount: number,
  accessLog: AccessLog[],
  out: ResourceCollector,
  matchDestinationPort: boolean,
  index: number,
): FilterChain[] {
  const { port, protocol } = listener.portMapping;
  const owner = {
    security: options.security ?? defaultMeshSecurity,
    kind: 'virtualNode',
    meshName: options.meshName,
    name: options.nodeName,
  } as const;
  const tls = listenerTlsPlan(listener.tls, protocol, owner, true);
  for (const name of sdsSecretNames(tls?.context.common_tls_context)) {
    out.referSecret(name, tls?.fromMesh ? '--mtls' : `spec.listeners[${index}].tls`);
  }
  const clusterName = ingressClusterName(options.meshName, options.nodeName, protocol, port);
  out.addCluster(ingressCluster(clusterName, listener, options.appHost));
  const statPrefix = ingressStatPrefix(protocol, port, listenerCount);
  const chain: FilterChain = { name: `ingress_${protocol}_${port}` };
  // With several listeners the app port the peer dialled picks the chain (recovered by use_original_dst).
  if (matchDestinationPort) chain.filter_chain_match = { destination_port: { value: port } };
  if (protocol === 'tcp') {
    const idle = listener.timeout?.tcp?.idle;
    const idleTimeout = idle != null ? millisToDuration(appMeshMillis(idle)) : undefined;
    chain.filters = [tcpProxyFilter(statPrefix, [{ name: clusterName, weight: 1 }], idleTimeout, accessLog)];
    return tlsFilterChains(chain, tls);
  }
  const routeConfigName = ingressRouteConfigName(protocol, port);
  out.addRouteConfiguration({
    name: routeConfigName,
    virtual_hosts: [
      {
        name: `ingress_${protocol}_${port}`,
        domains: ['*'],
        routes: [{ name: 'local_app', match: { prefix: '/' }, route: localAppAction(clusterName, listener) }],
      },
    ],
  });
  const hcm = sidecarHttpConnectionManager(statPrefix, routeConfigName, accessLog);
  if (options.httpFilters) hcm.http_filters = [...options.httpFilters, ...(hcm.http_filters ?? [])];
  // The app learns who called (x-forwarded-client-cert), and never from the caller itself.
  if (tls) forwardClientCertificate(hcm);
  chain.filters = [httpConnectionManagerFilter(hcm)];
  return tlsFilterChains(chain, tls);
}

/** The TLS inspector when any chain matches on the transport protocol. */
function listenerFilters(chains: readonly FilterChain[]) {
  return chains.some((c) => c.filter_chain_match?.transport_protocol)
    ? { listener_filters: [tlsInspectorFilter()] }
    : {};
}

/** Adds the inbound listener (none when the node serves nothing), its route configurations and clusters. */
export function addInboundListener(
  options: InboundOptions,
  spec: VirtualNodeSpec,
  accessLog: AccessLog[],
  out: ResourceCollector,
): void {
  const listeners = spec.listeners ?? [];
  if (listeners.length === 0) return;
  if (options.portPerListener && listeners.length > 1) {
    let port = options.inboundPort - 1;
    listeners.forEach((listener, index) => {
      port += port + 1 === options.outboundPort ? 2 : 1;
      const chains = filterChains(options, listener, listeners.length, accessLog, out, false, index);
      out.addListener({
        name: ingressListenerName(options.listenHost, port),
        address: { socket_address: { address: options.listenHost, port_value: port } },
        traffic_direction: 'INBOUND',
        ...listenerFilters(chains),
        filter_chains: chains,
        metadata: {
          filter_metadata: {
            // Read by our sidecar to register this inbound port for that node listener.
            [listenerMetadata.namespace]: {
              fields: { [listenerMetadata.listenerPort]: { numberValue: listener.portMapping.port } },
            },
          },
        },
      });
    });
    return;
  }
  const chains = listeners.flatMap((listener, index) =>
    filterChains(options, listener, listeners.length, accessLog, out, listeners.length > 1, index),
  );
  out.addListener({
    name: ingressListenerName(options.listenHost, options.inboundPort),
    address: { socket_address: { address: options.listenHost, port_value: options.inboundPort } },
    traffic_direction: 'INBOUND',
    ...listenerFilters(chains),
    filter_chains: chains,
    ...(listeners.length > 1 ? { use_original_dst: { value: true } } : {}),
  });
}
