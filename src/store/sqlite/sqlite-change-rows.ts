// Reads the change history table back as Change batches, one batch per committed transaction.

import type { SQLOutputValue } from 'node:sqlite';
import type { KindName } from '../../model/resource-kinds.ts';
import type { Change } from '../store.ts';
import { storedRecord, type SqliteStatements } from './sqlite-statements.ts';

type Row = Record<string, SQLOutputValue>;

function rowToChange(row: Row): Change {
  const revision = Number(row['revision']);
  const key = {
    kind: String(row['kind']) as KindName,
    meshName: String(row['mesh']),
    parentName: String(row['parent']),
    name: String(row['name']),
  };
  return row['op'] === 'put'
    ? { revision, op: 'put', key, record: storedRecord(String(row['body']), revision) }
    : { revision, op: 'delete', key };
}

/** Changes after `afterRevision`: about `limit` of them, never splitting a transaction. */
export function readChangeBatches(
  statements: SqliteStatements,
  afterRevision: number,
  limit: number,
): Change[][] {
  const rows = statements.changesAfter.all(afterRevision, limit);
  const last = rows[rows.length - 1];
  if (last && rows.length === limit)
    rows.push(...statements.changesOfTxAfter.all(last['tx_start']!, last['revision']!));
  const batches: Change[][] = [];
  let txStart: SQLOutputValue | undefined;
  for (const row of rows) {
    if (row['tx_start'] !== txStart || batches.length === 0) batches.push([]);
    txStart = row['tx_start'];
    batches[batches.length - 1]!.push(rowToChange(row));
  }
  return batches;
}
