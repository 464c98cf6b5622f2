// Prepared statements of one connection and the mapping between rows and records.

import type { DatabaseSync, SQLOutputValue, StatementSync } from 'node:sqlite';
import type { ResourceKey } from '../../model/resource-key.ts';
import type { ResourceRecord, StoredRecord } from '../../model/resource-record.ts';

type Row = Record<string, SQLOutputValue>;

const keyColumns = (prefix = ''): string =>
  ['kind', 'mesh', 'parent', 'name'].map((column) => prefix + column).join(', ');

export class SqliteStatements {
  readonly getResource: StatementSync;
  readonly listMeshes: StatementSync;
  readonly listScoped: StatementSync;
  readonly countMeshes: StatementSync;
  readonly countScoped: StatementSync;
  readonly referrers: StatementSync;
  readonly getIdempotency: StatementSync;
  readonly upsertResource: StatementSync;
  readonly deleteResource: StatementSync;
  readonly deleteRefsFrom: StatementSync;
  readonly insertRef: StatementSync;
  readonly insertChange: StatementSync;
  readonly putIdempotency: StatementSync;
  readonly pruneIdempotency: StatementSync;
  readonly readMeta: StatementSync;
  readonly writeMeta: StatementSync;
  readonly compactChanges: StatementSync;
  readonly changesAfter: StatementSync;
  readonly changesOfTxAfter: StatementSync;

  constructor(db: DatabaseSync) {
    const byKey = 'kind = ? AND mesh = ? AND parent = ? AND name = ?';
    this.getResource = db.prepare(`SELECT body, revision FROM resources WHERE ${byKey}`);
    this.listMeshes = db.prepare(
      `SELECT body, revision FROM resources WHERE kind = 'mesh' AND name > ? ORDER BY name LIMIT ?`,
    );
    this.listScoped = db.prepare(
      `SELECT body, revision FROM resources WHERE kind = ? AND mesh = ? AND parent = ? AND name > ?
       ORDER BY name LIMIT ?`,
    );
    this.countMeshes = db.prepare(`SELECT count(*) AS n FROM resources WHERE kind = 'mesh'`);
    this.countScoped = db.prepare(
      'SELECT count(*) AS n FROM resources WHERE kind = ? AND mesh = ? AND parent = ?',
    );
    this.referrers = db.prepare(
      `SELECT r.body, r.revision FROM refs
       JOIN resources r ON r.kind = refs.from_kind AND r.mesh = refs.from_mesh
         AND r.parent = refs.from_parent AND r.name = refs.from_name
       WHERE refs.to_kind = ? AND refs.to_mesh = ? AND refs.to_parent = ? AND refs.to_name = ?
       ORDER BY r.kind, r.mesh, r.parent, r.name`,
    );
    this.getIdempotency = db.prepare(
      'SELECT request_hash, response, created_at FROM idempotency WHERE token = ?',
    );
    this.upsertResource = db.prepare(
      `INSERT INTO resources (${keyColumns()}, body, revision) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET body = excluded.body, revision = excluded.revision`,
    );
    this.deleteResource = db.prepare(`DELETE FROM resources WHERE ${byKey}`);
    this.deleteRefsFrom = db.prepare(
      'DELETE FROM refs WHERE from_kind = ? AND from_mesh = ? AND from_parent = ? AND from_name = ?',
    );
    this.insertRef = db.prepare(
      `INSERT OR IGNORE INTO refs (${keyColumns('from_')}, ${keyColumns('to_')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertChange = db.prepare(
      `INSERT INTO changes (revision, tx_start, op, ${keyColumns()}, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.putIdempotency = db.prepare(
      `INSERT INTO idempotency (token, request_hash, response, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET request_hash = excluded.request_hash, response = excluded.response,
         created_at = excluded.created_at`,
    );
    this.pruneIdempotency = db.prepare('DELETE FROM idempotency WHERE created_at < ?');
    this.readMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.writeMeta = db.prepare('UPDATE meta SET value = ? WHERE key = ?');
    this.compactChanges = db.prepare('DELETE FROM changes WHERE revision <= ?');
    this.changesAfter = db.prepare(
      `SELECT revision, tx_start, op, ${keyColumns()}, body FROM changes WHERE revision > ? ORDER BY revision LIMIT ?`,
    );
    this.changesOfTxAfter = db.prepare(
      `SELECT revision, tx_start, op, ${keyColumns()}, body FROM changes WHERE tx_start = ? AND revision > ?
       ORDER BY revision`,
    );
  }
}

export function keyParams(key: ResourceKey): [string, string, string, string] {
  return [key.kind, key.meshName, key.parentName, key.name];
}

export function keyOf(key: ResourceKey): ResourceKey {
  return { kind: key.kind, meshName: key.meshName, parentName: key.parentName, name: key.name };
}

/** Only the record's own members are stored, so a StoredRecord passed back to `put` loses its old revision. */
export function recordBody(record: ResourceRecord): string {
  const body: ResourceRecord = {
    ...keyOf(record),
    arn: record.arn,
    uid: record.uid,
    version: record.version,
    createdAtMs: record.createdAtMs,
    lastUpdatedAtMs: record.lastUpdatedAtMs,
    meshOwner: record.meshOwner,
    resourceOwner: record.resourceOwner,
    spec: record.spec,
    tags: record.tags.map(({ key, value }) => ({ key, value })),
  };
  return JSON.stringify(body);
}

export function storedRecord(body: string, revision: number): StoredRecord {
  return { ...(JSON.parse(body) as ResourceRecord), revision };
}

export function rowToRecord(row: Row): StoredRecord {
  return storedRecord(String(row['body']), Number(row['revision']));
}
