// Translates one proxy identity against the current mesh state: the sidecar form for Envoy and our proxy,
// the api_listener form for proxyless gRPC clients.

import { meshKey, resourceKey, type ResourceKey } from '../../model/resource-key.ts';
import {
  addTracing,
  defaultMeshSecurity,
  translateGateway,
  translateGrpcNode,
  translateSidecar,
  type EndpointsByNode,
  type EnvoyResources,
  type MeshSecurity,
  type MeshState,
  type MeshTracing,
} from '../../xds/translate/index.ts';
import type { ProxyIdentity } from './proxy-identity.ts';

const nothing = (dependsOn: ResourceKey[]): EnvoyResources => ({
  listeners: [],
  routeConfigurations: [],
  clusters: [],
  clusterLoadAssignments: [],
  secrets: [],
  dependsOn,
});

/** Everything `identity` should receive; an absent mesh or node yields no resources (the proxy waits). */
export function translateProxy(
  state: MeshState | undefined,
  identity: ProxyIdentity,
  endpoints: EndpointsByNode,
  security: MeshSecurity = defaultMeshSecurity,
  tracing?: MeshTracing,
): EnvoyResources {
  const resources = translateEnvoyForm(state, identity, endpoints, security);
  // Envoy's own tracer, for the sidecar and gateway forms (a proxyless gRPC client has no HCM to trace).
  if (tracing === undefined || !state || identity.form === 'grpc') return resources;
  return addTracing(resources, tracing, identity.name);
}

function translateEnvoyForm(
  state: MeshState | undefined,
  identity: ProxyIdentity,
  endpoints: EndpointsByNode,
  security: MeshSecurity,
): EnvoyResources {
  const ownKey = resourceKey(identity.kind, identity.meshName, identity.name);
  if (!state) return nothing([meshKey(identity.meshName), ownKey]);
  if (identity.kind === 'virtualGateway') {
    return translateGateway(state, identity.name, endpoints, { security });
  }
  if (identity.form === 'grpc') return translateGrpcNode(state, identity.name, endpoints, security);
  return translateSidecar(state, identity.name, endpoints, {
    inboundPort: identity.inboundPort,
    outboundPort: identity.outboundPort,
    appHost: identity.appHost,
    inboundPortPerListener: identity.inboundPortPerListener,
    security,
  });
}
