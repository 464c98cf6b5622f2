// The registry's tables on the shared PostgreSQL database, versioned apart from the store's; append-only.

import type pg from 'pg';

const migrations: readonly string[] = [
  // Names compare as UTF-8 bytes ("C"), as SQLite orders them, so lists come back in the same order.
  `
  CREATE TABLE registry_namespaces (
    name text COLLATE "C" PRIMARY KEY,
    created_at_ms bigint NOT NULL
  );

  CREATE TABLE registry_services (
    namespace text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    created_at_ms bigint NOT NULL,
    PRIMARY KEY (namespace, name)
  );

  CREATE TABLE registry_instances (
    namespace text COLLATE "C" NOT NULL,
    service text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    address text NOT NULL,
    port integer NOT NULL,
    attributes text NOT NULL,
    health text NOT NULL CHECK (health IN ('HEALTHY', 'UNHEALTHY', 'UNKNOWN')),
    registered_at_ms bigint NOT NULL,
    last_heartbeat_ms bigint NOT NULL,
    PRIMARY KEY (namespace, service, id)
  );

  -- Every committed change, in commit order (writers serialize on an advisory lock): each replica's feed.
  CREATE TABLE registry_changes (
    seq bigserial PRIMARY KEY,
    change text NOT NULL
  );

  -- Which replica has an open xDS stream for which proxy token, so a lease expires only when no replica has one.
  CREATE TABLE registry_replicas (
    replica text PRIMARY KEY,
    heartbeat_ms bigint NOT NULL
  );
  CREATE TABLE registry_proxy_streams (
    token text NOT NULL,
    replica text NOT NULL,
    streams integer NOT NULL,
    PRIMARY KEY (token, replica)
  );
  `,
];

export const postgresRegistrySchemaVersion = migrations.length;

/** Advisory lock keys: distinct from the store's migration lock and from each other. */
export const registryLockKeys = {
  migration: 0x5377_7231,
  /** Held (per transaction) by every registry write, so change sequence numbers commit in order. */
  write: 0x5377_7232,
  /** Held by the replica that expires instances of gone proxies, so that runs once across replicas. */
  expiry: 0x5377_7233,
} as const;

/** Brings the registry tables up to date in one transaction; refuses tables of a newer release. */
export async function migratePostgresRegistrySchema(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [registryLockKeys.migration]);
    await client.query('CREATE TABLE IF NOT EXISTS registry_schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM registry_schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > postgresRegistrySchemaVersion) {
      throw new Error(
        `registry schema version ${current} is newer than this release understands (${postgresRegistrySchemaVersion})`,
      );
    }
    for (const migration of migrations.slice(current)) await client.query(migration);
    if (rows.length === 0) {
      await client.query('INSERT INTO registry_schema_version (version) VALUES ($1)', [
        postgresRegistrySchemaVersion,
      ]);
    } else if (current < postgresRegistrySchemaVersion) {
      await client.query('UPDATE registry_schema_version SET version = $1', [postgresRegistrySchemaVersion]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
