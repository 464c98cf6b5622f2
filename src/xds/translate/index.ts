// Public surface of translation: App Mesh records in, Envoy resources out (pure; no I/O, no clock).
export { buildMeshState } from './mesh-state.ts';
export type { EndpointsByNode, MeshState, ResolvedEndpoint } from './mesh-state.ts';
export type { EnvoyResources, SecretReference } from './envoy-resources.ts';
export { translateSidecar } from './translate-sidecar.ts';
export type { SidecarOptions } from './translate-sidecar.ts';
export { parseGrpcListenerName, translateGrpcClient } from './translate-grpc-client.ts';
export { translateGrpcNode } from './translate-grpc-node.ts';
export { sourceOfAny } from './typed-config.ts';
export { translateGateway } from './translate-gateway.ts';
export { addTracing, otlpClusterName } from './tracing-config.ts';
export type { MeshTracing } from './tracing-config.ts';
export type { GatewayOptions } from './translate-gateway.ts';
export { gatewayListenerMetadataKey } from './gateway-listener.ts';
export { defaultMeshSecurity, meshMtlsModes } from './mesh-security.ts';
export type { MeshMtlsMode, MeshSecurity } from './mesh-security.ts';
export {
  defaultTrustDomain,
  meshSpiffePrefix,
  spiffeIdOf,
  trustBundleSecretName,
  trustDomainProblem,
} from './workload-identity.ts';
export type { WorkloadKind } from './workload-identity.ts';
