// The outbound side of a sidecar in HTTP proxy mode: one listener whose HTTP connection manager picks the
// backend virtual service by Host header, TCP backends by destination port, and the mesh egress policy for
// everything else.
import type { EgressFilter, TcpRoute, VirtualNodeSpec } from '../../model/specs/index.ts';
import { backendClientTls, upstreamTlsContext } from './client-tls.ts';
import { passthroughCluster } from './clusters.ts';
import { appMeshMillis, millisToDuration } from './durations.ts';
import type { AccessLog, FilterChain, VirtualHost } from './envoy-types.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import { httpConnectionManagerFilter, sidecarHttpConnectionManager } from './http-connection-manager.ts';
import type { ListenerOwner } from './listener-tls.ts';
import type { EndpointsByNode, MeshState } from './mesh-state.ts';
import { egressListenerName, egressRouteConfigName, passthroughClusterName } from './naming.ts';
import { clusterWeights, sidecarRoute } from './route-action.ts';
import {
  defaultHttpPort,
  planService,
  type ResolvedTarget,
  type ServicePlan,
  type ServicePort,
} from './service-plan.ts';
import { addTargetClusters } from './target-clusters.ts';
import { tcpProxyFilter } from './tcp-proxy.ts';
import { sdsSecretNames } from './tls-context.ts';

export interface OutboundOptions {
  readonly outboundPort: number;
  readonly listenHost: string;
  /** The node itself, whose identity and the mesh switch decide TLS towards backends without a policy. */
  readonly owner: ListenerOwner;
}

/** One virtual host per (service, HTTP-family port): the port in Host selects the router listener's routes. */
function virtualHosts(plan: ServicePlan): VirtualHost[] {
  const bare = defaultHttpPort(plan.ports);
  return plan.ports
    .filter((p) => p.protocol !== 'tcp')
    .map((p) => ({
      name: `${plan.name}_${p.port}`,
      domains: p.port === bare ? [plan.name, `${plan.name}:${p.port}`] : [`${plan.name}:${p.port}`],
      routes: p.routes.map(sidecarRoute),
    }));
}

/** The catch-all virtual host: ALLOW_ALL passes through, DROP_ALL answers 404. */
function egressPolicyHost(
  meshName: string,
  egress: EgressFilter['type'],
  out: ResourceCollector,
): VirtualHost {
  if (egress === 'ALLOW_ALL') {
    const cluster = passthroughClusterName(meshName);
    out.addCluster(passthroughCluster(cluster));
    return {
      name: 'egress_allow_all',
      domains: ['*'],
      routes: [{ name: 'passthrough', match: { prefix: '/' }, route: { cluster } }],
    };
  }
  return {
    name: 'egress_drop_all',
    domains: ['*'],
    routes: [{ name: 'drop_all', match: { prefix: '/' }, direct_response: { status: 404 } }],
  };
}

/**
 * A TCP port of a backend: a filter chain matched by destination port. Envoy routes TCP egress by port only,
 * so when two backends share a TCP port the first declared backend wins (App Mesh had the same limit).
 */
function tcpChain(port: ServicePort, accessLog: AccessLog[]): FilterChain | undefined {
  const route = port.routes[0];
  if (!route) return undefined;
  const idle = (route.spec.tcpRoute as TcpRoute | undefined)?.timeout?.idle;
  const idleTimeout = idle != null ? millisToDuration(appMeshMillis(idle)) : undefined;
  return {
    name: `egress_tcp_${port.port}`,
    filter_chain_match: { destination_port: { value: port.port } },
    filters: [
      tcpProxyFilter(`egress.tcp.${port.port}`, clusterWeights(route.targets), idleTimeout, accessLog),
    ],
  };
}

export function addOutboundListener(
  state: MeshState,
  spec: VirtualNodeSpec,
  options: OutboundOptions,
  endpoints: EndpointsByNode,
  accessLog: AccessLog[],
  out: ResourceCollector,
): void {
  const meshName = state.mesh.meshName;
  const hosts: VirtualHost[] = [];
  const tcpChains = new Map<number, FilterChain>();
  // Per egress cluster: the backend that decided its TLS first and that TLS without the SNI (which names the
  // service and so always differs), to warn when another backend reaching it asks for other TLS.
  const tlsDecided = new Map<string, { service: string; tls: string }>();
  (spec.backends ?? []).forEach((backend, index) => {
    const serviceName = backend.virtualService.virtualServiceName;
    // Backends are soft references: one that does not exist (yet) is skipped.
    const plan = planService(state, serviceName, out);
    if (!plan) return;
    hosts.push(...virtualHosts(plan));
    const policy = backendClientTls(spec, serviceName);
    const where = backend.virtualService.clientPolicy?.tls
      ? `spec.backends[${index}].virtualService.clientPolicy.tls`
      : 'spec.backendDefaults.clientPolicy.tls';
    const tlsOf = (target: ResolvedTarget) => {
      const context = upstreamTlsContext(
        policy,
        target,
        serviceName,
        options.owner,
        (m) => out.warn(m),
        where,
      );
      const tls = JSON.stringify(context?.common_tls_context ?? null);
      const decided = tlsDecided.get(target.clusterName);
      if (!decided) {
        tlsDecided.set(target.clusterName, { service: serviceName, tls });
        for (const name of sdsSecretNames(context?.common_tls_context)) {
          out.referSecret(name, policy ? where : '--mtls');
        }
      } else if (decided.tls !== tls) {
        out.warn(
          `${where}: ${target.node} port ${target.listener.portMapping.port} is also reached through ${decided.service}, whose TLS applies (one cluster per target listener)`,
        );
      }
      return context;
    };
    for (const port of plan.ports) {
      for (const route of port.routes) {
        addTargetClusters(route.targets, endpoints, 'sidecar', out, undefined, tlsOf);
      }
      if (port.protocol === 'tcp' && !tcpChains.has(port.port)) {
        const chain = tcpChain(port, accessLog);
        if (chain) tcpChains.set(port.port, chain);
      }
    }
  });
  const egress = state.mesh.spec.egressFilter?.type ?? 'DROP_ALL';
  hosts.push(egressPolicyHost(meshName, egress, out));
  const routeConfigName = egressRouteConfigName(options.outboundPort);
  out.addRouteConfiguration({ name: routeConfigName, virtual_hosts: hosts });
  const httpChain: FilterChain = {
    name: 'egress_http',
    filters: [
      httpConnectionManagerFilter(sidecarHttpConnectionManager('egress', routeConfigName, accessLog)),
    ],
  };
  out.addListener({
    name: egressListenerName(options.listenHost, options.outboundPort),
    address: { socket_address: { address: options.listenHost, port_value: options.outboundPort } },
    traffic_direction: 'OUTBOUND',
    // Intercepted connections keep their original destination port, which selects a TCP backend's chain.
    use_original_dst: { value: true },
    filter_chains: [...[...tcpChains.keys()].sort((a, b) => a - b).map((p) => tcpChains.get(p)!), httpChain],
  });
}
