// AWS Signature Version 4 checked on the server side: the Authorization header and presigned-URL forms.

import { timingSafeEqual } from 'node:crypto';
import {
  amzDateOf,
  canonicalHeaderValue,
  canonicalRequest,
  parseRawQuery,
  signatureOf,
  sigv4Algorithm,
} from '../../util/sigv4.ts';
import { incompleteSignature, invalidSignature } from './auth-error.ts';

export { sha256Hex } from '../../util/sigv4.ts';
/** AWS's own tolerance between the signer's clock and the server's. */
export const maxClockSkewMs = 5 * 60 * 1000;
/** The longest X-Amz-Expires AWS accepts on a presigned URL (7 days). */
export const maxPresignedExpirySeconds = 604_800;

/** The request as it arrived, before any decoding: signatures cover the bytes the client sent. */
export interface SignedRequest {
  readonly method: string;
  /** Path and query string exactly as on the request line. */
  readonly rawUrl: string;
  /** Node's `rawHeaders`: name, value, name, value, … in arrival order. */
  readonly rawHeaders: readonly string[];
}

/** What the request claims about its signature, before the secret is known. */
export interface SignatureClaim {
  readonly accessKeyId: string;
  /** The X-Amz-Date value, `YYYYMMDDTHHMMSSZ`. */
  readonly amzDate: string;
  readonly signedAtMs: number;
  readonly credentialScope: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** Seconds the presigned URL stays valid; undefined for header signing. */
  readonly expiresSeconds?: number;
}

export interface ScopeExpectation {
  readonly region: string;
  readonly service: string;
}

function splitUrl(rawUrl: string): { path: string; query: string } {
  const mark = rawUrl.indexOf('?');
  return mark === -1
    ? { path: rawUrl, query: '' }
    : { path: rawUrl.slice(0, mark), query: rawUrl.slice(mark + 1) };
}

function queryPairs(query: string): [string, string][] {
  const pairs = parseRawQuery(query);
  if (pairs === undefined) {
    throw incompleteSignature('The request has a malformed percent-encoding in its query string.');
  }
  return pairs;
}

function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  const values: string[] = [];
  for (let at = 0; at + 1 < rawHeaders.length; at += 2) {
    if (rawHeaders[at]!.toLowerCase() === name) values.push(canonicalHeaderValue(rawHeaders[at + 1]!));
  }
  return values.length === 0 ? undefined : values.join(',');
}

function parseAmzDate(amzDate: string | undefined, where: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '');
  const ms = match
    ? Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!)
    : NaN;
  if (Number.isNaN(ms)) {
    throw incompleteSignature(`${where} must be an ISO 8601 basic date like 20190125T120000Z.`);
  }
  return ms;
}

function checkScope(credential: string, amzDate: string, expected: ScopeExpectation): [string, string] {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    throw incompleteSignature(
      `Credential should be scoped to a valid region, service and aws4_request: ACCESS_KEY/DATE/REGION/${expected.service}/aws4_request.`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (terminator !== 'aws4_request') {
    throw invalidSignature("Credential should be scoped with a valid terminator: 'aws4_request'.");
  }
  if (service !== expected.service) {
    throw invalidSignature(`Credential should be scoped to correct service: '${expected.service}'.`);
  }
  if (region !== expected.region) {
    throw invalidSignature(`Credential should be scoped to a valid region: '${expected.region}'.`);
  }
  if (date !== amzDate.slice(0, 8)) {
    throw invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  return [accessKeyId, `${date}/${region}/${service}/aws4_request`];
}

function checkSignedHeaders(list: string, needed: readonly string[]): string[] {
  const names = list.split(';');
  if (names.some((name) => name === '' || name !== name.toLowerCase())) {
    throw incompleteSignature('SignedHeaders must be lower-case header names separated by semicolons.');
  }
  for (const name of needed) {
    if (!names.includes(name)) {
      throw invalidSignature(
        `'${name === 'host' ? 'Host' : 'X-Amz-Date'}' must be a 'SignedHeader' in the AWS Authorization.`,
      );
    }
  }
  return names;
}

function parseAuthorizationHeader(
  header: string,
  request: SignedRequest,
  expected: ScopeExpectation,
): SignatureClaim {
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== sigv4Algorithm) {
    throw incompleteSignature(
      `Unsupported AWS 'algorithm': '${algorithm.slice(0, 40)}'; use ${sigv4Algorithm}.`,
    );
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const equals = part.indexOf('=');
    if (equals !== -1) fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    throw incompleteSignature(
      missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '),
    );
  }
  const amzDate = headerValue(request.rawHeaders, 'x-amz-date');
  if (amzDate === undefined)
    throw incompleteSignature("Authorization header requires existence of a 'X-Amz-Date' header.");
  const signedAtMs = parseAmzDate(amzDate, 'X-Amz-Date');
  const [accessKeyId, credentialScope] = checkScope(fields.get('Credential')!, amzDate, expected);
  return {
    accessKeyId,
    amzDate,
    signedAtMs,
    credentialScope,
    signedHeaders: checkSignedHeaders(fields.get('SignedHeaders')!, ['host', 'x-amz-date']),
    signature: fields.get('Signature')!,
  };
}

function parsePresignedQuery(pairs: [string, string][], expected: ScopeExpectation): SignatureClaim {
  const param = (name: string) => pairs.find(([key]) => key === name)?.[1];
  const missing = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ].filter((name) => !param(name));
  if (missing.length > 0) {
    throw incompleteSignature(
      missing.map((name) => `AWS query-string parameters must include '${name}'.`).join(' '),
    );
  }
  if (param('X-Amz-Algorithm') !== sigv4Algorithm) {
    throw incompleteSignature(
      `Unsupported AWS 'algorithm': '${param('X-Amz-Algorithm')!.slice(0, 40)}'; use ${sigv4Algorithm}.`,
    );
  }
  const amzDate = param('X-Amz-Date')!;
  const signedAtMs = parseAmzDate(amzDate, 'X-Amz-Date');
  const expiresText = param('X-Amz-Expires')!;
  const expiresSeconds = Number(expiresText);
  if (!/^\d{1,6}$/.test(expiresText) || expiresSeconds < 1 || expiresSeconds > maxPresignedExpirySeconds) {
    throw incompleteSignature(
      `X-Amz-Expires must be a whole number of seconds from 1 to ${maxPresignedExpirySeconds}.`,
    );
  }
  const [accessKeyId, credentialScope] = checkScope(param('X-Amz-Credential')!, amzDate, expected);
  return {
    accessKeyId,
    amzDate,
    signedAtMs,
    credentialScope,
    signedHeaders: checkSignedHeaders(param('X-Amz-SignedHeaders')!, ['host']),
    signature: param('X-Amz-Signature')!,
    expiresSeconds,
  };
}

