// The PostgreSQL schema as an ordered list of migrations, applied once each under an advisory lock.

import type pg from 'pg';

/** Migration n (0-based) brings the schema from version n to n + 1. Append only; never edit a shipped one. */
const migrations: readonly string[] = [
  // Names use the "C" collation so ORDER BY and `>` compare UTF-8 bytes, as the Store contract requires.
  `
  CREATE TABLE resources (
    kind text NOT NULL,
    mesh text NOT NULL,
    parent text NOT NULL,
    name text COLLATE "C" NOT NULL,
    body text NOT NULL,
    revision bigint NOT NULL,
    PRIMARY KEY (kind, mesh, parent, name)
  );

  CREATE TABLE refs (
    from_kind text NOT NULL,
    from_mesh text NOT NULL,
    from_parent text NOT NULL,
    from_name text NOT NULL,
    to_kind text NOT NULL,
    to_mesh text NOT NULL,
    to_parent text NOT NULL,
    to_name text NOT NULL,
    PRIMARY KEY (from_kind, from_mesh, from_parent, from_name, to_kind, to_mesh, to_parent, to_name)
  );
  CREATE INDEX refs_by_target ON refs (to_kind, to_mesh, to_parent, to_name);

  CREATE TABLE changes (
    revision bigint PRIMARY KEY,
    tx_start bigint NOT NULL,
    op text NOT NULL CHECK (op IN ('put', 'delete')),
    kind text NOT NULL,
    mesh text NOT NULL,
    parent text NOT NULL,
    name text NOT NULL,
    body text
  );

  CREATE TABLE meta (key text PRIMARY KEY, value bigint NOT NULL);
  INSERT INTO meta (key, value) VALUES ('revision', 0), ('compacted_through', 0);

  CREATE TABLE idempotency (
    token text PRIMARY KEY,
    request_hash text NOT NULL,
    response text NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE INDEX idempotency_by_age ON idempotency (created_at);
  `,
  // The built-in CA's roots and their private keys (src/ca/certificate-authority.ts owns the body).
  `
  CREATE TABLE certificate_authorities (
    id text PRIMARY KEY,
    created_at bigint NOT NULL,
    body text NOT NULL
  );
  `,
  // Proxy token signing keys and revocations (src/api/auth/proxy-token-authority.ts owns both).
  `
  CREATE TABLE proxy_token_keys (
    id text PRIMARY KEY,
    created_at bigint NOT NULL,
    secret text NOT NULL
  );

  CREATE TABLE proxy_token_revocations (
    token_id text PRIMARY KEY,
    expires_at bigint NOT NULL,
    revoked_at bigint NOT NULL
  );
  `,
];

export const postgresSchemaVersion = migrations.length;

/** Any fixed number works; it only has to differ from other advisory locks taken on the same database. */
const migrationLockKey = 0x5377_6d31;

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/**
 * Brings the database to `postgresSchemaVersion` in one transaction. Replicas starting together serialize on an
 * advisory lock, so exactly one of them migrates. A database from a newer release is refused untouched.
 */
export async function migratePostgresSchema(client: pg.ClientBase): Promise<MigrationResult> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > postgresSchemaVersion) {
      throw new Error(
        `schema version ${current} is newer than this release understands (${postgresSchemaVersion})`,
      );
    }
    for (const migration of migrations.slice(current)) await client.query(migration);
    if (rows.length === 0) {
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [postgresSchemaVersion]);
    } else if (current < postgresSchemaVersion) {
      await client.query('UPDATE schema_version SET version = $1', [postgresSchemaVersion]);
    }
    await client.query('COMMIT');
    return { from: current, to: postgresSchemaVersion };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
