// AWS Signature Version 4 arithmetic shared by the server's verifier and our own clients' signer.

import { createHash, createHmac } from 'node:crypto';

export const sigv4Algorithm = 'AWS4-HMAC-SHA256';

const unreserved = /[A-Za-z0-9\-._~]/;

/** RFC 3986 percent-encoding of every byte but the unreserved ones, upper-case hex, as SigV4 requires. */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const char of text) {
    if (unreserved.test(char) || (keepSlash && char === '/')) out += char;
    else {
      for (const byte of Buffer.from(char, 'utf8')) {
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
    }
  }
  return out;
}

/** Splits a raw query string into decoded name/value pairs; undefined if its percent-encoding is malformed. */
export function parseRawQuery(query: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  try {
    for (const pair of query.split('&')) {
      if (pair === '') continue;
      const equals = pair.indexOf('=');
      pairs.push(
        equals === -1
          ? [decodeURIComponent(pair), '']
          : [decodeURIComponent(pair.slice(0, equals)), decodeURIComponent(pair.slice(equals + 1))],
      );
    }
  } catch {
    return undefined;
  }
  return pairs;
}

/** Non-S3 services normalise the path and encode it a second time (the SDKs and botocore both do). */
export function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return uriEncode(`/${segments.join('/')}${trailing}`, true);
}

export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** A header value as SigV4 canonicalises it: trimmed, inner runs of spaces collapsed. */
export const canonicalHeaderValue = (value: string): string => value.trim().replace(/\s+/g, ' ');

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** `YYYYMMDDTHHMMSSZ` */
export const amzDateOf = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

export interface CanonicalParts {
  readonly method: string;
  /** The path as on the request line, still percent-encoded once. */
  readonly path: string;
  readonly queryPairs: readonly (readonly [string, string])[];
  /** Signed header names (lower case, sorted) with their canonical values. */
  readonly headers: readonly (readonly [string, string])[];
  readonly payloadSha256Hex: string;
}

export function canonicalRequest(parts: CanonicalParts): string {
  return [
    parts.method,
    canonicalUri(parts.path),
    canonicalQuery(parts.queryPairs),
    parts.headers.map(([name, value]) => `${name}:${value}\n`).join(''),
    parts.headers.map(([name]) => name).join(';'),
    parts.payloadSha256Hex,
  ].join('\n');
}

export function signingKey(secretAccessKey: string, credentialScope: string): Buffer {
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`, 'utf8');
  for (const part of credentialScope.split('/')) key = createHmac('sha256', key).update(part).digest();
  return key;
}

/** The hex signature of `canonical` made at `amzDate` with the key `signingKey` derives for its scope. */
export function signatureOf(
  signingKeyBytes: Buffer,
  amzDate: string,
  credentialScope: string,
  canonical: string,
): string {
  const toSign = [sigv4Algorithm, amzDate, credentialScope, sha256Hex(canonical)].join('\n');
  return createHmac('sha256', signingKeyBytes).update(toSign).digest('hex');
}
