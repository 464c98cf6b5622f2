// Wires the store and the App Mesh API into one running control plane process.

import { status as grpcStatus } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApiServer } from '../api/api-server.ts';
import type { ApiContext } from '../api/api-context.ts';
import { AccessFileError } from '../api/auth/access-file.ts';
import { ApiAccess } from '../api/auth/api-access.ts';
import { ProxyAccess } from '../api/auth/proxy-access.ts';
import { ProxyTokenAuthority } from '../api/auth/proxy-token-authority.ts';
import { registryInstanceOwners } from '../registry/instance-owners.ts';
import { registerTokenRoutes } from './token-routes.ts';
import { registerRegistryRoutes } from '../registry/http/registry-routes.ts';
import { PostgresRegistryStore } from '../registry/postgres-registry-store.ts';
import { SqliteRegistryStore } from '../registry/sqlite-registry-store.ts';
import type { RegistryStore } from '../registry/registry-store.ts';
import { PostgresStore, redactDatabaseUrl } from '../store/postgres/postgres-store.ts';
import { DataDirInUseError } from '../store/sqlite/data-dir-lock.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import type { ControlPlaneConfig, HostPort } from './control-plane-config.ts';
import { registerHealthRoutes } from './health-routes.ts';
import type { ProxyAuthenticator } from '../api/auth/proxy-authenticator.ts';
import { MeshMetricsHub } from './metrics/mesh-metrics-hub.ts';
import { registerMetricsRoutes } from './metrics/metrics-routes.ts';
import { consoleUrlOf, registerConsoleRoutes } from './console-routes.ts';
import { registerHistoryRoutes } from './history-routes.ts';
import { XdsControlPlane } from './xds/xds-control-plane.ts';
import { systemCaClock, type CaClock } from '../ca/ca-clock.ts';
import { CaConfigError, loadOperatorAuthority, type Authority } from '../ca/certificate-authority.ts';
import { MeshCa } from '../ca/mesh-ca.ts';
import { registerCaRoutes } from './ca-routes.ts';
import { registerTrafficPermissionRoutes } from '../api/traffic-permission-routes.ts';
import { readFile } from 'node:fs/promises';

const idempotencyWindowMs = 24 * 60 * 60 * 1000;

/** An expected start-up failure: its message is one line that says what to do about it. */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StartupError';
  }
}

function findCause<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let at = error, depth = 0; at !== undefined && depth < 10; at = (at as Error).cause, depth++) {
    if (at instanceof type) return at;
  }
  return undefined;
}

