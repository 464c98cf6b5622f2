// The registry database schema, versioned through SQLite's user_version; migrations are append-only.

import type { DatabaseSync } from 'node:sqlite';

const migrations: readonly string[] = [
  `
  CREATE TABLE namespaces (
    name TEXT PRIMARY KEY,
    created_at_ms INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE services (
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (namespace, name)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE instances (
    namespace TEXT NOT NULL,
    service TEXT NOT NULL,
    id TEXT NOT NULL,
    address TEXT NOT NULL,
    port INTEGER NOT NULL,
    attributes TEXT NOT NULL,
    health TEXT NOT NULL CHECK (health IN ('HEALTHY', 'UNHEALTHY', 'UNKNOWN')),
    registered_at_ms INTEGER NOT NULL,
    last_heartbeat_ms INTEGER NOT NULL,
    PRIMARY KEY (namespace, service, id)
  ) STRICT, WITHOUT ROWID;
  `,
];

/** Brings the database up to date in one transaction; refuses a file written by a newer release. */
export function applyRegistrySchema(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = Number(db.prepare('PRAGMA user_version').get()?.['user_version'] ?? 0);
    if (current > migrations.length) {
      throw new Error(`registry schema version ${current} is newer than this release (${migrations.length})`);
    }
    for (const migration of migrations.slice(current)) db.exec(migration);
    // PRAGMA takes no bound parameters; the value is our own integer.
    db.exec(`PRAGMA user_version = ${migrations.length}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
