// Public surface of the sidecar data plane, for the xDS client and the `switchyard proxy` command.
export { MeshProxy } from './mesh-proxy.ts';
export type { MeshProxyOptions } from './mesh-proxy.ts';
export { assembleConfig, decodeSnapshot } from './config/proxy-config.ts';
export type { Decoded, DecodedSnapshot, EnvoySnapshot, ProxyConfig } from './config/proxy-config.ts';
export { ConfigError } from './config/config-error.ts';
export { ListenerBindError } from './listeners/listener-bind-error.ts';
export type { ListenerBindFailure } from './listeners/listener-bind-error.ts';
export { decodeListener } from './config/decode-listener.ts';
export { decodeRouteConfiguration } from './config/decode-route-configuration.ts';
export { decodeCluster } from './config/decode-cluster.ts';
export { decodeClusterLoadAssignment } from './config/decode-cluster-load-assignment.ts';
export { systemClock, ManualClock } from './clock.ts';
export type { Clock, TimerHandle } from './clock.ts';