/**
 * Reads the signature a request claims to carry. Undefined when it carries none at all (the caller answers
 * MissingAuthenticationToken); throws an AuthError when one is there but malformed or scoped elsewhere.
 */
export function parseSignatureClaim(
  request: SignedRequest,
  expected: ScopeExpectation,
): SignatureClaim | undefined {
  const header = headerValue(request.rawHeaders, 'authorization');
  const pairs = queryPairs(splitUrl(request.rawUrl).query);
  const presigned = pairs.some(
    ([name]) => name === 'X-Amz-Algorithm' || name === 'X-Amz-Signature' || name === 'X-Amz-Credential',
  );
  if (header !== undefined && presigned) {
    throw invalidSignature(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.',
    );
  }
  if (header !== undefined) return parseAuthorizationHeader(header, request, expected);
  if (presigned) return parsePresignedQuery(pairs, expected);
  return undefined;
}

/** Refuses a signature made too far from `nowMs`, or a presigned URL past its X-Amz-Expires. */
export function checkFreshness(claim: SignatureClaim, nowMs: number): void {
  if (claim.signedAtMs > nowMs + maxClockSkewMs) {
    throw invalidSignature(
      `Signature not yet current: ${claim.amzDate} is still later than ${amzDateOf(nowMs + maxClockSkewMs)} (${amzDateOf(nowMs)} + 5 min.)`,
    );
  }
  if (claim.expiresSeconds !== undefined) {
    if (nowMs > claim.signedAtMs + claim.expiresSeconds * 1000) {
      throw invalidSignature(
        `Signature expired: ${claim.amzDate} plus ${claim.expiresSeconds} seconds is earlier than ${amzDateOf(nowMs)}`,
      );
    }
    return;
  }
  if (claim.signedAtMs < nowMs - maxClockSkewMs) {
    throw invalidSignature(
      `Signature expired: ${claim.amzDate} is now earlier than ${amzDateOf(nowMs - maxClockSkewMs)} (${amzDateOf(nowMs)} - 5 min.)`,
    );
  }
}

/**
 * Refuses an x-amz-content-sha256 that is not the body's hash. AWS accepts UNSIGNED-PAYLOAD only for S3; every
 * other service signs over the body it computes, so an unsigned payload cannot verify there either.
 */
export function checkContentHashHeader(request: SignedRequest, bodySha256Hex: string): void {
  const claimed = headerValue(request.rawHeaders, 'x-amz-content-sha256');
  if (claimed === undefined) return;
  if (claimed === 'UNSIGNED-PAYLOAD' || claimed.startsWith('STREAMING-')) {
    throw invalidSignature(
      `${claimed.slice(0, 60)} is not accepted by this service: sign the SHA-256 of the request body.`,
    );
  }
  if (claimed.toLowerCase() !== bodySha256Hex) {
    throw invalidSignature('The provided x-amz-content-sha256 header does not match what was computed.');
  }
}

/** Compares in constant time, so the answer's timing tells nothing about how much of the signature was right. */
export function signaturesEqual(expectedHex: string, givenHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'utf8');
  const given = Buffer.from(givenHex, 'utf8');
  const sameLength = expected.length === given.length;
  return timingSafeEqual(expected, sameLength ? given : expected) && sameLength;
}

/**
 * Throws InvalidSignatureException unless `claim.signature` is what the key's secret makes of this request;
 * `signingKeyFor` derives (or recalls) the key for a credential scope.
 */
export function verifySignature(
  request: SignedRequest,
  claim: SignatureClaim,
  signingKeyFor: (credentialScope: string) => Buffer,
  bodySha256Hex: string,
): void {
  checkContentHashHeader(request, bodySha256Hex);
  const { path, query } = splitUrl(request.rawUrl);
  const presigned = claim.expiresSeconds !== undefined;
  const canonical = canonicalRequest({
    method: request.method,
    path,
    queryPairs: queryPairs(query).filter(([name]) => !(presigned && name === 'X-Amz-Signature')),
    headers: claim.signedHeaders.map((name) => [name, headerValue(request.rawHeaders, name) ?? ''] as const),
    payloadSha256Hex: bodySha256Hex,
  });
  const expected = signatureOf(
    signingKeyFor(claim.credentialScope),
    claim.amzDate,
    claim.credentialScope,
    canonical,
  );
  if (!signaturesEqual(expected, claim.signature)) {
    throw invalidSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}
