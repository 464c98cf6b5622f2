// Public surface of the sidecar's xDS client (the sidecar that drives it is in ../sidecar/).
export { XdsClient } from './xds-client.ts';
export type { AppliedEvent, ConfigTarget, XdsConnection, NackEvent, XdsClientOptions } from './xds-client.ts';
export { localOverrides } from './local-overrides.ts';
export type { LocalOverrides } from './local-overrides.ts';
export { reconnectDelayMs } from './reconnect-back-off.ts';
export type { ReconnectBackOff } from './reconnect-back-off.ts';
