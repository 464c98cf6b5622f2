// The shared store: PostgreSQL holds records, the global revision and the change history for every replica.

import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { KindName } from '../../model/resource-kinds.ts';
import { SerialQueue } from '../sqlite/serial-queue.ts';
import { storedRecord } from '../sqlite/sqlite-statements.ts';
import {
  StoreUnavailableError,
  type Change,
  type ReadTx,
  type StoredAuthority,
  type StoredRevocation,
  type StoredTokenKey,
  type Store,
  type Watch,
  type WatchHandlers,
  type WriteTx,
} from '../store.ts';
import { ChangeNotifications, changesChannel } from './change-notifications.ts';
import { PostgresChangeFeed } from './postgres-change-feed.ts';
import { migratePostgresSchema, type MigrationResult } from './postgres-schema.ts';
import { PostgresReadTx, PostgresWriteTx, postgresFailure } from './postgres-transactions.ts';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (any form node-postgres accepts). */
  readonly url: string;
  /** How many change rows to keep for watchers that resume from an old revision (default 100000). */
  readonly changeHistoryLimit?: number;
  /** Writes that may wait for their turn before new ones are refused as unavailable (default 1000). */
  readonly maxQueuedWrites?: number;
  /** Most connections this replica opens for reads and writes (default 10), plus one for LISTEN. */
  readonly maxConnections?: number;
  /** Bound on connecting and on any one statement (default 10000 ms). */
  readonly timeoutMs?: number;
  /** Gets what a watch handler threw; the feed carries on. Defaults to a process warning. */
  readonly onHandlerError?: (error: unknown) => void;
  /** Gets connection trouble (lost LISTEN connection, failed catch-up); the store retries by itself. */
  readonly onConnectionError?: (error: unknown) => void;
}

/** Which kind of store callback the current async context runs in; used to refuse self-deadlocking calls. */
const insideStore = new AsyncLocalStorage<'read' | 'write'>();

/** The URL without its password, for messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

interface ChangeRow {
  revision: string;
  tx_start: string;
  op: 'put' | 'delete';
  kind: string;
  mesh: string;
  parent: string;
  name: string;
  body: string | null;
}

function rowToChange(row: ChangeRow): Change {
  const revision = Number(row.revision);
  const key = { kind: row.kind as KindName, meshName: row.mesh, parentName: row.parent, name: row.name };
  return row.op === 'put'
    ? { revision, op: 'put', key, record: storedRecord(row.body!, revision) }
    : { revision, op: 'delete', key };
}

/** A checked-out connection whose own statements report failures as StoreUnavailableError. */
class Connection {
  readonly client: pg.PoolClient;
  /** Set once a statement failed: the pool must not hand this connection out again. */
  broken: Error | undefined;

  constructor(client: pg.PoolClient) {
    this.client = client;
  }

  async run<R extends pg.QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.client.query<R>(text, values);
    } catch (error) {
      const failure = postgresFailure(operation, error);
      this.broken ??= failure;
      throw failure;
    }
  }
}

const changeColumns = 'revision, tx_start, op, kind, mesh, parent, name, body';

export class PostgresStore implements Store {
  /** The database URL with its password hidden. */
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #notifications: ChangeNotifications;
  readonly #feed: PostgresChangeFeed;
  readonly #historyLimit: number;
  readonly #writes = new SerialQueue();
  readonly #maxQueuedWrites: number;
  #queuedWrites = 0;
  readonly #reads = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;
  #disconnected = false;

