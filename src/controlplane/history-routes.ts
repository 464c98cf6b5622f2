// GET /switchyard/v1/history/<App Mesh resource path>: the recent versions of one resource, read from the
// store's change history (the console's "version history"). Read-only.

import type { FastifyInstance } from 'fastify';
import { badRequest } from '../api/api-error.ts';
import { apiVersionSegment, routeOperation } from '../api/operation-router.ts';
import { resourceKey, sameKey, type ResourceKey } from '../model/resource-key.ts';
import { RevisionCompactedError, type Change, type Store, type Watch } from '../store/store.ts';

export const historyPrefix = '/switchyard/v1/history/';

export interface HistoryLimits {
  /** How many of the store's latest changes are searched: a page view must not replay the whole history. */
  readonly maxChanges: number;
  /** How many versions are returned, newest first. */
  readonly maxEntries: number;
  /** How long reading the change feed may take before the answer is given with what was read. */
  readonly timeoutMs: number;
}

export const defaultHistoryLimits: HistoryLimits = { maxChanges: 5000, maxEntries: 50, timeoutMs: 5000 };

export interface HistoryEntry {
  readonly revision: number;
  readonly op: 'put' | 'delete';
  /** metadata.version after a put. */
  readonly version?: number;
  /** Epoch seconds, as App Mesh's metadata.lastUpdatedAt. */
  readonly lastUpdatedAt?: number;
  readonly spec?: Readonly<Record<string, unknown>>;
}

export interface HistoryAnswer {
  /** The oldest revision searched; older versions may exist but are not shown. */
  readonly searchedFromRevision: number;
  readonly storeRevision: number;
  readonly complete: boolean;
  readonly entries: readonly HistoryEntry[];
}

function entryOf(change: Change): HistoryEntry {
  if (change.op === 'delete') return { revision: change.revision, op: 'delete' };
  return {
    revision: change.revision,
    op: 'put',
    version: change.record.version,
    lastUpdatedAt: change.record.lastUpdatedAtMs / 1000,
    spec: change.record.spec,
  };
}

/** Replays the change feed from `fromRevision` up to the current revision, keeping the changes to `key`. */
export async function readHistory(
  store: Store,
  key: ResourceKey,
  limits: HistoryLimits,
): Promise<HistoryAnswer> {
  const storeRevision = await store.currentRevision();
  const replay = (from: number) =>
    new Promise<{ from: number; entries: HistoryEntry[]; complete: boolean }>((resolve, reject) => {
      const entries: HistoryEntry[] = [];
      if (from >= storeRevision) {
        resolve({ from, entries, complete: true });
        return;
      }
      let settled = false;
      const feed: { watch?: Watch } = {};
      const finish = (complete: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        feed.watch?.close();
        resolve({ from, entries, complete });
      };
      const timer = setTimeout(() => finish(false), limits.timeoutMs);
      const watch = store.watch(from, {
        onChanges(changes) {
          for (const change of changes) {
            if (change.revision > storeRevision) continue;
            if (sameKey(change.key, key)) entries.push(entryOf(change));
            // The entries kept are the newest: drop from the front, a bounded buffer.
            if (entries.length > limits.maxEntries) entries.shift();
          }
          if ((changes.at(-1)?.revision ?? 0) >= storeRevision) finish(true);
        },
        onError(error) {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          feed.watch?.close();
          reject(error);
        },
      });
      // The feed may deliver (and finish) before watch() returns.
      feed.watch = watch;
      if (settled) watch.close();
    });
  const from = Math.max(0, storeRevision - limits.maxChanges);
  let result;
  try {
    result = await replay(from);
  } catch (error) {
    if (!(error instanceof RevisionCompactedError)) throw error;
    result = await replay(error.oldestAvailable - 1);
  }
  return {
    searchedFromRevision: result.from + 1,
    storeRevision,
    complete: result.complete,
    entries: result.entries.reverse(),
  };
}

export function registerHistoryRoutes(
  app: FastifyInstance,
  store: Store,
  limits: HistoryLimits = defaultHistoryLimits,
): void {
  app.get(`${historyPrefix}*`, async (request) => {
    const rawPath = (request.raw.url ?? '').split('?', 1)[0]!;
    const operation = routeOperation('GET', `/${apiVersionSegment}/${rawPath.slice(historyPrefix.length)}`);
    if (!('kind' in operation) || operation.verb !== 'describe') {
      throw badRequest(
        'name one resource the way the App Mesh API does, e.g. /switchyard/v1/history/meshes/M/virtualNodes/N',
      );
    }
    const key = resourceKey(operation.kind, operation.meshName, operation.name, operation.parentName);
    return readHistory(store, key, limits);
  });
}
