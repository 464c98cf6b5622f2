// App Mesh's Envoy image variables, read where they mean what a `switchyard proxy` flag means, so a task definition
// or pod spec written for App Mesh runs our sidecar with only the image changed.

/** Flag values the App Mesh variables supply; each undefined when its variable is unset or empty. */
export interface AppMeshDefaults {
  readonly node?: string;
  readonly xds?: string;
  readonly adminAddr?: string;
  readonly logLevel?: string;
}

/** The App Mesh variable each flag falls back to, in order (first set wins), for help and docs. */
export const appMeshVariables = {
  node: ['APPMESH_RESOURCE_ARN', 'APPMESH_VIRTUAL_NODE_NAME'],
  xds: ['APPMESH_XDS_ENDPOINT'],
  adminAddr: ['ENVOY_ADMIN_ACCESS_PORT'],
  logLevel: ['ENVOY_LOG_LEVEL'],
} as const;

/** Envoy's log levels → pino's; `critical` is pino's `fatal` and `off` its `silent`. */
const envoyLogLevels: Readonly<Record<string, string>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  critical: 'fatal',
  fatal: 'fatal',
  off: 'silent',
  silent: 'silent',
};

/** A pino level for an Envoy or pino level name (any case), or undefined for a name neither knows. */
export function pinoLevel(level: string): string | undefined {
  return envoyLogLevels[level.trim().toLowerCase()];
}

export function appMeshDefaults(env: NodeJS.ProcessEnv): AppMeshDefaults {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const adminPort = read('ENVOY_ADMIN_ACCESS_PORT');
  return {
    node: read('APPMESH_RESOURCE_ARN') ?? read('APPMESH_VIRTUAL_NODE_NAME'),
    xds: read('APPMESH_XDS_ENDPOINT'),
    // The variable names a port only: the admin interface stays on loopback (see docs/proxy.md).
    adminAddr: adminPort === undefined ? undefined : `127.0.0.1:${adminPort}`,
    logLevel: read('ENVOY_LOG_LEVEL'),
  };
}
