// The SQLite schema as an ordered list of migrations, applied once each and recorded in schema_version.

import type { DatabaseSync } from 'node:sqlite';

/** Migration n (0-based) brings the schema from version n to n + 1. Append only; never edit a shipped one. */
const migrations: readonly string[] = [
  `
  CREATE TABLE resources (
    kind TEXT NOT NULL,
    mesh TEXT NOT NULL,
    parent TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (kind, mesh, parent, name)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE refs (
    from_kind TEXT NOT NULL,
    from_mesh TEXT NOT NULL,
    from_parent TEXT NOT NULL,
    from_name TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_mesh TEXT NOT NULL,
    to_parent TEXT NOT NULL,
    to_name TEXT NOT NULL,
    PRIMARY KEY (from_kind, from_mesh, from_parent, from_name, to_kind, to_mesh, to_parent, to_name)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX refs_by_target ON refs (to_kind, to_mesh, to_parent, to_name);

  CREATE TABLE changes (
    revision INTEGER PRIMARY KEY,
    tx_start INTEGER NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('put', 'delete')),
    kind TEXT NOT NULL,
    mesh TEXT NOT NULL,
    parent TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT
  ) STRICT;

  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('revision', 0), ('compacted_through', 0);

  CREATE TABLE idempotency (
    token TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX idempotency_by_age ON idempotency (created_at);
  `,
  // The built-in CA's roots and their private keys (src/ca/certificate-authority.ts owns the body).
  `
  CREATE TABLE certificate_authorities (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
  ) STRICT;
  `,
  // Proxy token signing keys and revocations (src/api/auth/proxy-token-authority.ts owns both).
  `
  CREATE TABLE proxy_token_keys (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    secret TEXT NOT NULL
  ) STRICT;

  CREATE TABLE proxy_token_revocations (
    token_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL
  ) STRICT;
  `,
];

export const schemaVersion = migrations.length;

/** Brings the database to `schemaVersion` in one transaction; refuses a database from a newer release. */
export function applySchema(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT');
    const row = db.prepare('SELECT version FROM schema_version').get();
    const current = row ? Number(row['version']) : 0;
    if (current > schemaVersion) {
      throw new Error(`schema version ${current} is newer than this release understands (${schemaVersion})`);
    }
    for (const migration of migrations.slice(current)) db.exec(migration);
    if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(schemaVersion);
    else if (current < schemaVersion) db.prepare('UPDATE schema_version SET version = ?').run(schemaVersion);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
