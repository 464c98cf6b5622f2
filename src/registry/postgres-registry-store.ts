// The registry on the shared PostgreSQL database: every control plane replica sees the same instances, and each
// one's change listeners hear every replica's writes (LISTEN/NOTIFY wakes, a sequence-ordered read catches up).

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { required, struct } from '../model/shape.ts';
import { ChangeNotifications } from '../store/postgres/change-notifications.ts';
import { postgresFailure } from '../store/postgres/postgres-transactions.ts';
import { redactDatabaseUrl } from '../store/postgres/postgres-store.ts';
import { SerialQueue } from '../store/sqlite/serial-queue.ts';
import { StoreUnavailableError } from '../store/store.ts';
import { discoveryFilter, matchesFilter } from './instance-filter.ts';
import {
  RegistryConflictError,
  RegistryLimitExceededError,
  RegistryNotFoundError,
} from './registry-errors.ts';
import {
  assertValid,
  instanceHealthShape,
  instanceIdShape,
  namespaceNameShape,
  normalizeRegistration,
  serviceNameShape,
  type Instance,
  type InstanceHealth,
  type InstanceRegistration,
  type Namespace,
  type Service,
} from './registry-model.ts';
import type {
  Created,
  DiscoverQuery,
  InstanceFilter,
  RegistryChange,
  RegistryChangeListener,
  RegistryStore,
  SharedProxyStreams,
} from './registry-store.ts';
import { migratePostgresRegistrySchema, registryLockKeys } from './postgres-registry-schema.ts';
import {
  instanceFromRow,
  instanceToParams,
  namespaceFromRow,
  serviceFromRow,
} from './sqlite-registry-rows.ts';
import { defaultMaxInstancesPerService } from './sqlite-registry-store.ts';

export interface PostgresRegistryStoreOptions {
  readonly url: string;
  readonly now?: () => number;
  readonly maxInstancesPerService?: number;
  readonly onListenerError?: (error: unknown) => void;
  /** Lost LISTEN connection, failed catch-up read: the registry retries by itself. */
  readonly onConnectionError?: (error: unknown) => void;
  /** Bound on connecting and on any statement (default 10000 ms). */
  readonly timeoutMs?: number;
  /** How often this replica says it is alive (default 5000 ms); three missed beats and its streams stop counting. */
  readonly heartbeatMs?: number;
}

export const registryChangesChannel = 'switchyard_registry';
/** Change rows kept for replicas catching up; older ones are trimmed as writes go on. */
const changeHistoryLimit = 100_000;
const catchUpBatch = 1000;

const namespaceKey = struct({ namespaceName: required(namespaceNameShape) });
const serviceKey = struct({
  namespaceName: required(namespaceNameShape),
  serviceName: required(serviceNameShape),
});
const instanceKey = struct({
  namespaceName: required(namespaceNameShape),
  serviceName: required(serviceNameShape),
  instanceId: required(instanceIdShape),
});

function sameEndpoint(a: Instance, b: Instance): boolean {
  return (
    a.address === b.address &&
    a.port === b.port &&
    a.health === b.health &&
    JSON.stringify(a.attributes) === JSON.stringify(b.attributes)
  );
}

type Row = Record<string, unknown>;
type Query = <R extends Row = Row>(text: string, values?: unknown[]) => Promise<R[]>;

const dbNowMs = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

export class PostgresRegistryStore implements RegistryStore {
  readonly location: string;
  readonly sharedStreams: SharedProxyStreams;
  readonly #pool: pg.Pool;
  readonly #notifications: ChangeNotifications;
  readonly #now: () => number;
  readonly #maxInstancesPerService: number;
  readonly #onListenerError: (error: unknown) => void;
  readonly #onConnectionError: (error: unknown) => void;
  readonly #listeners = new Set<RegistryChangeListener>();
  /** Catch-up reads, one at a time, so listeners hear changes once each and in order. */
  readonly #feed = new SerialQueue();
  /** Stream count updates in call order: a close overtaking its open would leave a proxy live for ever. */
  readonly #streamUpdates = new SerialQueue();
  readonly #replica = randomUUID();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #heartbeatMs: number;
  /** The last change sequence number delivered to this replica's listeners. */
  #delivered: number;
  #closing: Promise<void> | undefined;

