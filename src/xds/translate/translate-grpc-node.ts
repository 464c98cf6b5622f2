// Proxyless gRPC node translation: a virtual node whose application is a grpc-js-xds client gets the client
// listeners of every backend, under each name a channel may dial (`svc` and `svc:<port>`).
import { meshKey, resourceKey } from '../../model/resource-key.ts';
import type { VirtualNodeSpec } from '../../model/specs/index.ts';
import { ResourceCollector, type EnvoyResources } from './envoy-resources.ts';
import { mergeResources } from './merge-resources.ts';
import { backendClientTls } from './client-tls.ts';
import { defaultMeshSecurity, type MeshSecurity } from './mesh-security.ts';
import type { EndpointsByNode, MeshState } from './mesh-state.ts';
import { translateGrpcClient } from './translate-grpc-client.ts';

/** Listener names a gRPC client may ask for to reach `serviceName`: bare and with each port. */
function grpcListenerNames(state: MeshState, serviceName: string): string[] {
  const provider = state.virtualServices.get(serviceName)?.spec.provider;
  const providerSpec = provider?.virtualRouter
    ? state.virtualRouters.get(provider.virtualRouter.virtualRouterName)?.spec
    : provider?.virtualNode
      ? state.virtualNodes.get(provider.virtualNode.virtualNodeName)?.spec
      : undefined;
  const ports = (providerSpec?.listeners ?? []).map((l) => l.portMapping.port);
  return [serviceName, ...ports.map((port) => `${serviceName}:${port}`)];
}

/**
 * The TLS a proxyless node's spec (or the mesh switch) asks for: none of it reaches grpc-js-xds, which takes
 * TLS only from certificate providers in its bootstrap, never over SDS, so each is a warning.
 */
function unexpressedTls(spec: VirtualNodeSpec, security: MeshSecurity): string[] {
  const warnings: string[] = [];
  const why = 'proxyless gRPC gets no TLS from Switchyard; the connection is plaintext';
  (spec.listeners ?? []).forEach((listener, i) => {
    if (listener.tls && listener.tls.mode !== 'DISABLED') {
      warnings.push(`spec.listeners[${i}].tls: mode ${listener.tls.mode} is not applied: ${why}`);
    }
  });
  (spec.backends ?? []).forEach((backend, i) => {
    const policy = backendClientTls(spec, backend.virtualService.virtualServiceName);
    if (policy && policy.enforce !== false) {
      const where = backend.virtualService.clientPolicy?.tls
        ? `spec.backends[${i}].virtualService.clientPolicy.tls`
        : 'spec.backendDefaults.clientPolicy.tls';
      warnings.push(`${where}: not applied to ${backend.virtualService.virtualServiceName}: ${why}`);
    }
  });
  if (security.mtls !== 'off') warnings.push(`mesh mTLS (${security.mtls}) does not cover this node: ${why}`);
  return [...new Set(warnings)];
}

/**
 * Everything the gRPC client behind virtual node `nodeName` may ask for: its backends, or every service of
 * the mesh when the mesh's egress filter is ALLOW_ALL. A node that does not exist yields no resources (but
 * still depends on its key, so creating it recomputes the output).
 */
export function translateGrpcNode(
  state: MeshState,
  nodeName: string,
  endpoints: EndpointsByNode,
  security: MeshSecurity = defaultMeshSecurity,
): EnvoyResources {
  const meshName = state.mesh.meshName;
  const nodeKey = resourceKey('virtualNode', meshName, nodeName);
  const node = state.virtualNodes.get(nodeName);
  if (!node) {
    const none = new ResourceCollector();
    none.dependOn(state.mesh);
    none.dependOn(nodeKey);
    return none.finish();
  }
  const allowAll = state.mesh.spec.egressFilter?.type === 'ALLOW_ALL';
  const backends = allowAll
    ? [...state.virtualServices.keys()]
    : (node.spec.backends ?? []).map((b) => b.virtualService.virtualServiceName);
  const outputs = backends.flatMap((service) =>
    grpcListenerNames(state, service).map((listenerName) =>
      translateGrpcClient(state, listenerName, endpoints),
    ),
  );
  const serviceDeps = backends.map((service) => resourceKey('virtualService', meshName, service));
  const merged = mergeResources(outputs, [meshKey(meshName), nodeKey, ...serviceDeps]);
  const warnings = unexpressedTls(node.spec, security);
  return warnings.length > 0 ? { ...merged, warnings } : merged;
}
