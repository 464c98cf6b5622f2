// Public surface of the sidecar's xDS client and its control-plane registration.
export { XdsClient } from './xds-client.ts';
export type { AppliedEvent, ConfigTarget, NackEvent, XdsClientOptions } from './xds-client.ts';
export { createSidecarNode, nodeMetadataKeys, proxyUserAgent } from './xds-node.ts';
export type { SidecarNodeOptions } from './xds-node.ts';
export { localOverrides } from './local-overrides.ts';
export type { LocalOverrides } from './local-overrides.ts';
export { InstanceRegistration, sidecarInstanceId } from './instance-registration.ts';
export type { InstanceRegistrationOptions, RegistrationOutcome } from './instance-registration.ts';
export { reconnectDelayMs } from './reconnect-back-off.ts';
export type { ReconnectBackOff } from './reconnect-back-off.ts';
export { inboundInstances } from './inbound-instances.ts';
export type { InboundInstance } from './inbound-instances.ts';
