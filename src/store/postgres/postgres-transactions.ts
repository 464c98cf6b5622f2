// ReadTx and WriteTx over one PostgreSQL connection; the store opens and ends the surrounding transaction.

import type pg from 'pg';
import type { ResourceKey } from '../../model/resource-key.ts';
import type { ResourceRecord, StoredRecord } from '../../model/resource-record.ts';
import {
  StoreUnavailableError,
  type Change,
  type IdempotencyEntry,
  type Page,
  type ReadTx,
  type Scope,
  type WriteTx,
} from '../store.ts';
import { SerialQueue } from '../sqlite/serial-queue.ts';
import { keyOf, keyParams, recordBody, storedRecord } from '../sqlite/sqlite-statements.ts';

/** Reports any PostgreSQL failure as the store being unavailable (server down, connection lost, disk full, ...). */
export function postgresFailure(operation: string, error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(
    `PostgreSQL ${operation} failed: ${code && !message.includes(code) ? `${code} ` : ''}${message}`,
    { cause: error },
  );
}

const byKey = 'kind = $1 AND mesh = $2 AND parent = $3 AND name = $4';
const keyColumns = (prefix = ''): string =>
  ['kind', 'mesh', 'parent', 'name'].map((column) => prefix + column).join(', ');

/** Named statements: node-postgres prepares each once per connection. */
const sql = {
  get: `SELECT body, revision FROM resources WHERE ${byKey}`,
  listMeshes: `SELECT body, revision FROM resources WHERE kind = 'mesh' AND name > $1 ORDER BY name LIMIT $2`,
  listScoped: `SELECT body, revision FROM resources WHERE kind = $1 AND mesh = $2 AND parent = $3 AND name > $4
    ORDER BY name LIMIT $5`,
  countMeshes: `SELECT count(*)::int AS n FROM resources WHERE kind = 'mesh'`,
  countScoped: 'SELECT count(*)::int AS n FROM resources WHERE kind = $1 AND mesh = $2 AND parent = $3',
  referrers: `SELECT r.body, r.revision FROM refs
    JOIN resources r ON r.kind = refs.from_kind AND r.mesh = refs.from_mesh
      AND r.parent = refs.from_parent AND r.name = refs.from_name
    WHERE refs.to_kind = $1 AND refs.to_mesh = $2 AND refs.to_parent = $3 AND refs.to_name = $4
    ORDER BY r.kind, r.mesh, r.parent, r.name`,
  getIdempotency: 'SELECT request_hash, response, created_at FROM idempotency WHERE token = $1',
  upsert: `INSERT INTO resources (${keyColumns()}, body, revision) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (${keyColumns()}) DO UPDATE SET body = excluded.body, revision = excluded.revision`,
  delete: `DELETE FROM resources WHERE ${byKey}`,
  deleteRefsFrom:
    'DELETE FROM refs WHERE from_kind = $1 AND from_mesh = $2 AND from_parent = $3 AND from_name = $4',
  insertRefs: `INSERT INTO refs (${keyColumns('from_')}, ${keyColumns('to_')})
    SELECT $1, $2, $3, $4, t.* FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) AS t
    ON CONFLICT DO NOTHING`,
  insertChange: `INSERT INTO changes (revision, tx_start, op, ${keyColumns()}, body)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  putIdempotency: `INSERT INTO idempotency (token, request_hash, response, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (token) DO UPDATE SET request_hash = excluded.request_hash, response = excluded.response,
      created_at = excluded.created_at`,
} as const;

interface RecordRow {
  body: string;
  revision: string;
}

const rowToRecord = (row: RecordRow): StoredRecord => storedRecord(row.body, Number(row.revision));

export class PostgresReadTx implements ReadTx {
  protected readonly client: pg.ClientBase;
  /** A callback may run statements in parallel (Promise.all); one connection takes them one at a time. */
  readonly #statements = new SerialQueue();
  #ended = false;
  /** The first PostgreSQL failure; once set the transaction must not commit (PostgreSQL aborted it anyway). */
  failure: StoreUnavailableError | undefined;

  constructor(client: pg.ClientBase) {
    this.client = client;
  }

  end(): void {
    this.#ended = true;
  }

  /** Runs one named statement of the transaction, turning failures into StoreUnavailableError. */
  protected async query<R extends pg.QueryResultRow>(
    operation: string,
    name: keyof typeof sql,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    if (this.#ended) throw new Error(`${operation} called after its transaction ended`);
    try {
      return await this.#statements.run(() =>
        this.client.query<R>({ name: `switchyard_${name}`, text: sql[name], values }),
      );
    } catch (error) {
      const failure = postgresFailure(operation, error);
      this.failure ??= failure;
      throw failure;
    }
  }

  async get(key: ResourceKey): Promise<StoredRecord | undefined> {
    const { rows } = await this.query<RecordRow>('get', 'get', keyParams(key));
    return rows[0] ? rowToRecord(rows[0]) : undefined;
  }

  async list(scope: Scope, page: Page): Promise<StoredRecord[]> {
    if (page.limit <= 0) return [];
    const after = page.afterName ?? '';
    const { rows } =
      scope.kind === 'mesh'
        ? await this.query<RecordRow>('list', 'listMeshes', [after, page.limit])
        : await this.query<RecordRow>('list', 'listScoped', [
            scope.kind,
            scope.meshName ?? '',
            scope.parentName ?? '',
            after,
            page.limit,
          ]);
    return rows.map(rowToRecord);
  }

  async count(scope: Scope): Promise<number> {
    const { rows } =
      scope.kind === 'mesh'
        ? await this.query<{ n: number }>('count', 'countMeshes', [])
        : await this.query<{ n: number }>('count', 'countScoped', [
            scope.kind,
            scope.meshName ?? '',
            scope.parentName ?? '',
          ]);
    return rows[0]?.n ?? 0;
  }

  async referrers(key: ResourceKey): Promise<StoredRecord[]> {
    const { rows } = await this.query<RecordRow>('referrers', 'referrers', keyParams(key));
    return rows.map(rowToRecord);
  }

  async getIdempotency(token: string): Promise<IdempotencyEntry | undefined> {
    const { rows } = await this.query<{ request_hash: string; response: string; created_at: string }>(
      'getIdempotency',
      'getIdempotency',
      [token],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { requestHash: row.request_hash, response: row.response, createdAtMs: Number(row.created_at) };
  }
}

export class PostgresWriteTx extends PostgresReadTx implements WriteTx {
  /** Changes made so far, in revision order. */
  readonly changes: Change[] = [];
  readonly #firstRevision: number;
  #revision: number;

  /** `committedRevision` must be read under the store's write lock, so no other writer can take the next one. */
  constructor(client: pg.ClientBase, committedRevision: number) {
    super(client);
    this.#revision = committedRevision;
    this.#firstRevision = committedRevision + 1;
  }

  /** The revision of the last change made in this transaction (the committed one if none). */
  get revision(): number {
    return this.#revision;
  }

  async put(record: ResourceRecord, references: readonly ResourceKey[]): Promise<StoredRecord> {
    // Outside the query: a record JSON cannot encode is the caller's bug, not an unavailable store.
    const body = recordBody(record);
    const revision = this.#revision + 1;
    const key = keyParams(record);
    await this.query('put', 'upsert', [...key, body, revision]);
    await this.query('put', 'deleteRefsFrom', key);
    if (references.length > 0) {
      const targets = references.map(keyParams);
      await this.query('put', 'insertRefs', [...key, ...[0, 1, 2, 3].map((i) => targets.map((t) => t[i]))]);
    }
    await this.query('put', 'insertChange', [revision, this.#firstRevision, 'put', ...key, body]);
    this.#revision = revision;
    this.changes.push({ revision, op: 'put', key: keyOf(record), record: storedRecord(body, revision) });
    return storedRecord(body, revision);
  }

  async delete(key: ResourceKey): Promise<void> {
    const params = keyParams(key);
    const { rowCount } = await this.query('delete', 'delete', params);
    if (!rowCount) return;
    const revision = this.#revision + 1;
    await this.query('delete', 'deleteRefsFrom', params);
    await this.query('delete', 'insertChange', [revision, this.#firstRevision, 'delete', ...params, null]);
    this.#revision = revision;
    this.changes.push({ revision, op: 'delete', key: keyOf(key) });
  }

  async putIdempotency(token: string, entry: IdempotencyEntry): Promise<void> {
    await this.query('putIdempotency', 'putIdempotency', [
      token,
      entry.requestHash,
      entry.response,
      entry.createdAtMs,
    ]);
  }
}
