// Compares our codec's Outcome with llhttp's for the same bytes. Message boundaries, fields and bodies must be the
// same; where one side refuses and the other accepts, only the deliberate differences listed here are allowed.
import type { Outcome } from './llhttp-oracle.ts';

/**
 * Where we refuse what llhttp (node:http, strict) accepts, on purpose. Each is Envoy's answer, or an RFC's MUST
 * that llhttp leaves to the application.
 */
const stricterThanLlhttp: readonly RegExp[] = [
  /^duplicate host$/, // RFC 9112 §3.2 (node:http takes the first)
  /^unsupported transfer-encoding/, // Envoy answers any coding but exactly `chunked` 501 (llhttp: `gzip, chunked`)
  /^transfer-encoding in an HTTP\/1\.0 request$/, // RFC 9112 §6.1: faulty framing
  /^unsupported protocol version/, // llhttp takes HTTP/0.9 and HTTP/2.0 request lines as HTTP/1.x
  /^malformed request line/, // llhttp skips repeated spaces in a request line
  /^malformed status line/, // llhttp takes status 0xx and HTTP/2.0 status lines
  /^more than \d+ header fields$/, // Envoy's max_headers_count (100); node:http has 2000 and truncates
  /^chunk size too large$/, // beyond 2^53 (llhttp: 2^64)
  /^content-length too large$/, // beyond 2^53 (llhttp: 2^64)
  /^protocol upgrades are not supported upstream$/,
  // llhttp takes a request line ending in a bare LF without a version (HTTP/0.9's form); RFC 9112 §2.2 lets a
  // recipient refuse bare LFs and CRs, and Envoy does.
  /^bare (LF|CR) in message head$/,
  /^NUL in message head$/, // llhttp lets a NUL through in a reason phrase; Envoy refuses NUL anywhere in a head
];

/** Where llhttp refuses what we accept, on purpose. */
const llhttpStricter: readonly RegExp[] = [
  /^HPE_INVALID_METHOD$/, // any token is a method (RFC 9110 §9.1, Envoy); llhttp knows a fixed list
  /^HPE_HEADER_OVERFLOW$/, // node:http's 16 KiB head limit; ours is Envoy's 60 KiB
];

/**
 * llhttp refuses any response with both Transfer-Encoding and Content-Length; we frame it by the coding and drop
 * the length (RFC 9112 §6.3 allows either; issue 14.4 asks for the latter).
 */
const bothFramingsInResponse: readonly RegExp[] = [
  /^HPE_INVALID_TRANSFER_ENCODING$/,
  /^HPE_INVALID_CONTENT_LENGTH$/,
];

/** Whether a response head (up to its first empty line) carries both framing fields. */
export function hasBothFramings(wire: string): boolean {
  const end = wire.indexOf('\r\n\r\n');
  const head = (end < 0 ? wire : wire.slice(0, end)).toLowerCase();
  return head.includes('\r\ntransfer-encoding:') && head.includes('\r\ncontent-length:');
}

export interface Verdict {
  readonly ok: boolean;
  /** Why it differs (empty when ok), or which allowed difference applied. */
  readonly note: string;
}

function describe(o: Outcome): string {
  return `${o.messages.length} message(s), ${o.end}${o.reason === '' ? '' : ` (${o.reason})`}`;
}

/** Whether `ours` and `theirs` (llhttp) agree on `wire`, or differ only in an allowed way. */
export function compareOutcomes(ours: Outcome, theirs: Outcome, responseWithBothFramings = false): Verdict {
  const common = Math.min(ours.messages.length, theirs.messages.length);
  for (let i = 0; i < common; i++) {
    const a = JSON.stringify(ours.messages[i]);
    const b = JSON.stringify(theirs.messages[i]);
    if (a !== b) return { ok: false, note: `message ${i} differs: ours ${a}, llhttp ${b}` };
  }
  if (ours.end === theirs.end && ours.messages.length === theirs.messages.length)
    return { ok: true, note: '' };
  // One side stopped earlier with an error: the messages before it must be the same ones.
  if (ours.end === 'error' && ours.messages.length <= theirs.messages.length) {
    const allowed = stricterThanLlhttp.find((r) => r.test(ours.reason));
    if (allowed !== undefined) return { ok: true, note: `stricter: ${ours.reason}` };
  }
  if (theirs.end === 'error' && theirs.messages.length <= ours.messages.length) {
    const allowed = llhttpStricter.find((r) => r.test(theirs.reason));
    if (allowed !== undefined) return { ok: true, note: `llhttp stricter: ${theirs.reason}` };
    if (responseWithBothFramings && bothFramingsInResponse.some((r) => r.test(theirs.reason)))
      return { ok: true, note: `both framings: ${theirs.reason}` };
  }
  // Input cut inside a head that llhttp, reading byte by byte, already found bad: we judge a head once it is whole.
  if (ours.end === 'incomplete' && theirs.end === 'error' && ours.messages.length === theirs.messages.length)
    return { ok: true, note: `cut short; llhttp refused early: ${theirs.reason}` };
  return { ok: false, note: `ours ${describe(ours)}; llhttp ${describe(theirs)}` };
}
