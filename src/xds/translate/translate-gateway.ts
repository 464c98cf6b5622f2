// Virtual gateway translation: what a gateway's proxy (our proxy in gateway mode or a stock Envoy) needs: one
// listener per gateway listener whose routes take requests straight to the providers of the target services,
// and the egress clusters of every node those routes reach.
import { resourceKey } from '../../model/resource-key.ts';
import { accessLogs } from './access-log.ts';
import { circuitBreakers, loosestCircuitBreakers } from './circuit-breakers.ts';
import { ResourceCollector, type EnvoyResources } from './envoy-resources.ts';
import type { CircuitBreakers } from './envoy-types.ts';
import { addGatewayListener } from './gateway-listener.ts';
import { compareGatewayRoutes } from './gateway-route-order.ts';
import type { GatewayRouteInput } from './gateway-routes.ts';
import type { EndpointsByNode, MeshState } from './mesh-state.ts';
import { addTargetClusters } from './target-clusters.ts';
import { sdsSecretNames } from './tls-context.ts';
import { upstreamTlsContext } from './client-tls.ts';
import { defaultMeshSecurity, type MeshSecurity } from './mesh-security.ts';
import type { ResolvedTarget } from './service-plan.ts';

export interface GatewayOptions {
  /** Where the gateway's listeners bind; default 0.0.0.0. */
  readonly listenHost?: string;
  /** The mesh-wide mTLS switch and trust domain; default mTLS off. */
  readonly security?: MeshSecurity;
}

/**
 * Translates the virtual gateway `gatewayName` of `state`'s mesh. A gateway that does not exist yields no
 * resources (but still depends on its key, so creating it recomputes the output). A listener's connection
 * pool limits the clusters its routes reach; a cluster reached from several listeners gets the loosest limits.
 */
export function translateGateway(
  state: MeshState,
  gatewayName: string,
  endpoints: EndpointsByNode,
  options: GatewayOptions = {},
): EnvoyResources {
  const out = new ResourceCollector();
  const meshName = state.mesh.meshName;
  out.dependOn(state.mesh);
  // Also the key every gateway route's parent resolves to, so a new gateway route recomputes the output.
  out.dependOn(resourceKey('virtualGateway', meshName, gatewayName));
  const gateway = state.virtualGateways.get(gatewayName);
  if (!gateway) return out.finish();
  const spec = gateway.spec;
  const records = state.gatewayRoutes.get(gatewayName) ?? [];
  for (const record of records) out.dependOn(record);
  const ordered: GatewayRouteInput[] = records
    .map((record) => ({ name: record.name, spec: record.spec }))
    .sort(compareGatewayRoutes);
  const context = {
    state,
    gatewayName,
    listenHost: options.listenHost ?? '0.0.0.0',
    listenerCount: spec.listeners.length,
    accessLog: accessLogs(spec.logging),
    security: options.security ?? defaultMeshSecurity,
    serviceOfCluster: new Map<string, string>(),
  };
  const limits = new Map<string, CircuitBreakers[]>();
  const targets = spec.listeners.flatMap((listener, index) => {
    const reached = addGatewayListener(context, listener, ordered, out, index);
    const breakers = circuitBreakers(listener.connectionPool ?? undefined);
    for (const { clusterName } of reached) {
      const list = limits.get(clusterName);
      if (list) list.push(breakers);
      else limits.set(clusterName, [breakers]);
    }
    return reached;
  });
  const policy = spec.backendDefaults?.clientPolicy?.tls ?? undefined;
  const owner = { security: context.security, kind: 'virtualGateway', meshName, name: gatewayName } as const;
  const where = policy ? 'spec.backendDefaults.clientPolicy.tls' : '--mtls';
  const tlsOf = (target: ResolvedTarget) => {
    const tls = upstreamTlsContext(
      policy,
      target,
      context.serviceOfCluster.get(target.clusterName) ?? target.node,
      owner,
      (m) => out.warn(m),
      where,
    );
    for (const name of sdsSecretNames(tls?.common_tls_context)) out.referSecret(name, where);
    return tls;
  };
  addTargetClusters(
    targets,
    endpoints,
    'sidecar',
    out,
    (name) => loosestCircuitBreakers(limits.get(name) ?? []),
    tlsOf,
  );
  return out.finish();
}