  /** Connects, applies the registry migrations and starts following changes; fails with StoreUnavailableError. */
  static async open(options: PostgresRegistryStoreOptions): Promise<PostgresRegistryStore> {
    const location = redactDatabaseUrl(options.url);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const clientConfig: pg.ClientConfig = {
      connectionString: options.url,
      connectionTimeoutMillis: timeoutMs,
      application_name: 'switchyard-registry',
    };
    const pool = new pg.Pool({
      ...clientConfig,
      max: 5,
      keepAlive: true,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs + 1000,
      idle_in_transaction_session_timeout: 6 * timeoutMs,
    });
    pool.on('error', () => {});
    const onConnectionError =
      options.onConnectionError ??
      ((error: unknown) => process.emitWarning(`PostgreSQL registry: ${(error as Error).message}`));
    let notifications: ChangeNotifications | undefined;
    try {
      const client = await pool.connect();
      let delivered: number;
      try {
        await migratePostgresRegistrySchema(client);
        const { rows } = await client.query<{ seq: string }>(
          'SELECT coalesce(max(seq), 0) AS seq FROM registry_changes',
        );
        delivered = Number(rows[0]!.seq);
      } finally {
        client.release();
      }
      const holder: { store?: PostgresRegistryStore } = {};
      notifications = await ChangeNotifications.start({
        clientConfig,
        channel: registryChangesChannel,
        onWake: () => {
          if (holder.store) void holder.store.#catchUp();
        },
        onConnectionError,
      });
      const store = new PostgresRegistryStore(location, pool, notifications, delivered, options);
      holder.store = store;
      await store.#beat();
      // Anything committed between reading the sequence and LISTEN starting.
      void store.#catchUp();
      return store;
    } catch (error) {
      await notifications?.close();
      await pool.end().catch(() => {});
      throw new StoreUnavailableError(
        `cannot open the registry on ${location}: ${postgresFailure('open', error).message}`,
        { cause: error },
      );
    }
  }

  private constructor(
    location: string,
    pool: pg.Pool,
    notifications: ChangeNotifications,
    delivered: number,
    options: PostgresRegistryStoreOptions,
  ) {
    this.location = location;
    this.#pool = pool;
    this.#notifications = notifications;
    this.#delivered = delivered;
    this.#now = options.now ?? Date.now;
    this.#maxInstancesPerService = options.maxInstancesPerService ?? defaultMaxInstancesPerService;
    this.#onListenerError =
      options.onListenerError ??
      ((error) => process.emitWarning(`registry change listener threw: ${String(error)}`));
    this.#onConnectionError = options.onConnectionError ?? (() => undefined);
    this.#heartbeatMs = options.heartbeatMs ?? 5000;
    this.#heartbeat = setInterval(() => {
      this.#beat().catch((error: unknown) => this.#onConnectionError(error));
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
    this.sharedStreams = {
      opened: (token) => this.#streamUpdates.run(() => this.#streamCount(token, 1)),
      closed: (token) => this.#streamUpdates.run(() => this.#streamCount(token, -1)),
      anyOpen: (token) => this.#anyOpen(token),
      exclusively: (work) => this.#exclusively(work),
    };
  }

