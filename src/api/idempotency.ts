// clientToken idempotency (appmesh-spec §1.4): an exact replay gets the first answer and writes nothing;
// the same token with a different request is a ConflictException.

import { createHash } from 'node:crypto';
import type { WriteTx } from '../store/store.ts';
import { conflict } from './api-error.ts';

/** JSON with object keys sorted, so equal requests hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface IdempotentRequest {
  /** Operation name and target path: a token is scoped to them. */
  readonly scope: string;
  readonly clientToken: string | undefined;
  /** The request minus its clientToken. */
  readonly request: unknown;
}

/**
 * Runs `produce` unless this request was already answered; stores the answer with the token.
 * Must be called inside the write transaction that `produce` writes in.
 */
export async function idempotent(
  tx: WriteTx,
  now: number,
  req: IdempotentRequest,
  produce: () => Promise<unknown>,
): Promise<unknown> {
  if (req.clientToken === undefined) return produce();
  const token = `${req.scope}#${req.clientToken}`;
  const requestHash = createHash('sha256').update(canonicalJson(req.request)).digest('hex');
  const previous = await tx.getIdempotency(token);
  if (previous) {
    if (previous.requestHash !== requestHash) {
      throw conflict(`clientToken ${req.clientToken} was already used with a different request`);
    }
    return JSON.parse(previous.response) as unknown;
  }
  const response = await produce();
  await tx.putIdempotency(token, { requestHash, response: JSON.stringify(response), createdAtMs: now });
  return response;
}
