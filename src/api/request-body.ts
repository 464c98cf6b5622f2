// Decodes a request body: strict UTF-8, then JSON, then it must be an object.

import { badRequest } from './api-error.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Returns the parsed JSON object, or undefined for an empty body. */
export function parseJsonBody(raw: unknown): Record<string, unknown> | undefined {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(raw);
  } catch (error) {
    throw badRequest('Request body is not valid UTF-8', { cause: error });
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
