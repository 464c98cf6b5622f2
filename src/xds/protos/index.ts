// Public surface of the Envoy protos module: loading, type URLs, Any packing, encoded resources, ADS service.
export { envoyRoot, messageType } from './envoy-root.ts';
export { envoyProtoFiles, protoIncludeDirs } from './proto-files.ts';
export { typeUrls, extensionTypeUrls, messageNameOf, typeUrlOf } from './type-urls.ts';
export type { InputMessages, KnownTypeUrl, OutputMessages, ResourceTypeUrl } from './type-urls.ts';
export { encodeMessage, packAny, unpackAny } from './any.ts';
export type { AnyLike, PackedAny } from './any.ts';
export { Resource, createResource } from './resource.ts';
export { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from './discovery-wire.ts';
export type { DeltaResponseParts, SotwResponseParts } from './discovery-wire.ts';
export { adsServiceDefinition, adsServiceName } from './ads-service.ts';
export type { AdsMethodDefinition, AdsServiceDefinition } from './ads-service.ts';
export type * from './message-types.ts';