export interface RunningControlPlane {
  readonly apiAddress: HostPort;
  readonly xdsAddress: HostPort;
  readonly store: Store;
  readonly registry: RegistryStore;
  readonly xds: XdsControlPlane;
  readonly ca: MeshCa;
  /** Verifies proxy tokens (xDS streams, registry calls); present only with authentication on. */
  readonly proxyTokens?: ProxyTokenAuthority;
  /** Re-reads the access file (SIGHUP); false, with the old keys kept, when it is bad or authentication is off. */
  reloadAccessFile(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The CA's clock (certificate dates, renewal and rotation timers); tests inject a manual one. */
  readonly caClock?: CaClock;
  /** Verifies proxies on the xDS port (authentication on); absent: xDS streams are not authenticated. */
  readonly proxyAuth?: ProxyAuthenticator;
}

async function readOperatorCa(config: ControlPlaneConfig, nowMs: number): Promise<Authority | undefined> {
  if (config.caCertPath === undefined || config.caKeyPath === undefined) return undefined;
  const read = async (file: string, flag: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new StartupError(`cannot read ${flag} ${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  const certificateText = await read(config.caCertPath, '--ca-cert');
  const keyText = await read(config.caKeyPath, '--ca-key');
  try {
    return loadOperatorAuthority(
      { region: config.region, accountId: config.accountId },
      certificateText,
      keyText,
      nowMs,
    );
  } catch (error) {
    if (error instanceof CaConfigError) throw new StartupError(error.message, { cause: error });
    throw error;
  }
}

async function openStores(
  config: ControlPlaneConfig,
  logger: Logger,
): Promise<{ store: Store; registry: RegistryStore }> {
  let store: Store | undefined;
  if (config.databaseUrl) {
    try {
      store = await PostgresStore.open({
        url: config.databaseUrl,
        onConnectionError: (error) => logger.warn({ err: error }, 'PostgreSQL connection trouble; retrying'),
      });
      // The registry shares the database too, so every replica sees every instance.
      const registry = await PostgresRegistryStore.open({
        url: config.databaseUrl,
        maxInstancesPerService: config.quotas.instancesPerService,
        onConnectionError: (error) => logger.warn({ err: error }, 'PostgreSQL registry trouble; retrying'),
      });
      return { store, registry };
    } catch (error) {
      await store?.close();
      throw new StartupError(`cannot open the store: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    store ??= await SqliteStore.open({
      dataDir: config.dataDir,
      onWarning: (message) => logger.warn({ dataDir: config.dataDir }, message),
    });
    const registry = await SqliteRegistryStore.open({
      dataDir: config.dataDir,
      // The store has just checked (and warned about) the same directory.
      onWarning: () => undefined,
      maxInstancesPerService: config.quotas.instancesPerService,
    });
    return { store, registry };
  } catch (error) {
    await store?.close();
    const inUse = findCause(error, DataDirInUseError);
    if (inUse) {
      throw new StartupError(`${inUse.message}: stop that control plane, or pass another --data-dir`, {
        cause: error,
      });
    }
    throw new StartupError(`cannot use data dir ${config.dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function listen(
  app: ReturnType<typeof createApiServer>,
  addr: HostPort,
  what: string,
  flag: string,
): Promise<HostPort> {
  try {
    await app.listen({ host: addr.host, port: addr.port });
  } catch (error) {
    throw listenError(error, addr, what, flag);
  }
  const bound = app.server.address() as AddressInfo;
  return { host: bound.address, port: bound.port };
}

function listenError(error: unknown, addr: HostPort, what: string, flag: string): StartupError {
  const text = `${(error as Error).message} ${String((error as Error).cause ?? '')}`;
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(text)
      ? `the port is already in use: stop what holds it, or pass another port with ${flag}`
      : code === 'EADDRNOTAVAIL' || /EADDRNOTAVAIL/.test(text)
        ? `the address is not on this machine: pass one of its addresses (or 0.0.0.0) with ${flag}`
        : code === 'EACCES' || /EACCES/.test(text)
          ? `permission denied: pass a port above 1023 with ${flag}`
          : (error as Error).message;
  return new StartupError(`cannot listen for the ${what} on ${addr.host}:${addr.port}: ${reason}`, {
    cause: error,
  });
}

async function openAccess(config: ControlPlaneConfig, logger: Logger): Promise<ApiAccess | undefined> {
  if (config.accessFile === undefined) return undefined;
  try {
    return await ApiAccess.open({
      file: config.accessFile,
      scope: { partition: 'aws', region: config.region, accountId: config.accountId },
      logger: logger.child({ component: 'access' }),
    });
  } catch (error) {
    if (error instanceof AccessFileError) throw new StartupError(error.message, { cause: error });
    throw error;
  }
}

/**
 * Sent to every proxy as `control_plane.identifier`: `switchyard api=http://HOST:PORT`, so a sidecar can find
 * the registry from its xDS connection alone. A wildcard HOST (0.0.0.0, [::]) means "the host you reached
 * the xDS server on".
 */
export function controlPlaneIdentifier(apiAddress: HostPort): string {
  const host = apiAddress.host.includes(':') ? `[${apiAddress.host}]` : apiAddress.host;
  return `switchyard api=http://${host}:${apiAddress.port}`;
}

/** Runs `steps` in reverse, logging failures: shutdown must reach every resource. */
async function closeAll(steps: readonly (() => Promise<void> | void)[], logger: Logger): Promise<void> {
  for (const step of [...steps].reverse()) {
    try {
      await step();
    } catch (error) {
      logger.warn({ err: error }, 'shutdown step failed');
    }
  }
}

export async function startControlPlane(
  config: ControlPlaneConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningControlPlane> {
  const caClock = options.caClock ?? systemCaClock;
  const operatorCa = await readOperatorCa(config, caClock.now());
  const access = await openAccess(config, logger);
  const { store, registry } = await openStores(config, logger);
  const cleanup: (() => Promise<void> | void)[] = [() => store.close(), () => registry.close()];
  try {
    const ctx: ApiContext = {
      store,
      account: { partition: 'aws', region: config.region, accountId: config.accountId },
      quotas: config.quotas,
      now: () => Date.now(),
      newUid: () => randomUUID(),
      logger: logger.child({ component: 'api' }),
    };
    let ca: MeshCa;
    try {
      ca = await MeshCa.open({
        store,
        clock: caClock,
        scope: { region: config.region, accountId: config.accountId },
        certTtlMs: config.certTtlMs,
        ...(operatorCa ? { operator: operatorCa } : {}),
        onPollError: (error) => logger.warn({ err: error }, 'reading the CA roots from the store failed'),
      });
    } catch (error) {
      throw new StartupError(`cannot load the certificate authority: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const openedCa = ca;
    cleanup.push(() => openedCa.close());
    let proxyTokens: ProxyTokenAuthority | undefined;
    if (access) {
      let opened: ProxyTokenAuthority;
      try {
        opened = await ProxyTokenAuthority.open({
          store,
          clock: caClock,
          onPollError: (error) =>
            logger.warn(
              { err: error },
              'reading proxy token revocations from the store failed; retrying every second',
            ),
        });
      } catch (error) {
        throw new StartupError(`cannot load the proxy token keys: ${(error as Error).message}`, {
          cause: error,
        });
      }
      cleanup.push(() => opened.close());
      proxyTokens = opened;
    }
    const proxyAccess = proxyTokens
      ? new ProxyAccess({
          authenticator: proxyTokens,
          owners: registryInstanceOwners(store, registry),
          scope: ctx.account,
        })
      : undefined;
    const api = createApiServer(ctx, {
      allowedHosts: config.allowedHosts,
      ...(access ? { access } : {}),
      ...(proxyAccess ? { proxyAccess } : {}),
    });
    registerTokenRoutes(api, {
      store,
      authority: proxyTokens,
      logger: logger.child({ component: 'tokens' }),
    });
    registerCaRoutes(api, ca, {
      trustDomain: config.security.trustDomain,
      certTtlMs: config.certTtlMs,
      logger,
    });
    registerTrafficPermissionRoutes(api, ctx);
    registerRegistryRoutes(api, registry, { store, logger: logger.child({ component: 'registry' }) });
    // The API listens first, so the xDS server can tell proxies where it is; until then no proxy is connected.
    let xds: XdsControlPlane | undefined = undefined;
    api.get('/switchyard/v1/xds/clients', async () => ({
      clients: xds?.clients() ?? [],
      rejected: xds?.rejected() ?? [],
      refused: xds?.refusals() ?? {},
      // Per replica: how far its snapshots are behind the store (equal once caught up).
      controlPlane: {
        appliedRevision: xds?.appliedRevision ?? 0,
        storeRevision: await store.currentRevision(),
      },
    }));
    api.get<{ Querystring: { node?: string } }>('/switchyard/v1/xds/config', async (request, reply) => {
      const node = request.query.node ?? '';
      const view = node === '' ? undefined : xds?.proxyConfig(node);
      if (view !== undefined) return view;
      return reply.code(node === '' ? 400 : 404).send({
        message:
          node === ''
            ? 'the node query parameter is required'
            : `no proxy with node id ${node} is connected; the control plane holds configuration only for connected proxies`,
      });
    });
    registerHealthRoutes(api, store);
    const metrics = new MeshMetricsHub({
      logger: logger.child({ component: 'metrics' }),
      // Metrics streams arrive on the xDS port only once it listens, after `xds` is set.
      authenticate: async (peer, node) =>
        xds?.authenticateNodeStream(peer, node) ?? {
          ok: false,
          code: grpcStatus.UNAVAILABLE,
          message: 'the xDS server is starting',
        },
      admit: (peer) =>
        xds?.admitNodeStream(peer) ?? {
          ok: false,
          code: grpcStatus.UNAVAILABLE,
          message: 'the xDS server is starting',
        },
    });
    registerMetricsRoutes(api, metrics, {
      meshState: (meshName) => xds?.meshState(meshName),
      connectedProxies: () => xds?.clients().length ?? 0,
    });
    registerHistoryRoutes(api, store);
    registerConsoleRoutes(api, { region: config.region, authentication: access !== undefined });
    const apiAddress = await listen(api, config.apiAddr, 'App Mesh API', '--api-addr');
    cleanup.push(() => api.close());
    xds = await XdsControlPlane.start({
      store,
      registry,
      quotas: config.quotas,
      instanceGraceMs: config.instanceGraceMs,
      security: config.security,
      ...(config.tracing && { tracing: config.tracing }),
      controlPlaneId: controlPlaneIdentifier(apiAddress),
      addServices: (server) => metrics.receiver.addTo(server),
      observer: metrics.xdsObserver,
      logger: logger.child({ component: 'xds' }),
      ca: { ca, trustDomain: config.security.trustDomain, clock: caClock },
      ...((options.proxyAuth ?? proxyTokens) ? { proxyAuth: options.proxyAuth ?? proxyTokens } : {}),
      ...(config.xdsTls ? { xdsTls: config.xdsTls } : {}),
    });
    const started = xds;
    cleanup.push(() => started.close());
    // Before the xDS server: its shutdown waits for open streams, and metrics streams only end from this side.
    cleanup.push(() => metrics.close());
    let xdsPort: number;
    try {
      xdsPort = await xds.listen(config.xdsAddr);
    } catch (error) {
      throw listenError(error, config.xdsAddr, 'xDS server', '--xds-addr');
    }
    const xdsAddress = { host: config.xdsAddr.host, port: xdsPort };
    const pruner = setInterval(
      () => {
        store.pruneIdempotency(Date.now() - idempotencyWindowMs).catch((error: unknown) => {
          logger.warn({ err: error }, 'pruning idempotency tokens failed');
        });
      },
      60 * 60 * 1000,
    );
    pruner.unref();
    cleanup.push(() => clearInterval(pruner));
    logger.info(
      {
        apiAddr: `${apiAddress.host}:${apiAddress.port}`,
        xdsAddr: `${xdsAddress.host}:${xdsAddress.port}`,
        xdsTls: config.xdsTls ? config.xdsTls.names : 'off',
        console: consoleUrlOf(apiAddress),
        dataDir: config.dataDir,
        store: config.databaseUrl ? redactDatabaseUrl(config.databaseUrl) : 'sqlite',
        revision: await store.currentRevision(),
        authentication: access
          ? `SigV4, ${access.keyCount} keys from ${access.file}`
          : 'off (no --access-file): anyone who can connect may read and change the mesh',
      },
      'control plane ready',
    );
    const reloadAccessFile = async () => {
      if (!access) {
        logger.warn('SIGHUP: no --access-file to reload; authentication is off');
        return false;
      }
      return access.reload();
    };
    return {
      apiAddress,
      xdsAddress,
      store,
      registry,
      xds,
      ca,
      ...(proxyTokens ? { proxyTokens } : {}),
      reloadAccessFile,
      close: () => closeAll(cleanup, logger),
    };
  } catch (error) {
    await closeAll(cleanup, logger);
    throw error;
  }
}
