// ReadTx and WriteTx over one SQLite connection; the store opens and ends the surrounding transaction.

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
import {
  keyOf,
  keyParams,
  recordBody,
  rowToRecord,
  storedRecord,
  type SqliteStatements,
} from './sqlite-statements.ts';

/** Runs a SQLite call, reporting its failure as the store being unavailable (disk full, I/O error, ...). */
export function sqlite<T>(operation: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`SQLite ${operation} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export class SqliteReadTx implements ReadTx {
  protected readonly statements: SqliteStatements;
  #ended = false;
  /** The first SQLite failure; once set the transaction must not commit. */
  failure: StoreUnavailableError | undefined;

  constructor(statements: SqliteStatements) {
    this.statements = statements;
  }

  end(): void {
    this.#ended = true;
  }

  /** Runs one step of the transaction, turning SQLite failures into StoreUnavailableError. */
  protected step<T>(operation: string, body: () => T): T {
    if (this.#ended) throw new Error(`${operation} called after its transaction ended`);
    try {
      return sqlite(operation, body);
    } catch (error) {
      this.failure ??= error as StoreUnavailableError;
      throw error;
    }
  }

  async get(key: ResourceKey): Promise<StoredRecord | undefined> {
    return this.step('get', () => {
      const row = this.statements.getResource.get(...keyParams(key));
      return row ? rowToRecord(row) : undefined;
    });
  }

  async list(scope: Scope, page: Page): Promise<StoredRecord[]> {
    return this.step('list', () => {
      if (page.limit <= 0) return [];
      const after = page.afterName ?? '';
      const rows =
        scope.kind === 'mesh'
          ? this.statements.listMeshes.all(after, page.limit)
          : this.statements.listScoped.all(
              scope.kind,
              scope.meshName ?? '',
              scope.parentName ?? '',
              after,
              page.limit,
            );
      return rows.map(rowToRecord);
    });
  }

  async count(scope: Scope): Promise<number> {
    return this.step('count', () => {
      const row =
        scope.kind === 'mesh'
          ? this.statements.countMeshes.get()
          : this.statements.countScoped.get(scope.kind, scope.meshName ?? '', scope.parentName ?? '');
      return Number(row?.['n'] ?? 0);
    });
  }

  async referrers(key: ResourceKey): Promise<StoredRecord[]> {
    return this.step('referrers', () => this.statements.referrers.all(...keyParams(key)).map(rowToRecord));
  }

  async getIdempotency(token: string): Promise<IdempotencyEntry | undefined> {
    return this.step('getIdempotency', () => {
      const row = this.statements.getIdempotency.get(token);
      if (!row) return undefined;
      return {
        requestHash: String(row['request_hash']),
        response: String(row['response']),
        createdAtMs: Number(row['created_at']),
      };
    });
  }
}

export class SqliteWriteTx extends SqliteReadTx implements WriteTx {
  /** Changes made so far, in revision order; published once the transaction commits. */
  readonly changes: Change[] = [];
  readonly #firstRevision: number;
  #revision: number;

  constructor(statements: SqliteStatements, committedRevision: number) {
    super(statements);
    this.#revision = committedRevision;
    this.#firstRevision = committedRevision + 1;
  }

  /** The revision of the last change made in this transaction (the committed one if none). */
  get revision(): number {
    return this.#revision;
  }

  async put(record: ResourceRecord, references: readonly ResourceKey[]): Promise<StoredRecord> {
    // Outside the SQLite step: a record JSON cannot encode is the caller's bug, not an unavailable store.
    const body = recordBody(record);
    return this.step('put', () => {
      const revision = this.#revision + 1;
      const key = keyParams(record);
      this.statements.upsertResource.run(...key, body, revision);
      this.statements.deleteRefsFrom.run(...key);
      for (const target of references) this.statements.insertRef.run(...key, ...keyParams(target));
      this.statements.insertChange.run(revision, this.#firstRevision, 'put', ...key, body);
      this.#revision = revision;
      this.changes.push({ revision, op: 'put', key: keyOf(record), record: storedRecord(body, revision) });
      return storedRecord(body, revision);
    });
  }

  async delete(key: ResourceKey): Promise<void> {
    this.step('delete', () => {
      const params = keyParams(key);
      const { changes } = this.statements.deleteResource.run(...params);
      if (Number(changes) === 0) return;
      const revision = this.#revision + 1;
      this.statements.deleteRefsFrom.run(...params);
      this.statements.insertChange.run(revision, this.#firstRevision, 'delete', ...params, null);
      this.#revision = revision;
      this.changes.push({ revision, op: 'delete', key: keyOf(key) });
    });
  }

  async putIdempotency(token: string, entry: IdempotencyEntry): Promise<void> {
    this.step('putIdempotency', () => {
      this.statements.putIdempotency.run(token, entry.requestHash, entry.response, entry.createdAtMs);
    });
  }
}
