// The registry on node:sqlite: `<dataDir>/registry.db` in WAL mode, one transaction per write.

import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { required, struct } from '../model/shape.ts';
import { preparePrivateDir, preparePrivateFile } from '../store/sqlite/private-files.ts';
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
} from './registry-store.ts';
import { applyRegistrySchema } from './sqlite-registry-schema.ts';
import {
  RegistryStatements,
  instanceFromRow,
  instanceToParams,
  namespaceFromRow,
  serviceFromRow,
} from './sqlite-registry-rows.ts';

export interface SqliteRegistryStoreOptions {
  readonly dataDir: string;
  /** Clock for registeredAtMs and lastHeartbeatMs; tests inject one. */
  readonly now?: () => number;
  /** Most instances one service may hold (quota instancesPerService); default Cloud Map's 1,000. */
  readonly maxInstancesPerService?: number;
  /** Gets what a change listener threw; the write has committed regardless. Defaults to a process warning. */
  readonly onListenerError?: (error: unknown) => void;
  /** Gets a warning about the data directory (readable by others). Defaults to a process warning. */
  readonly onWarning?: (message: string) => void;
}

export const registryFileName = 'registry.db';

/** Cloud Map's default limit of instances per service. */
export const defaultMaxInstancesPerService = 1000;

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

