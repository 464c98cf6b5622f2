// The embedded store: one SQLite file in WAL mode, one writer connection, one reader connection.

import { AsyncLocalStorage } from 'node:async_hooks';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  StoreUnavailableError,
  type ReadTx,
  type StoredAuthority,
  type StoredRevocation,
  type StoredTokenKey,
  type Store,
  type Watch,
  type WatchHandlers,
  type WriteTx,
} from '../store.ts';
import { ChangeFeed } from './change-feed.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { preparePrivateDir, preparePrivateFile } from './private-files.ts';
import { applySchema } from './sqlite-schema.ts';
import { SqliteStatements } from './sqlite-statements.ts';
import { readChangeBatches } from './sqlite-change-rows.ts';
import { SqliteReadTx, SqliteWriteTx, sqlite } from './sqlite-transactions.ts';
import { SerialQueue } from './serial-queue.ts';

export interface SqliteStoreOptions {
  readonly dataDir: string;
  /** How many change rows to keep for watchers that resume from an old revision (default 100000). */
  readonly changeHistoryLimit?: number;
  /** Gets what a watch handler threw; the feed carries on. Defaults to a process warning. */
  readonly onHandlerError?: (error: unknown) => void;
  /** Gets a warning about the data directory (readable by others). Defaults to a process warning. */
  readonly onWarning?: (message: string) => void;
}

export const databaseFileName = 'switchyard.db';

/** Which kind of store callback the current async context runs in; used to refuse self-deadlocking calls. */
const insideStore = new AsyncLocalStorage<'read' | 'write'>();

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

async function prepareDataDir(dataDir: string, onWarning: (message: string) => void): Promise<void> {
  try {
    await preparePrivateDir(dataDir, onWarning);
  } catch (error) {
    throw new StoreUnavailableError(`cannot use data directory ${dataDir}: ${reasonOf(error)}`, {
      cause: error,
    });
  }
}

