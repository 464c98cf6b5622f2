// Wires the store and the App Mesh API into one running control plane process.

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApiServer } from '../api/api-server.ts';
import type { ApiContext } from '../api/api-context.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import type { ControlPlaneConfig, HostPort } from './control-plane-config.ts';

const idempotencyWindowMs = 24 * 60 * 60 * 1000;

export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export interface RunningControlPlane {
  readonly apiAddress: HostPort;
  readonly store: Store;
  close(): Promise<void>;
}

async function openStore(config: ControlPlaneConfig): Promise<Store> {
  try {
    return await SqliteStore.open({ dataDir: config.dataDir });
  } catch (error) {
    throw new StartupError(`cannot use data dir ${config.dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function listen(
  app: ReturnType<typeof createApiServer>,
  addr: HostPort,
  what: string,
): Promise<HostPort> {
  try {
    await app.listen({ host: addr.host, port: addr.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? 'the port is already in use'
        : code === 'EADDRNOTAVAIL'
          ? 'the address is not on this machine'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new StartupError(`cannot listen for the ${what} on ${addr.host}:${addr.port}: ${reason}`, {
      cause: error,
    });
  }
  const bound = app.server.address() as AddressInfo;
  return { host: bound.address, port: bound.port };
}

export async function startControlPlane(
  config: ControlPlaneConfig,
  logger: Logger,
): Promise<RunningControlPlane> {
  const store = await openStore(config);
  const ctx: ApiContext = {
    store,
    account: { partition: 'aws', region: config.region, accountId: config.accountId },
    quotas: config.quotas,
    now: () => Date.now(),
    newUid: () => randomUUID(),
    logger: logger.child({ component: 'api' }),
  };
  const api = createApiServer(ctx);
  let apiAddress: HostPort;
  try {
    apiAddress = await listen(api, config.apiAddr, 'App Mesh API');
  } catch (error) {
    await store.close();
    throw error;
  }
  const pruner = setInterval(
    () => {
      store.pruneIdempotency(Date.now() - idempotencyWindowMs).catch((error: unknown) => {
        logger.warn({ err: error }, 'pruning idempotency tokens failed');
      });
    },
    60 * 60 * 1000,
  );
  pruner.unref();
  logger.info(
    {
      apiAddr: `${apiAddress.host}:${apiAddress.port}`,
      xdsAddr: `${config.xdsAddr.host}:${config.xdsAddr.port}`,
      dataDir: config.dataDir,
      revision: await store.currentRevision(),
    },
    'control plane ready',
  );
  return {
    apiAddress,
    store,
    async close() {
      clearInterval(pruner);
      await api.close();
      await store.close();
    },
  };
}
