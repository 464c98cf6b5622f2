// Trace and span ids for the per-request path: random bytes drawn from the CSPRNG in blocks and read out as hex.
import { randomFillSync } from 'node:crypto';

const blockBytes = 4096;
const pool = Buffer.alloc(blockBytes);
let used = blockBytes;

function take(bytes: number): number {
  if (used + bytes > blockBytes) {
    randomFillSync(pool);
    used = 0;
  }
  const at = used;
  used += bytes;
  return at;
}

/** 16 random hex digits, never all zero (W3C: an all-zero span id is invalid). */
export function newSpanId(): string {
  for (;;) {
    const at = take(8);
    const id = pool.toString('hex', at, at + 8);
    if (id !== '0000000000000000') return id;
  }
}

/**
 * A trace id that is also a version-4 UUID (RFC 9562 version and variant bits set): the sidecar's own
 * x-request-id is this id with dashes, so a request id found in a log leads straight to its trace.
 */
export function newTraceId(): string {
  const at = take(16);
  pool[at + 6] = (pool[at + 6]! & 0x0f) | 0x40;
  pool[at + 8] = (pool[at + 8]! & 0x3f) | 0x80;
  return pool.toString('hex', at, at + 16);
}

/** `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` from a 32-digit trace id made by `newTraceId`. */
export function requestIdOf(traceId: string): string {
  return `${traceId.slice(0, 8)}-${traceId.slice(8, 12)}-${traceId.slice(12, 16)}-${traceId.slice(16, 20)}-${traceId.slice(20)}`;
}