export class SqliteRegistryStore implements RegistryStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #sql: RegistryStatements;
  readonly #now: () => number;
  readonly #maxInstancesPerService: number;
  readonly #onListenerError: (error: unknown) => void;
  readonly #listeners = new Set<RegistryChangeListener>();
  #closed = false;

  /** Opens (creating if needed) `<dataDir>/registry.db`; fails with StoreUnavailableError. */
  static async open(options: SqliteRegistryStoreOptions): Promise<SqliteRegistryStore> {
    const path = join(resolve(options.dataDir), registryFileName);
    let db: DatabaseSync | undefined;
    try {
      await preparePrivateDir(
        resolve(options.dataDir),
        options.onWarning ?? ((message) => process.emitWarning(message)),
      );
      preparePrivateFile(path);
      db = new DatabaseSync(path, { timeout: 5000 });
      const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.['journal_mode'];
      if (mode !== 'wal') throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
      db.exec('PRAGMA synchronous = FULL');
      applyRegistrySchema(db);
      return new SqliteRegistryStore(path, db, options);
    } catch (error) {
      db?.close();
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`cannot open registry ${path}: ${reason}`, { cause: error });
    }
  }

  private constructor(path: string, db: DatabaseSync, options: SqliteRegistryStoreOptions) {
    this.path = path;
    this.#db = db;
    this.#sql = new RegistryStatements(db);
    this.#now = options.now ?? Date.now;
    this.#maxInstancesPerService = options.maxInstancesPerService ?? defaultMaxInstancesPerService;
    this.#onListenerError =
      options.onListenerError ??
      ((error) => process.emitWarning(`registry change listener threw: ${String(error)}`));
  }

  async putNamespace(name: string): Promise<Created<Namespace>> {
    assertValid(namespaceKey, { namespaceName: name });
    return this.#write((changes) => {
      const existing = this.#sql.getNamespace.get(name);
      if (existing) return { value: namespaceFromRow(existing), created: false };
      const value: Namespace = { name, createdAtMs: this.#now() };
      this.#sql.insertNamespace.run(name, value.createdAtMs);
      changes.push({ kind: 'namespace', op: 'put', namespaceName: name });
      return { value, created: true };
    });
  }

  async getNamespace(name: string): Promise<Namespace | undefined> {
    assertValid(namespaceKey, { namespaceName: name });
    this.#assertOpen();
    const row = this.#sql.getNamespace.get(name);
    return row && namespaceFromRow(row);
  }

  async listNamespaces(): Promise<Namespace[]> {
    this.#assertOpen();
    return this.#sql.listNamespaces.all().map(namespaceFromRow);
  }

  async deleteNamespace(name: string): Promise<Namespace> {
    assertValid(namespaceKey, { namespaceName: name });
    return this.#write((changes) => {
      const namespace = this.#requireNamespace(name);
      const services = Number(this.#sql.countServices.get(name)?.['n'] ?? 0);
      if (services > 0) {
        throw new RegistryConflictError(
          `namespace ${name} still has ${services} service${services === 1 ? '' : 's'}; delete them first`,
        );
      }
      this.#sql.deleteNamespace.run(name);
      changes.push({ kind: 'namespace', op: 'delete', namespaceName: name });
      return namespace;
    });
  }

  async putService(namespaceName: string, name: string): Promise<Created<Service>> {
    assertValid(serviceKey, { namespaceName, serviceName: name });
    return this.#write((changes) => {
      this.#requireNamespace(namespaceName);
      const existing = this.#sql.getService.get(namespaceName, name);
      if (existing) return { value: serviceFromRow(existing), created: false };
      const value: Service = { namespaceName, name, createdAtMs: this.#now() };
      this.#sql.insertService.run(namespaceName, name, value.createdAtMs);
      changes.push({ kind: 'service', op: 'put', namespaceName, serviceName: name });
      return { value, created: true };
    });
  }

  async getService(namespaceName: string, name: string): Promise<Service | undefined> {
    assertValid(serviceKey, { namespaceName, serviceName: name });
    this.#assertOpen();
    const row = this.#sql.getService.get(namespaceName, name);
    return row && serviceFromRow(row);
  }

  async listServices(namespaceName: string): Promise<Service[]> {
    assertValid(namespaceKey, { namespaceName });
    this.#assertOpen();
    this.#requireNamespace(namespaceName);
    return this.#sql.listServices.all(namespaceName).map(serviceFromRow);
  }

  async deleteService(namespaceName: string, name: string): Promise<Service> {
    assertValid(serviceKey, { namespaceName, serviceName: name });
    return this.#write((changes) => {
      const service = this.#requireService(namespaceName, name);
      const instances = Number(this.#sql.countInstances.get(namespaceName, name)?.['n'] ?? 0);
      if (instances > 0) {
        throw new RegistryConflictError(
          `service ${name} in namespace ${namespaceName} still has ${instances} instance${instances === 1 ? '' : 's'}; deregister them first`,
        );
      }
      this.#sql.deleteService.run(namespaceName, name);
      changes.push({ kind: 'service', op: 'delete', namespaceName, serviceName: name });
      return service;
    });
  }

  async registerInstance(registration: InstanceRegistration): Promise<Created<Instance>> {
    const attributes = normalizeRegistration(registration);
    const { namespaceName, serviceName, instanceId } = registration;
    return this.#write((changes) => {
      this.#requireService(namespaceName, serviceName);
      const row = this.#sql.getInstance.get(namespaceName, serviceName, instanceId);
      const previous = row && instanceFromRow(row);
      if (!previous) this.#assertRoomFor(namespaceName, serviceName);
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
      this.#sql.upsertInstance.run(...instanceToParams(instance));
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
    this.#assertOpen();
    const row = this.#sql.getInstance.get(namespaceName, serviceName, instanceId);
    return row && instanceFromRow(row);
  }

  async listInstances(
    namespaceName: string,
    serviceName: string,
    filter?: InstanceFilter,
  ): Promise<Instance[]> {
    assertValid(serviceKey, { namespaceName, serviceName });
    this.#assertOpen();
    this.#requireService(namespaceName, serviceName);
    return this.#instancesOf(namespaceName, serviceName, filter);
  }

  async deregisterInstance(
    namespaceName: string,
    serviceName: string,
    instanceId: string,
  ): Promise<Instance> {
    assertValid(instanceKey, { namespaceName, serviceName, instanceId });
    return this.#write((changes) => {
      const instance = this.#requireInstance(namespaceName, serviceName, instanceId);
      this.#sql.deleteInstance.run(namespaceName, serviceName, instanceId);
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
    this.#assertOpen();
    return this.#instancesOf(query.namespaceName, query.serviceName, discoveryFilter(query));
  }

  onChange(listener: RegistryChangeListener): () => void {
    // A wrapper, so the same function subscribed twice gets two independent subscriptions.
    const entry: RegistryChangeListener = (change) => listener(change);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#db.close();
  }

  #instancesOf(namespaceName: string, serviceName: string, filter: InstanceFilter | undefined): Instance[] {
    return this.#sql.listInstances
      .all(namespaceName, serviceName)
      .map(instanceFromRow)
      .filter((instance) => matchesFilter(instance, filter));
  }

  #update(
    namespaceName: string,
    serviceName: string,
    instanceId: string,
    change: (instance: Instance) => Instance,
  ): Promise<Instance> {
    return this.#write((changes) => {
      const previous = this.#requireInstance(namespaceName, serviceName, instanceId);
      const instance = change(previous);
      this.#sql.upsertInstance.run(...instanceToParams(instance));
      if (!sameEndpoint(previous, instance)) {
        changes.push({ kind: 'instance', op: 'put', namespaceName, serviceName, instanceId, instance });
      }
      return instance;
    });
  }

  #assertRoomFor(namespaceName: string, serviceName: string): void {
    const count = Number(this.#sql.countInstances.get(namespaceName, serviceName)?.['n'] ?? 0);
    const max = this.#maxInstancesPerService;
    if (count >= max) {
      throw new RegistryLimitExceededError(
        `service ${serviceName} in namespace ${namespaceName} already has ${count} instances (quota instancesPerService = ${max}); deregister one or raise the quota with --quota instancesPerService=N`,
      );
    }
  }

  #requireNamespace(name: string): Namespace {
    const row = this.#sql.getNamespace.get(name);
    if (!row) throw new RegistryNotFoundError(`namespace ${name} does not exist`);
    return namespaceFromRow(row);
  }

  #requireService(namespaceName: string, name: string): Service {
    const row = this.#sql.getService.get(namespaceName, name);
    if (row) return serviceFromRow(row);
    this.#requireNamespace(namespaceName);
    throw new RegistryNotFoundError(`service ${name} does not exist in namespace ${namespaceName}`);
  }

  #requireInstance(namespaceName: string, serviceName: string, instanceId: string): Instance {
    const row = this.#sql.getInstance.get(namespaceName, serviceName, instanceId);
    if (row) return instanceFromRow(row);
    this.#requireService(namespaceName, serviceName);
    throw new RegistryNotFoundError(
      `instance ${instanceId} is not registered in service ${serviceName} of namespace ${namespaceName}`,
    );
  }

  /** Runs `work` in one transaction (all node:sqlite calls are synchronous), then tells the listeners. */
  async #write<T>(work: (changes: RegistryChange[]) => T): Promise<T> {
    this.#assertOpen();
    const changes: RegistryChange[] = [];
    this.#db.exec('BEGIN IMMEDIATE');
    let result: T;
    try {
      result = work(changes);
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
    for (const change of changes) {
      for (const listener of this.#listeners) {
        try {
          listener(change);
        } catch (error) {
          this.#onListenerError(error);
        }
      }
    }
    return result;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreUnavailableError(`registry ${this.path} is closed`);
  }
}
