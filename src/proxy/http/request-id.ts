// Request ids (x-request-id) as random version-4 UUIDs, made for the per-request path. node:crypto's randomUUID
// builds each id from twenty string concatenations that are flattened again when the head is written; this
// writes the hex digits into one reusable buffer and reads them out as a single string. The randomness is the
// same: bytes from the CSPRNG, drawn for 64 ids at a time.
import { randomFillSync } from 'node:crypto';

const idsPerDraw = 64;
const randomBytes = Buffer.alloc(16 * idsPerDraw);
let nextId = idsPerDraw;
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
const hexDigits = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 bytes' two hex digits go in the 36-character form. */
const digitAt = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

export function newRequestId(): string {
  if (nextId === idsPerDraw) {
    randomFillSync(randomBytes);
    nextId = 0;
  }
  const base = 16 * nextId++;
  for (let i = 0; i < 16; i++) {
    let byte = randomBytes[base + i]!;
    // RFC 9562: version 4 in the high nibble of byte 6, variant 0b10 in the top bits of byte 8.
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    const at = digitAt[i]!;
    text[at] = hexDigits[byte >> 4]!;
    text[at + 1] = hexDigits[byte & 0x0f]!;
  }
  return text.toString('latin1', 0, 36);
}