  /** Connects, applies pending migrations and starts following changes; fails with StoreUnavailableError. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const historyLimit = options.changeHistoryLimit ?? 100_000;
    if (!Number.isSafeInteger(historyLimit) || historyLimit < 1) {
      throw new RangeError(`changeHistoryLimit must be a positive integer, got ${historyLimit}`);
    }
    const maxQueuedWrites = options.maxQueuedWrites ?? 1000;
    if (!Number.isSafeInteger(maxQueuedWrites) || maxQueuedWrites < 1) {
      throw new RangeError(`maxQueuedWrites must be a positive integer, got ${maxQueuedWrites}`);
    }
    const location = redactDatabaseUrl(options.url);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const clientConfig: pg.ClientConfig = {
      connectionString: options.url,
      connectionTimeoutMillis: timeoutMs,
      application_name: 'switchyard',
    };
    const pool = new pg.Pool({
      ...clientConfig,
      max: options.maxConnections ?? 10,
      keepAlive: true,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs + 1000,
      // A replica that stalls inside a write must not hold the revision lock forever.
      idle_in_transaction_session_timeout: 6 * timeoutMs,
    });
    // An idle connection the server dropped; the pool discards it and the next checkout reconnects.
    pool.on('error', () => {});
    const onConnectionError =
      options.onConnectionError ??
      ((error: unknown) => process.emitWarning(`PostgreSQL store: ${(error as Error).message}`));
    let notifications: ChangeNotifications | undefined;
    try {
      const client = await pool.connect();
      let revision: number;
      try {
        await migratePostgresSchema(client);
        const { rows } = await client.query<{ value: string }>(
          `SELECT value FROM meta WHERE key = 'revision'`,
        );
        revision = Number(rows[0]!.value);
      } finally {
        client.release();
      }
      const holder: { store?: PostgresStore } = {};
      notifications = await ChangeNotifications.start({
        clientConfig,
        onWake: () => {
          if (holder.store) holder.store.#feed.wake();
        },
        onConnectionError,
      });
      const store = new PostgresStore(
        location,
        pool,
        notifications,
        revision,
        historyLimit,
        maxQueuedWrites,
        {
          onHandlerError:
            options.onHandlerError ??
            ((error) => process.emitWarning(`store watch handler threw: ${(error as Error).message}`)),
          onCatchUpError: onConnectionError,
        },
      );
      // Catches up with anything committed between reading the revision and LISTEN starting.
      holder.store = store;
      store.#feed.wake();
      return store;
    } catch (error) {
      await notifications?.close();
      await pool.end().catch(() => {});
      throw new StoreUnavailableError(
        `cannot open store ${location}: ${postgresFailure('open', error).message}`,
        { cause: error },
      );
    }
  }

  /** Applies pending schema migrations and disconnects (`switchyard migrate`); fails with StoreUnavailableError. */
  static async migrate(url: string, timeoutMs = 10_000): Promise<MigrationResult> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    client.on('error', () => {});
    try {
      await client.connect();
      return await migratePostgresSchema(client);
    } catch (error) {
      throw new StoreUnavailableError(
        `cannot migrate ${redactDatabaseUrl(url)}: ${postgresFailure('migrate', error).message}`,
        { cause: error },
      );
    } finally {
      await client.end().catch(() => {});
    }
  }

  private constructor(
    location: string,
    pool: pg.Pool,
    notifications: ChangeNotifications,
    revision: number,
    historyLimit: number,
    maxQueuedWrites: number,
    feedOptions: { onHandlerError: (error: unknown) => void; onCatchUpError: (error: unknown) => void },
  ) {
    this.location = location;
    this.#pool = pool;
    this.#notifications = notifications;
    this.#historyLimit = historyLimit;
    this.#maxQueuedWrites = maxQueuedWrites;
    this.#feed = new PostgresChangeFeed(
      {
        readBatches: (after, through, limit) => this.#readBatches(after, through, limit),
        readPosition: () => this.#readPosition(),
      },
      revision,
      feedOptions,
    );
  }

  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    const reading = this.#enter('read', () =>
      this.#withClient(async (connection) => {
        await connection.run('begin', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const tx = new PostgresReadTx(connection.client);
        try {
          return await insideStore.run('read', () => work(tx));
        } finally {
          tx.end();
          if (tx.failure) connection.broken ??= tx.failure;
          // A read transaction has nothing to lose; a failing COMMIT only means the connection is gone.
          await connection.run('commit', 'COMMIT').catch(() => {});
        }
      }),
    );
    this.#reads.add(reading);
    const forget = (): void => void this.#reads.delete(reading);
    reading.then(forget, forget);
    return reading;
  }

  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.#enter('write', () => {
      // While PostgreSQL is slow or away writes pile up here; past the bound they fail fast instead.
      if (this.#queuedWrites >= this.#maxQueuedWrites) {
        throw new StoreUnavailableError(
          `${this.#queuedWrites} writes are already waiting for PostgreSQL; refusing more until they finish`,
        );
      }
      this.#queuedWrites++;
      const written = this.#writes.run(() => {
        this.#assertConnected();
        return this.#withClient(async (connection) => {
          await connection.run('begin', 'BEGIN');
          try {
            // Row locks on meta serialize writers across every replica, so revisions commit in order.
            const { rows } = await connection.run<{ key: string; value: string }>(
              'begin',
              `SELECT key, value FROM meta WHERE key IN ('revision', 'compacted_through') FOR UPDATE`,
            );
            const meta = new Map(rows.map((row) => [row.key, Number(row.value)]));
            const committed = meta.get('revision') ?? 0;
            const tx = new PostgresWriteTx(connection.client, committed);
            let result: T;
            try {
              result = await insideStore.run('write', () => work(tx));
            } finally {
              tx.end();
            }
            if (tx.failure) throw tx.failure;
            if (tx.revision > committed) {
              await this.#recordRevision(connection, tx.revision, meta.get('compacted_through') ?? 0);
            }
            // If the connection drops here the outcome is unknown; the caller is told the store failed.
            await connection.run('commit', 'COMMIT');
            if (tx.revision > committed) this.#feed.wake();
            return result;
          } catch (error) {
            await connection.run('rollback', 'ROLLBACK').catch(() => {});
            throw error;
          }
        });
      });
      return written.finally(() => this.#queuedWrites--);
    });
  }

  async currentRevision(): Promise<number> {
    this.#assertOpen();
    return (await this.#readPosition()).revision;
  }

  watch(fromRevision: number, handlers: WatchHandlers): Watch {
    this.#assertOpen();
    // Outside any store callback, so handlers may call read() and write().
    return insideStore.exit(() => this.#feed.watch(fromRevision, handlers));
  }

  pruneIdempotency(olderThanMs: number): Promise<number> {
    return this.#enter('write', () =>
      this.#withClient(async (connection) => {
        const { rowCount } = await connection.run(
          'pruneIdempotency',
          'DELETE FROM idempotency WHERE created_at < $1',
          [olderThanMs],
        );
        return rowCount ?? 0;
      }),
    );
  }

  listAuthorities(): Promise<StoredAuthority[]> {
    return this.#enter('read', () =>
      this.#withClient(async (connection) => {
        const { rows } = await connection.run<{ id: string; created_at: string; body: string }>(
          'listAuthorities',
          'SELECT id, created_at, body FROM certificate_authorities ORDER BY created_at, id',
        );
        return rows.map((row) => ({ id: row.id, createdAtMs: Number(row.created_at), body: row.body }));
      }),
    );
  }

  insertAuthority(authority: StoredAuthority, options: { readonly onlyIfNone: boolean }): Promise<boolean> {
    return this.#enter('write', () =>
      this.#withClient(async (connection) => {
        await connection.run('insertAuthority', 'BEGIN');
        try {
          // Replicas starting together on an empty table: the lock makes exactly one of them create the root.
          await connection.run(
            'insertAuthority',
            'LOCK TABLE certificate_authorities IN SHARE ROW EXCLUSIVE MODE',
          );
          if (options.onlyIfNone) {
            const { rows } = await connection.run(
              'insertAuthority',
              'SELECT 1 FROM certificate_authorities LIMIT 1',
            );
            if (rows.length > 0) {
              await connection.run('insertAuthority', 'ROLLBACK');
              return false;
            }
          }
          await connection.run(
            'insertAuthority',
            'INSERT INTO certificate_authorities (id, created_at, body) VALUES ($1, $2, $3)',
            [authority.id, authority.createdAtMs, authority.body],
          );
          await connection.run('insertAuthority', 'COMMIT');
          return true;
        } catch (error) {
          await connection.run('rollback', 'ROLLBACK').catch(() => {});
          throw error;
        }
      }),
    );
  }

  listTokenKeys(): Promise<StoredTokenKey[]> {
    return this.#enter('read', () =>
      this.#withClient(async (connection) => {
        const { rows } = await connection.run<{ id: string; created_at: string; secret: string }>(
          'listTokenKeys',
          'SELECT id, created_at, secret FROM proxy_token_keys ORDER BY created_at, id',
        );
        return rows.map((row) => ({ id: row.id, createdAtMs: Number(row.created_at), secret: row.secret }));
      }),
    );
  }

  insertTokenKey(key: StoredTokenKey, options: { readonly onlyIfNone: boolean }): Promise<boolean> {
    return this.#enter('write', () =>
      this.#withClient(async (connection) => {
        await connection.run('insertTokenKey', 'BEGIN');
        try {
          // Replicas starting together on an empty table: the lock makes exactly one of them create the key.
          await connection.run('insertTokenKey', 'LOCK TABLE proxy_token_keys IN SHARE ROW EXCLUSIVE MODE');
          if (options.onlyIfNone) {
            const { rows } = await connection.run('insertTokenKey', 'SELECT 1 FROM proxy_token_keys LIMIT 1');
            if (rows.length > 0) {
              await connection.run('insertTokenKey', 'ROLLBACK');
              return false;
            }
          }
          await connection.run(
            'insertTokenKey',
            'INSERT INTO proxy_token_keys (id, created_at, secret) VALUES ($1, $2, $3)',
            [key.id, key.createdAtMs, key.secret],
          );
          await connection.run('insertTokenKey', 'COMMIT');
          return true;
        } catch (error) {
          await connection.run('rollback', 'ROLLBACK').catch(() => {});
          throw error;
        }
      }),
    );
  }

  listRevocations(): Promise<StoredRevocation[]> {
    return this.#enter('read', () =>
      this.#withClient(async (connection) => {
        const { rows } = await connection.run<{ token_id: string; expires_at: string; revoked_at: string }>(
          'listRevocations',
          'SELECT token_id, expires_at, revoked_at FROM proxy_token_revocations ORDER BY revoked_at, token_id',
        );
        return rows.map((row) => ({
          tokenId: row.token_id,
          expiresAtMs: Number(row.expires_at),
          revokedAtMs: Number(row.revoked_at),
        }));
      }),
    );
  }

  insertRevocation(revocation: StoredRevocation): Promise<boolean> {
    return this.#enter('write', () =>
      this.#withClient(async (connection) => {
        const { rowCount } = await connection.run(
          'insertRevocation',
          'INSERT INTO proxy_token_revocations (token_id, expires_at, revoked_at) VALUES ($1, $2, $3) ON CONFLICT (token_id) DO NOTHING',
          [revocation.tokenId, revocation.expiresAtMs, revocation.revokedAtMs],
        );
        return (rowCount ?? 0) > 0;
      }),
    );
  }

  pruneRevocations(expiredBeforeMs: number): Promise<number> {
    return this.#enter('write', () =>
      this.#withClient(async (connection) => {
        const { rowCount } = await connection.run(
          'pruneRevocations',
          'DELETE FROM proxy_token_revocations WHERE expires_at < $1',
          [expiredBeforeMs],
        );
        return rowCount ?? 0;
      }),
    );
  }

  /**
   * Whether this replica can serve: the database answers and the change feed has caught up with its revision.
   * Resolves with the reason it cannot, or undefined when it can.
   */
  async notReadyReason(): Promise<string | undefined> {
    if (this.#closing) return 'the store is closed';
    let revision: number;
    try {
      revision = (await this.#readPosition()).revision;
    } catch (error) {
      return postgresFailure('readiness check', error).message;
    }
    if (!this.#notifications.connected) return 'the LISTEN connection to PostgreSQL is down';
    if (this.#feed.tailRevision < revision) {
      // Under write load the feed trails commits by one read; give it that read before calling it behind.
      this.#feed.wake();
      await this.#feed.idle();
    }
    const tail = this.#feed.tailRevision;
    if (tail < revision) return `the change feed is at revision ${tail}, the database at ${revision}`;
    return undefined;
  }

  /** Lets queued work finish, ends every watch with StoreUnavailableError, and closes every connection. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#writes.idle();
      await Promise.allSettled([...this.#reads]);
      this.#feed.endAll(new StoreUnavailableError(`store ${this.location} is closed`));
      await this.#feed.idle();
      this.#disconnected = true;
      await this.#notifications.close();
      await this.#pool.end().catch(() => {});
    })();
    return this.#closing;
  }

  /** Records the new revision, trims the change history and wakes every replica's feed at commit. */
  async #recordRevision(connection: Connection, revision: number, compactedThrough: number): Promise<void> {
    await connection.run('commit', `UPDATE meta SET value = $1 WHERE key = 'revision'`, [revision]);
    const compactTo = revision - this.#historyLimit;
    if (compactTo > compactedThrough) {
      await connection.run('compaction', 'DELETE FROM changes WHERE revision <= $1', [compactTo]);
      await connection.run('compaction', `UPDATE meta SET value = $1 WHERE key = 'compacted_through'`, [
        compactTo,
      ]);
    }
    // Delivered only if the transaction commits, and in commit order.
    await connection.run('commit', 'SELECT pg_notify($1, $2)', [changesChannel, String(revision)]);
  }

  async #readBatches(after: number, through: number, limit: number): Promise<Change[][]> {
    try {
      return await this.#readBatchRows(after, through, limit);
    } catch (error) {
      throw postgresFailure('reading changes', error);
    }
  }

  async #readBatchRows(after: number, through: number, limit: number): Promise<Change[][]> {
    const { rows } = await this.#pool.query<ChangeRow>(
      `SELECT ${changeColumns} FROM changes WHERE revision > $1 AND revision <= $2 ORDER BY revision LIMIT $3`,
      [after, through, limit],
    );
    const last = rows[rows.length - 1];
    if (last && rows.length === limit) {
      // Finish the last transaction, so a batch is never split.
      const rest = await this.#pool.query<ChangeRow>(
        `SELECT ${changeColumns} FROM changes WHERE tx_start = $1 AND revision > $2 AND revision <= $3
         ORDER BY revision`,
        [last.tx_start, last.revision, through],
      );
      rows.push(...rest.rows);
    }
    const batches: Change[][] = [];
    let txStart: string | undefined;
    for (const row of rows) {
      if (row.tx_start !== txStart) batches.push([]);
      txStart = row.tx_start;
      batches[batches.length - 1]!.push(rowToChange(row));
    }
    return batches;
  }

  async #readPosition(): Promise<{ revision: number; compactedThrough: number }> {
    try {
      const { rows } = await this.#pool.query<{ key: string; value: string }>(
        `SELECT key, value FROM meta WHERE key IN ('revision', 'compacted_through')`,
      );
      const meta = new Map(rows.map((row) => [row.key, Number(row.value)]));
      return { revision: meta.get('revision') ?? 0, compactedThrough: meta.get('compacted_through') ?? 0 };
    } catch (error) {
      throw postgresFailure('reading the revision', error);
    }
  }

  /**
   * Checks a connection out for `work`. A connection that saw a PostgreSQL failure is discarded rather than
   * reused, since it may be broken or stuck in an aborted transaction.
   */
  async #withClient<T>(work: (client: Connection) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw postgresFailure('connect', error);
    }
    const connection = new Connection(client);
    // The pool listens only to idle connections; one lost while checked out must not be an uncaught error.
    const onError = (error: Error): void => {
      connection.broken ??= error;
    };
    client.on('error', onError);
    try {
      return await work(connection);
    } catch (error) {
      if (error instanceof StoreUnavailableError) connection.broken ??= error;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(connection.broken);
    }
  }

  /** Refuses calls after close and nested calls that would deadlock or miss their own writes. */
  async #enter<T>(kind: 'read' | 'write', task: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    const outer = insideStore.getStore();
    if (outer === kind || outer === 'write') {
      throw new Error(
        `store.${kind}() cannot be called inside a store.${outer}() callback: use its transaction`,
      );
    }
    return task();
  }

  #assertOpen(): void {
    if (this.#closing) throw new StoreUnavailableError(`store ${this.location} is closed`);
  }

  #assertConnected(): void {
    if (this.#disconnected) throw new StoreUnavailableError(`store ${this.location} is closed`);
  }
}