function openConnection(path: string): DatabaseSync {
  preparePrivateFile(path);
  // The writer holds the only write lock, so a short busy timeout only covers WAL checkpoints.
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: false, timeout: 5000 });
  try {
    const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.['journal_mode'];
    if (mode !== 'wal') throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
    db.exec('PRAGMA synchronous = FULL');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export class SqliteStore implements Store {
  readonly path: string;
  readonly #writer: DatabaseSync;
  readonly #reader: DatabaseSync;
  readonly #writeStatements: SqliteStatements;
  readonly #readStatements: SqliteStatements;
  readonly #lock: DataDirLock;
  readonly #historyLimit: number;
  readonly #writes = new SerialQueue();
  readonly #reads = new SerialQueue();
  readonly #feed: ChangeFeed;
  #revision: number;
  #compactedThrough: number;
  /** Set by close(): new calls are refused, work already queued still runs. */
  #closing: Promise<void> | undefined;
  #disconnected = false;

  /** Opens (creating if needed) `<dataDir>/switchyard.db`; fails with StoreUnavailableError. */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const dataDir = resolve(options.dataDir);
    const historyLimit = options.changeHistoryLimit ?? 100_000;
    if (!Number.isSafeInteger(historyLimit) || historyLimit < 1) {
      throw new RangeError(`changeHistoryLimit must be a positive integer, got ${historyLimit}`);
    }
    await prepareDataDir(dataDir, options.onWarning ?? ((message) => process.emitWarning(message)));
    let lock: DataDirLock;
    try {
      lock = lockDataDir(dataDir);
    } catch (error) {
      throw new StoreUnavailableError(
        `cannot open store in ${dataDir}: it is in use by another store (${reasonOf(error)})`,
        { cause: error },
      );
    }
    const path = join(dataDir, databaseFileName);
    const opened: DatabaseSync[] = [];
    try {
      const writer = openConnection(path);
      opened.push(writer);
      applySchema(writer);
      const reader = openConnection(path);
      opened.push(reader);
      reader.exec('PRAGMA query_only = ON');
      return new SqliteStore(path, writer, reader, lock, historyLimit, options.onHandlerError);
    } catch (error) {
      for (const db of opened) db.close();
      lock.release();
      throw new StoreUnavailableError(`cannot open store ${path}: ${reasonOf(error)}`, { cause: error });
    }
  }

  private constructor(
    path: string,
    writer: DatabaseSync,
    reader: DatabaseSync,
    lock: DataDirLock,
    historyLimit: number,
    onHandlerError: ((error: unknown) => void) | undefined,
  ) {
    this.path = path;
    this.#writer = writer;
    this.#reader = reader;
    this.#lock = lock;
    this.#historyLimit = historyLimit;
    this.#writeStatements = new SqliteStatements(writer);
    this.#readStatements = new SqliteStatements(reader);
    this.#revision = this.#readMeta('revision');
    this.#compactedThrough = this.#readMeta('compacted_through');
    this.#feed = new ChangeFeed(
      {
        committedRevision: () => this.#revision,
        compactedThrough: () => this.#compactedThrough,
        readBatches: (after, limit) => readChangeBatches(this.#readStatements, after, limit),
        runRead: (task) => this.#reads.run(() => (this.#assertConnected(), task())),
      },
      onHandlerError ?? ((error) => process.emitWarning(`store watch handler threw: ${reasonOf(error)}`)),
    );
  }

  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.#enter('read', this.#reads, async () => {
      sqlite('begin', () => this.#reader.exec('BEGIN'));
      const tx = new SqliteReadTx(this.#readStatements);
      try {
        return await insideStore.run('read', () => work(tx));
      } finally {
        tx.end();
        // A read transaction has nothing to lose, so ending it cannot fail in a way worth reporting.
        if (this.#reader.isTransaction) this.#reader.exec('ROLLBACK');
      }
    });
  }

  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.#enter('write', this.#writes, async () => {
      sqlite('begin', () => this.#writer.exec('BEGIN IMMEDIATE'));
      const tx = new SqliteWriteTx(this.#writeStatements, this.#revision);
      try {
        const result = await insideStore.run('write', () => work(tx));
        tx.end();
        if (tx.failure) throw tx.failure;
        const compactedThrough = sqlite('commit', () => this.#commit(tx.revision));
        this.#revision = tx.revision;
        this.#compactedThrough = compactedThrough;
        this.#feed.publish(tx.changes);
        return result;
      } catch (error) {
        tx.end();
        this.#rollback();
        throw error;
      }
    });
  }

  async currentRevision(): Promise<number> {
    this.#assertOpen();
    return this.#revision;
  }

  watch(fromRevision: number, handlers: WatchHandlers): Watch {
    this.#assertOpen();
    // Outside any store callback, so handlers may call read() and write().
    return insideStore.exit(() => this.#feed.watch(fromRevision, handlers));
  }

  pruneIdempotency(olderThanMs: number): Promise<number> {
    return this.#enter('write', this.#writes, () =>
      sqlite('pruneIdempotency', () =>
        Number(this.#writeStatements.pruneIdempotency.run(olderThanMs).changes),
      ),
    );
  }

  listAuthorities(): Promise<StoredAuthority[]> {
    return this.#enter('read', this.#reads, () =>
      sqlite('listAuthorities', () =>
        this.#reader
          .prepare('SELECT id, created_at, body FROM certificate_authorities ORDER BY created_at, id')
          .all()
          .map((row) => ({
            id: String(row['id']),
            createdAtMs: Number(row['created_at']),
            body: String(row['body']),
          })),
      ),
    );
  }

  insertAuthority(authority: StoredAuthority, options: { readonly onlyIfNone: boolean }): Promise<boolean> {
    // One writer connection and a serial write queue: the check and the insert cannot interleave with another.
    return this.#enter('write', this.#writes, () =>
      sqlite('insertAuthority', () => {
        if (options.onlyIfNone && this.#writer.prepare('SELECT 1 FROM certificate_authorities LIMIT 1').get())
          return false;
        this.#writer
          .prepare('INSERT INTO certificate_authorities (id, created_at, body) VALUES (?, ?, ?)')
          .run(authority.id, authority.createdAtMs, authority.body);
        return true;
      }),
    );
  }

  listTokenKeys(): Promise<StoredTokenKey[]> {
    return this.#enter('read', this.#reads, () =>
      sqlite('listTokenKeys', () =>
        this.#reader
          .prepare('SELECT id, created_at, secret FROM proxy_token_keys ORDER BY created_at, id')
          .all()
          .map((row) => ({
            id: String(row['id']),
            createdAtMs: Number(row['created_at']),
            secret: String(row['secret']),
          })),
      ),
    );
  }

  insertTokenKey(key: StoredTokenKey, options: { readonly onlyIfNone: boolean }): Promise<boolean> {
    return this.#enter('write', this.#writes, () =>
      sqlite('insertTokenKey', () => {
        if (options.onlyIfNone && this.#writer.prepare('SELECT 1 FROM proxy_token_keys LIMIT 1').get())
          return false;
        this.#writer
          .prepare('INSERT INTO proxy_token_keys (id, created_at, secret) VALUES (?, ?, ?)')
          .run(key.id, key.createdAtMs, key.secret);
        return true;
      }),
    );
  }

  listRevocations(): Promise<StoredRevocation[]> {
    return this.#enter('read', this.#reads, () =>
      sqlite('listRevocations', () =>
        this.#reader
          .prepare(
            'SELECT token_id, expires_at, revoked_at FROM proxy_token_revocations ORDER BY revoked_at, token_id',
          )
          .all()
          .map((row) => ({
            tokenId: String(row['token_id']),
            expiresAtMs: Number(row['expires_at']),
            revokedAtMs: Number(row['revoked_at']),
          })),
      ),
    );
  }

  insertRevocation(revocation: StoredRevocation): Promise<boolean> {
    return this.#enter('write', this.#writes, () =>
      sqlite(
        'insertRevocation',
        () =>
          Number(
            this.#writer
              .prepare(
                'INSERT INTO proxy_token_revocations (token_id, expires_at, revoked_at) VALUES (?, ?, ?) ON CONFLICT (token_id) DO NOTHING',
              )
              .run(revocation.tokenId, revocation.expiresAtMs, revocation.revokedAtMs).changes,
          ) > 0,
      ),
    );
  }

  pruneRevocations(expiredBeforeMs: number): Promise<number> {
    return this.#enter('write', this.#writes, () =>
      sqlite('pruneRevocations', () =>
        Number(
          this.#writer
            .prepare('DELETE FROM proxy_token_revocations WHERE expires_at < ?')
            .run(expiredBeforeMs).changes,
        ),
      ),
    );
  }

  /** Lets queued work finish, ends every watch with StoreUnavailableError, and releases the data directory. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#writes.idle();
      await this.#reads.idle();
      this.#feed.endAll(new StoreUnavailableError(`store ${this.path} is closed`));
      this.#disconnected = true;
      this.#reader.close();
      this.#writer.close();
      this.#lock.release();
    })();
    return this.#closing;
  }

  /** Records the new revision, trims the change history, and commits; returns the new compaction point. */
  #commit(revision: number): number {
    let compactedThrough = this.#compactedThrough;
    if (revision > this.#revision) {
      this.#writeStatements.writeMeta.run(revision, 'revision');
      const compactTo = revision - this.#historyLimit;
      if (compactTo > compactedThrough) {
        this.#writeStatements.compactChanges.run(compactTo);
        this.#writeStatements.writeMeta.run(compactTo, 'compacted_through');
        compactedThrough = compactTo;
      }
    }
    this.#writer.exec('COMMIT');
    return compactedThrough;
  }

  /** Queues `task`, refusing calls after close and nested calls that would deadlock or miss their own writes. */
  async #enter<T>(kind: 'read' | 'write', queue: SerialQueue, task: () => Promise<T> | T): Promise<T> {
    this.#assertOpen();
    const outer = insideStore.getStore();
    if (outer === kind || outer === 'write') {
      throw new Error(
        `store.${kind}() cannot be called inside a store.${outer}() callback: use its transaction`,
      );
    }
    return queue.run(() => {
      this.#assertConnected();
      return task();
    });
  }

  #assertOpen(): void {
    if (this.#closing) throw new StoreUnavailableError(`store ${this.path} is closed`);
  }

  #assertConnected(): void {
    if (this.#disconnected) throw new StoreUnavailableError(`store ${this.path} is closed`);
  }

  #rollback(): void {
    try {
      if (this.#writer.isTransaction) this.#writer.exec('ROLLBACK');
    } catch {
      // SQLite already rolled back (it does on I/O errors); the caller gets the error that caused it.
    }
  }

  #readMeta(key: string): number {
    return Number(this.#writeStatements.readMeta.get(key)?.['value'] ?? 0);
  }
}
