// Translates one proxy identity against the current mesh state: the sidecar form for Envoy and our proxy,
// the api_listener form for proxyless gRPC clients.

import { meshKey, resourceKey, type ResourceKey } from '../../model/resource-key.ts';
import type {
  MeshSpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../../model/specs/index.ts';
import {
  translateGateway,
  translateGrpcClient,
  translateSidecar,
  type EndpointsByNode,
  type EnvoyResources,
  type MeshState,
} from '../../xds/translate/index.ts';
import type { RouteConfiguration } from '../../xds/protos/index.ts';
import type { ProxyIdentity } from './proxy-identity.ts';

const nothing = (dependsOn: ResourceKey[]): EnvoyResources => ({
  listeners: [],
  routeConfigurations: [],
  clusters: [],
  clusterLoadAssignments: [],
  secrets: [],
  dependsOn,
});

/** Listener names a gRPC client may ask for to reach `serviceName`: bare and with each port. */
function grpcListenerNames(state: MeshState, serviceName: string): string[] {
  const provider = (state.virtualServices.get(serviceName)?.spec as VirtualServiceSpec | undefined)?.provider;
  const providerSpec = provider?.virtualRouter
    ? (state.virtualRouters.get(provider.virtualRouter.virtualRouterName)?.spec as
        VirtualRouterSpec | undefined)
    : provider?.virtualNode
      ? (state.virtualNodes.get(provider.virtualNode.virtualNodeName)?.spec as VirtualNodeSpec | undefined)
      : undefined;
  const ports = (providerSpec?.listeners ?? []).map((l) => l.portMapping.port);
  return [serviceName, ...ports.map((port) => `${serviceName}:${port}`)];
}

/**
 * The listeners `svc` and `svc:<port>` share one route configuration whose virtual host lists the listener's
 * own name as a domain; a client dialling either name must find its virtual host, so same-named
 * configurations are joined by uniting the domains of same-named virtual hosts (their routes are equal).
 */
function mergeRouteConfigurations(configs: readonly RouteConfiguration[]): RouteConfiguration[] {
  const byName = new Map<string, RouteConfiguration>();
  for (const config of configs) {
    const name = config.name ?? '';
    const seen = byName.get(name);
    if (!seen) {
      byName.set(name, config);
      continue;
    }
    const hosts = new Map((seen.virtual_hosts ?? []).map((host) => [host.name ?? '', host]));
    for (const host of config.virtual_hosts ?? []) {
      const known = hosts.get(host.name ?? '');
      hosts.set(
        host.name ?? '',
        known
          ? { ...known, domains: [...new Set([...(known.domains ?? []), ...(host.domains ?? [])])] }
          : host,
      );
    }
    byName.set(name, { ...seen, virtual_hosts: [...hosts.values()] });
  }
  return [...byName.values()];
}

function merge(outputs: readonly EnvoyResources[], extraDeps: readonly ResourceKey[]): EnvoyResources {
  const byName = <T>(items: T[], nameOf: (item: T) => string | undefined | null): T[] => [
    ...new Map(items.map((item) => [nameOf(item) ?? '', item])).values(),
  ];
  return {
    listeners: byName(
      outputs.flatMap((o) => o.listeners),
      (l) => l.name,
    ),
    routeConfigurations: mergeRouteConfigurations(outputs.flatMap((o) => o.routeConfigurations)),
    clusters: byName(
      outputs.flatMap((o) => o.clusters),
      (c) => c.name,
    ),
    clusterLoadAssignments: byName(
      outputs.flatMap((o) => o.clusterLoadAssignments),
      (c) => c.cluster_name,
    ),
    secrets: byName(
      outputs.flatMap((o) => o.secrets),
      (s) => s.name,
    ),
    dependsOn: [...outputs.flatMap((o) => o.dependsOn), ...extraDeps],
  };
}

function translateGrpc(
  state: MeshState,
  identity: ProxyIdentity,
  endpoints: EndpointsByNode,
): EnvoyResources {
  const nodeKey = resourceKey('virtualNode', identity.meshName, identity.name);
  const node = state.virtualNodes.get(identity.name);
  if (!node) return nothing([meshKey(identity.meshName), nodeKey]);
  const allowAll = (state.mesh.spec as MeshSpec).egressFilter?.type === 'ALLOW_ALL';
  const backends = allowAll
    ? [...state.virtualServices.keys()]
    : ((node.spec as VirtualNodeSpec).backends ?? []).map((b) => b.virtualService.virtualServiceName);
  const outputs = backends.flatMap((service) =>
    grpcListenerNames(state, service).map((listenerName) =>
      translateGrpcClient(state, listenerName, endpoints),
    ),
  );
  const serviceDeps = backends.map((service) => resourceKey('virtualService', identity.meshName, service));
  return merge(outputs, [meshKey(identity.meshName), nodeKey, ...serviceDeps]);
}

/** Everything `identity` should receive; an absent mesh or node yields no resources (the proxy waits). */
export function translateProxy(
  state: MeshState | undefined,
  identity: ProxyIdentity,
  endpoints: EndpointsByNode,
): EnvoyResources {
  const ownKey = resourceKey(identity.kind, identity.meshName, identity.name);
  if (!state) return nothing([meshKey(identity.meshName), ownKey]);
  if (identity.kind === 'virtualGateway') return translateGateway(state, identity.name, endpoints);
  if (identity.form === 'grpc') return translateGrpc(state, identity, endpoints);
  return translateSidecar(state, identity.name, endpoints, {
    inboundPort: identity.inboundPort,
    outboundPort: identity.outboundPort,
    appHost: identity.appHost,
    inboundPortPerListener: identity.inboundPortPerListener,
  });
}