  async putNamespace(name: string): Promise<Created<Namespace>> {
    assertValid(namespaceKey, { namespaceName: name });
    return this.#write(async (q, changes) => {
      const [existing] = await q('SELECT * FROM registry_namespaces WHERE name = $1', [name]);
      if (existing) return { value: namespaceFromRow(existing), created: false };
      const value: Namespace = { name, createdAtMs: this.#now() };
      await q('INSERT INTO registry_namespaces (name, created_at_ms) VALUES ($1, $2)', [
        name,
        value.createdAtMs,
      ]);
      changes.push({ kind: 'namespace', op: 'put', namespaceName: name });
      return { value, created: true };
    });
  }

  async getNamespace(name: string): Promise<Namespace | undefined> {
    assertValid(namespaceKey, { namespaceName: name });
    const [row] = await this.#read('SELECT * FROM registry_namespaces WHERE name = $1', [name]);
    return row && namespaceFromRow(row);
  }

  async listNamespaces(): Promise<Namespace[]> {
    return (await this.#read('SELECT * FROM registry_namespaces ORDER BY name')).map(namespaceFromRow);
  }

  async deleteNamespace(name: string): Promise<Namespace> {
    assertValid(namespaceKey, { namespaceName: name });
    return this.#write(async (q, changes) => {
      const namespace = await this.#requireNamespace(q, name);
      const [count] = await q<{ n: number }>(
        'SELECT count(*)::int AS n FROM registry_services WHERE namespace = $1',
        [name],
      );
      const services = count?.n ?? 0;
      if (services > 0) {
        throw new RegistryConflictError(
          `namespace ${name} still has ${services} service${services === 1 ? '' : 's'}; delete them first`,
        );
      }
      await q('DELETE FROM registry_namespaces WHERE name = $1', [name]);
      changes.push({ kind: 'namespace', op: 'delete', namespaceName: name });
      return namespace;
    });
  }

  async putService(namespaceName: string, name: string): Promise<Created<Service>> {
    assertValid(serviceKey, { namespaceName, serviceName: name });
    return this.#write(async (q, changes) => {
      await this.#requireNamespace(q, namespaceName);
      const [existing] = await q('SELECT * FROM registry_services WHERE namespace = $1 AND name = $2', [
        namespaceName,
        name,
      ]);
      if (existing) return { value: serviceFromRow(existing), created: false };
      const value: Service = { namespaceName, name, createdAtMs: this.#now() };
      await q('INSERT INTO registry_services (namespace, name, created_at_ms) VALUES ($1, $2, $3)', [
        namespaceName,
        name,
        value.createdAtMs,
      ]);
      changes.push({ kind: 'service', op: 'put', namespaceName, serviceName: name });
      return { value, created: true };
    });
  }

  async getService(namespaceName: string, name: string): Promise<Service | undefined> {
    assertValid(serviceKey, { namespaceName, serviceName: name });
    const [row] = await this.#read('SELECT * FROM registry_services WHERE namespace = $1 AND name = $2', [
      namespaceName,
      name,
    ]);
    return row && serviceFromRow(row);
  }

  async listServices(namespaceName: string): Promise<Service[]> {
    assertValid(namespaceKey, { namespaceName });
    await this.#requireNamespace(this.#readQuery, namespaceName);
    const rows = await this.#read('SELECT * FROM registry_services WHERE namespace = $1 ORDER BY name', [
      namespaceName,
    ]);
    return rows.map(serviceFromRow);
  }

  async deleteService(namespaceName: string, name: string): Promise<Service> {
    assertValid(serviceKey, { namespaceName, serviceName: name });
    return this.#write(async (q, changes) => {
      const service = await this.#requireService(q, namespaceName, name);
      const instances = await this.#countInstances(q, namespaceName, name);
      if (instances > 0) {
        throw new RegistryConflictError(
          `service ${name} in namespace ${namespaceName} still has ${instances} instance${instances === 1 ? '' : 's'}; deregister them first`,
        );
      }
      await q('DELETE FROM registry_services WHERE namespace = $1 AND name = $2', [namespaceName, name]);
      changes.push({ kind: 'service', op: 'delete', namespaceName, serviceName: name });
      return service;
    });
  }

  async registerInstance(registration: InstanceRegistration): Promise<Created<Instance>> {
    const attributes = normalizeRegistration(registration);
    const { namespaceName, serviceName, instanceId } = registration;
    return this.#write(async (q, changes) => {
      await this.#requireService(q, namespaceName, serviceName);
      const previous = await this.#instance(q, namespaceName, serviceName, instanceId);
      if (!previous) {
        const count = await this.#countInstances(q, namespaceName, serviceName);
        const max = this.#maxInstancesPerService;
        if (count >= max) {
          throw new RegistryLimitExceededError(
            `service ${serviceName} in namespace ${namespaceName} already has ${count} instances (quota instancesPerService = ${max}); deregister one or raise the quota with --quota instancesPerService=N`,
          );
        }
      }
      const nowMs = this.#now();
      const instance: Instance = {
        namespaceName,
        serviceName,
        instanceId,
        address: registration.address,
        port: registration.port,
        attributes,
        health: registration.health ?? previous?.health ?? 'UNKNOWN',
        registeredAtMs: previous?.registeredAtMs ?? nowMs,
        lastHeartbeatMs: nowMs,
      };
      await this.#upsert(q, instance);
      if (!previous || !sameEndpoint(previous, instance)) {
        changes.push({ kind: 'instance', op: 'put', namespaceName, serviceName, instanceId, instance });
      }
      return { value: instance, created: previous === undefined };
    });
  }

  async getInstance(
    namespaceName: string,
    serviceName: string,
    instanceId: string,
  ): Promise<Instance | undefined> {
    assertValid(instanceKey, { namespaceName, serviceName, instanceId });
    return this.#instance(this.#readQuery, namespaceName, serviceName, instanceId);
  }

  async listInstances(
    namespaceName: string,
    serviceName: string,
    filter?: InstanceFilter,
  ): Promise<Instance[]> {
    assertValid(serviceKey, { namespaceName, serviceName });
    await this.#requireService(this.#readQuery, namespaceName, serviceName);
    return this.#instancesOf(namespaceName, serviceName, filter);
  }

  async deregisterInstance(
    namespaceName: string,
    serviceName: string,
    instanceId: string,
  ): Promise<Instance> {
    assertValid(instanceKey, { namespaceName, serviceName, instanceId });
    return this.#write(async (q, changes) => {
      const instance = await this.#requireInstance(q, namespaceName, serviceName, instanceId);
      await q('DELETE FROM registry_instances WHERE namespace = $1 AND service = $2 AND id = $3', [
        namespaceName,
        serviceName,
        instanceId,
      ]);
      changes.push({ kind: 'instance', op: 'delete', namespaceName, serviceName, instanceId, instance });
      return instance;
    });
  }

  async setInstanceHealth(
    namespaceName: string,
    serviceName: string,
    instanceId: string,
    health: InstanceHealth,
  ): Promise<Instance> {
    assertValid(instanceKey, { namespaceName, serviceName, instanceId });
    assertValid(instanceHealthShape, health, 'health');
    return this.#update(namespaceName, serviceName, instanceId, (instance) => ({ ...instance, health }));
  }

  async heartbeat(namespaceName: string, serviceName: string, instanceId: string): Promise<Instance> {
    assertValid(instanceKey, { namespaceName, serviceName, instanceId });
    return this.#update(namespaceName, serviceName, instanceId, (instance) => ({
      ...instance,
      lastHeartbeatMs: this.#now(),
    }));
  }

  async discoverInstances(query: DiscoverQuery): Promise<Instance[]> {
    return this.#instancesOf(query.namespaceName, query.serviceName, discoveryFilter(query));
  }

  onChange(listener: RegistryChangeListener): () => void {
    const entry: RegistryChangeListener = (change) => listener(change);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /**
   * Fills an empty registry with entries exactly as given (timestamps and health included), in one transaction:
   * what `switchyard migrate-store` copies. Refuses (RegistryConflictError) when the registry holds anything.
   */
  async restore(entries: {
    readonly namespaces: readonly Namespace[];
    readonly services: readonly Service[];
    readonly instances: readonly Instance[];
  }): Promise<void> {
    await this.#write(async (q) => {
      const [held] = await q<{ n: number }>(
        `SELECT ((SELECT count(*) FROM registry_namespaces) + (SELECT count(*) FROM registry_services)
           + (SELECT count(*) FROM registry_instances))::int AS n`,
      );
      if ((held?.n ?? 0) > 0)
        throw new RegistryConflictError(`the registry on ${this.location} is not empty (${held!.n} entries)`);
      for (const n of entries.namespaces)
        await q('INSERT INTO registry_namespaces (name, created_at_ms) VALUES ($1, $2)', [
          n.name,
          n.createdAtMs,
        ]);
      for (const s of entries.services)
        await q('INSERT INTO registry_services (namespace, name, created_at_ms) VALUES ($1, $2, $3)', [
          s.namespaceName,
          s.name,
          s.createdAtMs,
        ]);
      for (const instance of entries.instances) await this.#upsert(q, instance);
    });
  }

  /** Stops following changes, forgets this replica's streams, and closes every connection. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#heartbeat);
      this.#listeners.clear();
      await this.#feed.idle();
      await this.#streamUpdates.idle();
      await this.#notifications.close();
      // A clean stop hands its proxies' leases to the replicas they move to; a crash stops beating instead.
      await this.#pool
        .query('DELETE FROM registry_replicas WHERE replica = $1', [this.#replica])
        .catch(() => undefined);
      await this.#pool
        .query('DELETE FROM registry_proxy_streams WHERE replica = $1', [this.#replica])
        .catch(() => undefined);
      await this.#pool.end().catch(() => {});
    })();
    return this.#closing;
  }

  readonly #readQuery: Query = (text, values) => this.#read(text, values);

  async #read<R extends Row = Row>(text: string, values: unknown[] = []): Promise<R[]> {
    this.#assertOpen();
    try {
      return (await this.#pool.query<R>(text, values)).rows;
    } catch (error) {
      throw postgresFailure('registry read', error);
    }
  }

  async #instancesOf(
    namespaceName: string,
    serviceName: string,
    filter: InstanceFilter | undefined,
  ): Promise<Instance[]> {
    const rows = await this.#read(
      'SELECT * FROM registry_instances WHERE namespace = $1 AND service = $2 ORDER BY id',
      [namespaceName, serviceName],
    );
    return rows.map(instanceFromRow).filter((instance) => matchesFilter(instance, filter));
  }

  #update(
    namespaceName: string,
    serviceName: string,
    instanceId: string,
    change: (instance: Instance) => Instance,
  ): Promise<Instance> {
    return this.#write(async (q, changes) => {
      const previous = await this.#requireInstance(q, namespaceName, serviceName, instanceId);
      const instance = change(previous);
      await this.#upsert(q, instance);
      if (!sameEndpoint(previous, instance)) {
        changes.push({ kind: 'instance', op: 'put', namespaceName, serviceName, instanceId, instance });
      }
      return instance;
    });
  }

  async #upsert(q: Query, instance: Instance): Promise<void> {
    await q(
      `INSERT INTO registry_instances
         (namespace, service, id, address, port, attributes, health, registered_at_ms, last_heartbeat_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (namespace, service, id) DO UPDATE SET address = excluded.address, port = excluded.port,
         attributes = excluded.attributes, health = excluded.health,
         registered_at_ms = excluded.registered_at_ms, last_heartbeat_ms = excluded.last_heartbeat_ms`,
      instanceToParams(instance),
    );
  }

  async #countInstances(q: Query, namespaceName: string, serviceName: string): Promise<number> {
    const [row] = await q<{ n: number }>(
      'SELECT count(*)::int AS n FROM registry_instances WHERE namespace = $1 AND service = $2',
      [namespaceName, serviceName],
    );
    return row?.n ?? 0;
  }

  async #instance(
    q: Query,
    namespaceName: string,
    serviceName: string,
    instanceId: string,
  ): Promise<Instance | undefined> {
    const [row] = await q(
      'SELECT * FROM registry_instances WHERE namespace = $1 AND service = $2 AND id = $3',
      [namespaceName, serviceName, instanceId],
    );
    return row && instanceFromRow(row);
  }

  async #requireNamespace(q: Query, name: string): Promise<Namespace> {
    const [row] = await q('SELECT * FROM registry_namespaces WHERE name = $1', [name]);
    if (!row) throw new RegistryNotFoundError(`namespace ${name} does not exist`);
    return namespaceFromRow(row);
  }

  async #requireService(q: Query, namespaceName: string, name: string): Promise<Service> {
    const [row] = await q('SELECT * FROM registry_services WHERE namespace = $1 AND name = $2', [
      namespaceName,
      name,
    ]);
    if (row) return serviceFromRow(row);
    await this.#requireNamespace(q, namespaceName);
    throw new RegistryNotFoundError(`service ${name} does not exist in namespace ${namespaceName}`);
  }

  async #requireInstance(
    q: Query,
    namespaceName: string,
    serviceName: string,
    instanceId: string,
  ): Promise<Instance> {
    const instance = await this.#instance(q, namespaceName, serviceName, instanceId);
    if (instance) return instance;
    await this.#requireService(q, namespaceName, serviceName);
    throw new RegistryNotFoundError(
      `instance ${instanceId} is not registered in service ${serviceName} of namespace ${namespaceName}`,
    );
  }

  /**
   * One transaction per write, serialized across replicas by an advisory lock (so change numbers commit in
   * order and check-then-write is safe); resolves once this replica's listeners have heard the changes.
   */
  async #write<T>(work: (q: Query, changes: RegistryChange[]) => Promise<T>): Promise<T> {
    this.#assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw postgresFailure('registry connect', error);
    }
    let broken: Error | undefined;
    const q: Query = async (text, values = []) => {
      try {
        return (await client.query(text, values)).rows;
      } catch (error) {
        const failure = postgresFailure('registry write', error);
        broken ??= failure;
        throw failure;
      }
    };
    const changes: RegistryChange[] = [];
    let last = 0;
    let result: T;
    try {
      await q('BEGIN');
      try {
        await q('SELECT pg_advisory_xact_lock($1)', [registryLockKeys.write]);
        result = await work(q, changes);
        if (changes.length > 0) {
          const rows = await q<{ seq: string }>(
            'INSERT INTO registry_changes (change) SELECT unnest($1::text[]) RETURNING seq',
            [changes.map((change) => JSON.stringify(change))],
          );
          last = Math.max(...rows.map((row) => Number(row.seq)));
          if (last % 1000 === 0)
            await q('DELETE FROM registry_changes WHERE seq <= $1', [last - changeHistoryLimit]);
          await q('SELECT pg_notify($1, $2)', [registryChangesChannel, String(last)]);
        }
        await q('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release(broken);
    }
    if (last > 0) await this.#caughtUpTo(last);
    return result;
  }

  /** Delivers changes up to `seq` (read from the table, in order, whoever wrote them). */
  async #caughtUpTo(seq: number): Promise<void> {
    while (this.#delivered < seq && !this.#closing) {
      const before = this.#delivered;
      await this.#catchUp();
      // The write committed; if the read failed, the feed delivers it when the connection returns.
      if (this.#delivered === before) return;
    }
  }

  #catchUp(): Promise<void> {
    return this.#feed.run(async () => {
      for (;;) {
        if (this.#closing) return;
        let rows: { seq: string; change: string }[];
        try {
          rows = (
            await this.#pool.query<{ seq: string; change: string }>(
              'SELECT seq, change FROM registry_changes WHERE seq > $1 ORDER BY seq LIMIT $2',
              [this.#delivered, catchUpBatch],
            )
          ).rows;
        } catch (error) {
          this.#onConnectionError(postgresFailure('reading registry changes', error));
          return;
        }
        for (const row of rows) {
          this.#delivered = Number(row.seq);
          const change = JSON.parse(row.change) as RegistryChange;
          for (const listener of this.#listeners) {
            try {
              listener(change);
            } catch (error) {
              this.#onListenerError(error);
            }
          }
        }
        if (rows.length < catchUpBatch) return;
      }
    });
  }

  async #beat(): Promise<void> {
    await this.#pool.query(
      `INSERT INTO registry_replicas (replica, heartbeat_ms) VALUES ($1, ${dbNowMs})
       ON CONFLICT (replica) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms`,
      [this.#replica],
    );
  }

  async #streamCount(token: string, delta: 1 | -1): Promise<void> {
    if (this.#closing) return;
    try {
      await this.#pool.query(
        `INSERT INTO registry_proxy_streams (token, replica, streams) VALUES ($1, $2, greatest($3, 0))
         ON CONFLICT (token, replica) DO UPDATE SET streams = greatest(registry_proxy_streams.streams + $3, 0)`,
        [token, this.#replica, delta],
      );
      await this.#pool.query('DELETE FROM registry_proxy_streams WHERE streams = 0 AND token = $1', [token]);
    } catch (error) {
      throw postgresFailure('recording a proxy stream', error);
    }
  }

  /** Whether a replica that is alive (beat within three intervals) has a stream of that proxy open. */
  async #anyOpen(token: string): Promise<boolean> {
    const rows = await this.#read(
      `SELECT 1 FROM registry_proxy_streams s JOIN registry_replicas r ON r.replica = s.replica
       WHERE s.token = $1 AND s.streams > 0 AND r.heartbeat_ms > ${dbNowMs} - $2 LIMIT 1`,
      [token, 3 * this.#heartbeatMs],
    );
    return rows.length > 0;
  }

  /** Runs `work` holding the expiry advisory lock, or skips it (undefined) while another replica holds it. */
  async #exclusively<T>(work: () => Promise<T>): Promise<T | undefined> {
    this.#assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw postgresFailure('registry connect', error);
    }
    let locked: boolean;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        registryLockKeys.expiry,
      ]);
      locked = rows[0]?.locked === true;
    } catch (error) {
      client.release(error as Error);
      throw postgresFailure('registry expiry lock', error);
    }
    if (!locked) {
      client.release();
      return undefined;
    }
    let broken: Error | undefined;
    try {
      return await work();
    } finally {
      // A session lock outlives the work unless released; a connection that cannot release it is discarded.
      await client.query('SELECT pg_advisory_unlock($1)', [registryLockKeys.expiry]).catch((error: Error) => {
        broken = error;
      });
      client.release(broken);
    }
  }

  #assertOpen(): void {
    if (this.#closing) throw new StoreUnavailableError(`registry on ${this.location} is closed`);
  }
}
