// Public surface of the sidecar: `startSidecar` assembles and runs one, for `switchyard proxy` and for tests.
export { SidecarStartError, startSidecar } from './sidecar.ts';
export type { Sidecar, SidecarExit, SidecarReady, SidecarRuntime } from './sidecar.ts';
export type { SidecarNodeRef, SidecarSettings } from './sidecar-settings.ts';
export { createSidecarNode } from './xds-node.ts';
export type { SidecarNodeOptions } from './xds-node.ts';
export { InstanceRegistration, sidecarInstanceId } from './instance-registration.ts';
export type { InstanceRegistrationOptions, RegistrationOutcome } from './instance-registration.ts';
export { inboundInstances } from './inbound-instances.ts';
export type { InboundInstance } from './inbound-instances.ts';
export { RegistrationLoop } from './registration-loop.ts';
export type { Registrar, RegistrationLoopOptions } from './registration-loop.ts';
