// `limit` and opaque `nextToken` handling shared by the eight List operations.

import { badRequest } from './api-error.ts';

export interface PageRequest {
  readonly limit: number;
  /** Cursor decoded from nextToken: list after this position. */
  readonly after: string | undefined;
}

export function parsePageRequest(query: URLSearchParams, maxLimit: number): PageRequest {
  const rawLimit = query.get('limit');
  let limit = maxLimit;
  if (rawLimit !== null) {
    limit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) {
      throw badRequest(
        `limit must be a whole number between 1 and ${maxLimit}, got ${JSON.stringify(rawLimit)}`,
      );
    }
  }
  const token = query.get('nextToken');
  return { limit, after: token === null || token === '' ? undefined : decodeToken(token) };
}

function decodeToken(token: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof decoded === 'object' &&
      decoded !== null &&
      typeof (decoded as { a?: unknown }).a === 'string'
    ) {
      return (decoded as { a: string }).a;
    }
  } catch {
    // Fall through: any token we did not mint is equally invalid.
  }
  throw badRequest('nextToken is not valid: pass back the nextToken of a previous answer unchanged');
}

export function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ a: after }), 'utf8').toString('base64url');
}

/** Given up to limit+1 fetched items, returns the page and the token for the next one (if any). */
export function pageOf<T>(items: readonly T[], limit: number, cursorOf: (item: T) => string) {
  const page = items.slice(0, limit);
  const nextToken = items.length > limit ? encodeToken(cursorOf(page[page.length - 1]!)) : undefined;
  return { page, nextToken };
}
