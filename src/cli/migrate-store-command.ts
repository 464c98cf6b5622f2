// `switchyard migrate-store --from sqlite:DIR --to postgres://…`: copies a one-machine control plane's data (every
// resource as stored: versions, ARNs, uids, timestamps, tags; and the instance registry) into an empty PostgreSQL
// database, so a team that started small moves to replicas without re-creating anything.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError, parseStoreOption } from '../controlplane/control-plane-config.ts';
import { referencesOf } from '../model/references.ts';
import { kindNames, kinds, type KindName } from '../model/resource-kinds.ts';
import type { StoredRecord } from '../model/resource-record.ts';
import { PostgresRegistryStore } from '../registry/postgres-registry-store.ts';
import type { Instance, Namespace, Service } from '../registry/registry-model.ts';
import type { RegistryStore } from '../registry/registry-store.ts';
import { SqliteRegistryStore } from '../registry/sqlite-registry-store.ts';
import { PostgresStore, redactDatabaseUrl } from '../store/postgres/postgres-store.ts';
import { DataDirInUseError } from '../store/sqlite/data-dir-lock.ts';
import { databaseFileName, SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { StoreUnavailableError, type ReadTx, type Scope, type Store } from '../store/store.ts';
import { CliError, runAction } from './cli-error.ts';

export interface CopySummary {
  readonly resources: number;
  readonly byKind: Readonly<Record<KindName, number>>;
  readonly namespaces: number;
  readonly services: number;
  readonly instances: number;
}

const pageSize = 500;

async function listAll(tx: ReadTx, scope: Scope): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  for (;;) {
    const page = await tx.list(scope, { afterName: all.at(-1)?.name, limit: pageSize });
    all.push(...page);
    if (page.length < pageSize) return all;
  }
}

/** Every record of the store, parents before children (meshes, then each mesh's kinds, routes after routers). */
export async function readAllRecords(store: Store): Promise<StoredRecord[]> {
  return store.read(async (tx) => {
    const meshes = await listAll(tx, { kind: 'mesh' });
    const records = [...meshes];
    for (const mesh of meshes) {
      for (const kind of kindNames) {
        const descriptor = kinds[kind];
        if (kind === 'mesh') continue;
        if (!descriptor.parentKind) {
          records.push(...(await listAll(tx, { kind, meshName: mesh.name })));
          continue;
        }
        const parents = records.filter((r) => r.kind === descriptor.parentKind && r.meshName === mesh.name);
        for (const parent of parents)
          records.push(...(await listAll(tx, { kind, meshName: mesh.name, parentName: parent.name })));
      }
    }
    return records;
  });
}

async function readRegistry(
  registry: RegistryStore,
): Promise<{ namespaces: Namespace[]; services: Service[]; instances: Instance[] }> {
  const namespaces = await registry.listNamespaces();
  const services: Service[] = [];
  const instances: Instance[] = [];
  for (const namespace of namespaces) {
    for (const service of await registry.listServices(namespace.name)) {
      services.push(service);
      instances.push(...(await registry.listInstances(namespace.name, service.name)));
    }
  }
  return { namespaces, services, instances };
}

/**
 * Copies every record and the registry from the SQLite data dir into the PostgreSQL database, which must be
 * empty (no revision, no registry entry): the records in one transaction, the registry in another. Records keep
 * their bodies byte for byte; only the store revisions are numbered anew (proxies resume on content versions).
 */
export async function copyStore(dataDir: string, url: string): Promise<CopySummary> {
  // Opening would create an empty store: a mistyped directory must not "succeed" with nothing copied.
  if (!existsSync(join(dataDir, databaseFileName)))
    throw new CliError(
      `${dataDir} holds no Switchyard store (${databaseFileName}): pass the control plane's --data-dir`,
    );
  const source = await SqliteStore.open({ dataDir });
  let sourceRegistry: SqliteRegistryStore | undefined;
  let target: PostgresStore | undefined;
  let targetRegistry: PostgresRegistryStore | undefined;
  try {
    sourceRegistry = await SqliteRegistryStore.open({ dataDir, onWarning: () => undefined });
    target = await PostgresStore.open({ url, onConnectionError: () => undefined });
    targetRegistry = await PostgresRegistryStore.open({ url, onConnectionError: () => undefined });
    const revision = await target.currentRevision();
    const held = (await targetRegistry.listNamespaces()).length;
    if (revision > 0 || held > 0)
      throw new CliError(
        `${redactDatabaseUrl(url)} is not empty (store revision ${revision}, ${held} registry namespaces): ` +
          'migrate-store only fills an empty database; create a new one (createdb) and point --to at it',
      );
    const records = await readAllRecords(source);
    const registry = await readRegistry(sourceRegistry);
    await target.write(async (tx) => {
      for (const { revision: _revision, ...record } of records)
        await tx.put(record, referencesOf(record, record.spec));
    });
    await targetRegistry.restore(registry);
    const byKind = Object.fromEntries(kindNames.map((k) => [k, 0])) as Record<KindName, number>;
    for (const record of records) byKind[record.kind]++;
    return {
      resources: records.length,
      byKind,
      namespaces: registry.namespaces.length,
      services: registry.services.length,
      instances: registry.instances.length,
    };
  } finally {
    await targetRegistry?.close();
    await target?.close();
    await sourceRegistry?.close();
    await source.close();
  }
}

function parseFrom(value: string): string {
  const m = /^sqlite:(.+)$/.exec(value);
  if (!m)
    throw new CliError(
      `--from must be sqlite:DIR (the control plane's --data-dir), got ${JSON.stringify(value)}`,
    );
  return m[1]!;
}

function parseTo(value: string): string {
  let url: string | undefined;
  try {
    url = parseStoreOption(value);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message.replace('--store', '--to'));
    throw error;
  }
  if (!url) throw new CliError('--to must be a postgres://user:password@host:port/database URL');
  return url;
}

export function migrateStoreCommand(): Command {
  return new Command('migrate-store')
    .description(
      "copy a SQLite control plane's resources and registry into an empty PostgreSQL database " +
        '(stop the control plane first)',
    )
    .addOption(
      new Option('--from <sqlite:DIR>', 'the data dir of the SQLite control plane').makeOptionMandatory(),
    )
    .addOption(
      new Option('--to <postgres-url>', 'an empty PostgreSQL database (also SWITCHYARD_DATABASE_URL)')
        .env('SWITCHYARD_DATABASE_URL')
        .makeOptionMandatory(),
    )
    .action(
      runAction(async (options: { from: string; to: string }) => {
        const dataDir = parseFrom(options.from);
        const url = parseTo(options.to);
        let summary: CopySummary;
        try {
          summary = await copyStore(dataDir, url);
        } catch (error) {
          if (error instanceof DataDirInUseError || (error as Error).cause instanceof DataDirInUseError)
            throw new CliError(`${(error as Error).message}: stop that control plane first`);
          // The message already names the cause and the database without its password.
          if (error instanceof StoreUnavailableError) throw new CliError(error.message);
          throw error;
        }
        const kindsCopied = kindNames
          .filter((k) => summary.byKind[k] > 0)
          .map((k) => `${summary.byKind[k]} ${k}`)
          .join(', ');
        process.stdout.write(
          `copied ${summary.resources} resources (${kindsCopied || 'none'}), ${summary.namespaces} namespaces, ` +
            `${summary.services} services and ${summary.instances} instances from ${dataDir} to ${redactDatabaseUrl(url)}\n`,
        );
      }),
    );
}
