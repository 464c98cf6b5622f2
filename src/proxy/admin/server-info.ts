// /server_info: Envoy's ServerInfo (state, version, node, uptime) as its admin prints it, which health checks grep.
import type { ServerIdentity } from './admin-controls.ts';

/** Envoy's server states: PRE_INITIALIZING until the first configuration, DRAINING after /healthcheck/fail. */
export type ServerState = 'LIVE' | 'DRAINING' | 'PRE_INITIALIZING';

export function serverState(ready: boolean, healthCheckFailed: boolean): ServerState {
  if (!ready) return 'PRE_INITIALIZING';
  return healthCheckFailed ? 'DRAINING' : 'LIVE';
}

/** Envoy's version string is `<sha>/<version>/<status>/<build>/<ssl>`; tools split it on `/` and read field 1. */
export function versionString(version: string): string {
  return `switchyard/${version}/Clean/RELEASE/Node.js-${process.versions.node}`;
}

export function serverInfo(state: ServerState, identity: ServerIdentity | undefined, nowMs: number): object {
  const uptimeS = identity ? Math.max(0, Math.floor((nowMs - identity.startedAtMs) / 1000)) : 0;
  return {
    version: versionString(identity?.version ?? '0.0.0'),
    state,
    hot_restart_version: 'disabled',
    command_line_options: {},
    node: identity
      ? {
          id: identity.nodeId,
          cluster: identity.cluster,
          user_agent_name: 'switchyard',
          user_agent_version: identity.version,
        }
      : {},
    // google.protobuf.Duration in JSON form, as Envoy prints it.
    uptime_current_epoch: `${uptimeS}s`,
    uptime_all_epochs: `${uptimeS}s`,
  };
}
