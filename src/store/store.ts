// The contract every Switchyard store implements (SQLite embedded, PostgreSQL for HA). The API writes
// through it; the xDS layer follows its change feed. Implementations must pass store-contract.ts.

import type { KindName } from '../model/resource-kinds.ts';
import type { ResourceKey } from '../model/resource-key.ts';
import type { ResourceRecord, StoredRecord } from '../model/resource-record.ts';

/** Which records a list or count covers: one kind inside one mesh (and router or gateway). */
export interface Scope {
  readonly kind: KindName;
  /** Ignored for kind 'mesh'. */
  readonly meshName?: string;
  /** For routes and gateway routes: the router or gateway. */
  readonly parentName?: string;
}

export interface Page {
  /** Return only names sorting strictly after this one (exclusive cursor). */
  readonly afterName?: string;
  readonly limit: number;
}

/** What a replayed idempotent request gets back. */
export interface IdempotencyEntry {
  readonly requestHash: string;
  readonly response: string;
  readonly createdAtMs: number;
}

export interface ReadTx {
  get(key: ResourceKey): Promise<StoredRecord | undefined>;
  /** Records of the scope ordered by name (byte order of UTF-8), at most `page.limit`. */
  list(scope: Scope, page: Page): Promise<StoredRecord[]>;
  count(scope: Scope): Promise<number>;
  /** Every record whose references (given to `put`) include `key`. */
  referrers(key: ResourceKey): Promise<StoredRecord[]>;
  getIdempotency(token: string): Promise<IdempotencyEntry | undefined>;
}

export interface WriteTx extends ReadTx {
  /** Creates or replaces the record; `references` are the keys its spec points at. */
  put(record: ResourceRecord, references: readonly ResourceKey[]): Promise<StoredRecord>;
  /** Removes the record; a no-op when it is absent. */
  delete(key: ResourceKey): Promise<void>;
  putIdempotency(token: string, entry: IdempotencyEntry): Promise<void>;
}

export type Change =
  | {
      readonly revision: number;
      readonly op: 'put';
      readonly key: ResourceKey;
      readonly record: StoredRecord;
    }
  | { readonly revision: number; readonly op: 'delete'; readonly key: ResourceKey };

export interface Watch {
  close(): void;
}

export interface WatchHandlers {
  /** Changes in revision order, each batch one committed transaction. */
  onChanges(changes: readonly Change[]): void;
  /** The feed can no longer continue from where the watcher was (history compacted, store closed). */
  onError(error: Error): void;
}

/** A root of the built-in certificate authority (src/ca owns the body's format; it holds the private key). */
export interface StoredAuthority {
  readonly id: string;
  readonly createdAtMs: number;
  readonly body: string;
}

/** A proxy token signing key (src/api/auth owns it): HMAC secret, base64url. Read only by the token authority. */
export interface StoredTokenKey {
  readonly id: string;
  readonly createdAtMs: number;
  readonly secret: string;
}

/** A revoked proxy token: kept until the token would have expired anyway. */
export interface StoredRevocation {
  readonly tokenId: string;
  readonly expiresAtMs: number;
  readonly revokedAtMs: number;
}

export interface Store {
  /** Runs `work` on a consistent view. */
  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction: all its writes commit together or not at all. Each put or delete
   * takes the next global revision. Writes are serialized; when the promise resolves the data is durable.
   */
  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T>;
  /** The revision of the last committed write (0 for an empty store). */
  currentRevision(): Promise<number>;
  /**
   * Delivers every change after `fromRevision`, first from history, then as they commit.
   * Fails through `onError` with a RevisionCompactedError if that history is gone.
   */
  watch(fromRevision: number, handlers: WatchHandlers): Watch;
  /** The built-in CA's roots, oldest first. Outside the revisioned records: proxies never see them. */
  listAuthorities(): Promise<StoredAuthority[]>;
  /**
   * Adds a CA root; with `onlyIfNone`, only when the store holds none yet (replicas starting together agree
   * on one). Resolves whether it was added.
   */
  insertAuthority(authority: StoredAuthority, options: { readonly onlyIfNone: boolean }): Promise<boolean>;
  /** Proxy token signing keys, oldest first. Outside the revisioned records, like the CA's roots. */
  listTokenKeys(): Promise<StoredTokenKey[]>;
  /** Adds a signing key; with `onlyIfNone`, only when the store holds none yet. Resolves whether it was added. */
  insertTokenKey(key: StoredTokenKey, options: { readonly onlyIfNone: boolean }): Promise<boolean>;
  /** Every revocation not yet pruned. */
  listRevocations(): Promise<StoredRevocation[]>;
  /** Idempotent: a token revoked before keeps its first revocation. Resolves whether this one was new. */
  insertRevocation(revocation: StoredRevocation): Promise<boolean>;
  /** Removes revocations of tokens that expired before `expiredBeforeMs` (epoch ms). */
  pruneRevocations(expiredBeforeMs: number): Promise<number>;
  /** Removes idempotency entries created before `olderThanMs` (epoch ms). */
  pruneIdempotency(olderThanMs: number): Promise<number>;
  /**
   * Why this process cannot serve right now (database unreachable, change feed behind), or undefined when it
   * can. Optional: an embedded store that opened is always ready.
   */
  notReadyReason?(): Promise<string | undefined>;
  close(): Promise<void>;
}

export class RevisionCompactedError extends Error {
  readonly oldestAvailable: number;
  constructor(requested: number, oldestAvailable: number) {
    super(`revision ${requested} is no longer in the change history (oldest kept: ${oldestAvailable})`);
    this.name = 'RevisionCompactedError';
    this.oldestAvailable = oldestAvailable;
  }
}

export class StoreUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
