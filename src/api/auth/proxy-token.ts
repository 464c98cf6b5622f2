// The proxy token's wire format: a node's claim, signed with the control plane's HMAC key, checked offline.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseArn, parseResourcePath } from '../../model/arn.ts';

export const proxyTokenPrefix = 'syt1';

/** The virtual node or gateway a token speaks for. */
export interface ProxyNodeRef {
  readonly meshName: string;
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
}

/** What a token says, once its signature and dates are checked. */
export interface ProxyTokenClaims {
  /** Random, unique per token: what `switchyard token revoke` names. */
  readonly id: string;
  readonly node: ProxyNodeRef;
  /**
   * The uid of the node record the token was issued for: a node deleted and created again under the same name
   * is another node, which the token does not speak for. Absent in tokens made without one (tests).
   */
  readonly nodeUid?: string;
  /** Which signing key made it (tokens outlive a key rotation until they expire). */
  readonly keyId: string;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

export type ProxyTokenCheck =
  | { readonly ok: true; readonly claims: ProxyTokenClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknownKey' | 'badSignature' | 'expired' };

/** `mesh/M/virtualNode/N` — the form node ids, tokens and the CLI share. */
export function nodePath(node: ProxyNodeRef): string {
  return `mesh/${node.meshName}/${node.kind}/${node.name}`;
}

/** Accepts `mesh/M/virtualNode/N`, `mesh/M/virtualGateway/G` or either's App Mesh ARN. */
export function parseNodeRef(text: string): ProxyNodeRef | undefined {
  const key = parseArn(text)?.key ?? parseResourcePath(text);
  if (key === undefined || (key.kind !== 'virtualNode' && key.kind !== 'virtualGateway')) return undefined;
  return { meshName: key.meshName, kind: key.kind, name: key.name };
}

export function sameNode(a: ProxyNodeRef, b: ProxyNodeRef): boolean {
  return a.meshName === b.meshName && a.kind === b.kind && a.name === b.name;
}

interface Payload {
  readonly id: string;
  readonly node: string;
  readonly kid: string;
  readonly iat: number;
  readonly exp: number;
  readonly uid?: string;
}

const mac = (key: Buffer, signedPart: string) => createHmac('sha256', key).update(signedPart).digest();

/** `syt1.<payload>.<mac>`, both base64url; the payload is JSON with seconds since the epoch. */
export function mintProxyToken(
  key: { readonly id: string; readonly secret: Buffer },
  claims: ProxyTokenClaims,
): string {
  const payload: Payload = {
    id: claims.id,
    node: nodePath(claims.node),
    kid: key.id,
    iat: Math.floor(claims.issuedAtMs / 1000),
    exp: Math.floor(claims.expiresAtMs / 1000),
    ...(claims.nodeUid === undefined ? {} : { uid: claims.nodeUid }),
  };
  const signedPart = `${proxyTokenPrefix}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signedPart}.${mac(key.secret, signedPart).toString('base64url')}`;
}

/** Largest token accepted; anything longer is refused before it is parsed. */
export const maxProxyTokenBytes = 2048;

/**
 * Checks a presented token against the signing keys (by id) and the clock. Never throws; the reason is for logs
 * and counters, never for the client beyond "invalid" (a client learns nothing about which check failed).
 */
export function checkProxyToken(
  token: string,
  keys: (keyId: string) => Buffer | undefined,
  nowMs: number,
): ProxyTokenCheck {
  if (token.length > maxProxyTokenBytes) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== proxyTokenPrefix) return { ok: false, reason: 'malformed' };
  const [, encodedPayload = '', encodedMac = ''] = parts;
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8')) as Partial<Payload>;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    typeof payload.id !== 'string' ||
    typeof payload.node !== 'string' ||
    typeof payload.kid !== 'string' ||
    !Number.isSafeInteger(payload.iat) ||
    !Number.isSafeInteger(payload.exp) ||
    (payload.uid !== undefined && typeof payload.uid !== 'string')
  )
    return { ok: false, reason: 'malformed' };
  const node = parseNodeRef(payload.node);
  if (node === undefined) return { ok: false, reason: 'malformed' };
  const secret = keys(payload.kid);
  if (secret === undefined) return { ok: false, reason: 'unknownKey' };
  const expected = mac(secret, `${proxyTokenPrefix}.${encodedPayload}`);
  const presented = Buffer.from(encodedMac, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    return { ok: false, reason: 'badSignature' };
  if (payload.exp! * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    claims: {
      id: payload.id,
      node,
      ...(payload.uid === undefined ? {} : { nodeUid: payload.uid }),
      keyId: payload.kid,
      issuedAtMs: payload.iat! * 1000,
      expiresAtMs: payload.exp! * 1000,
    },
  };
}
