// Who a proxy is, proved by a token or a client certificate: the contract the xDS server and the registry share.

import type { ProxyNodeRef } from './proxy-token.ts';

/** How a proxy proved which node it runs. */
export type ProxyPrincipal =
  | {
      readonly kind: 'proxyToken';
      readonly node: ProxyNodeRef;
      readonly tokenId: string;
      /** The node record the token was issued for (see ProxyTokenClaims.nodeUid). */
      readonly nodeUid?: string;
    }
  /** A client certificate from the built-in CA whose SPIFFE ID names the node. */
  | { readonly kind: 'proxyCertificate'; readonly node: ProxyNodeRef; readonly spiffeId: string };

export type ProxyAuthentication =
  | { readonly ok: true; readonly principal: ProxyPrincipal }
  /** `reason` is for logs and counters only: clients are told no more than that they are not authenticated. */
  | { readonly ok: false; readonly reason: string };

/** Verifies what a proxy presents. Implemented over the store's signing keys and revocations. */
export interface ProxyAuthenticator {
  /** A bearer token (`syt1.…`) as presented; synchronous, no I/O (keys and revocations are held in memory). */
  authenticateToken(token: string): ProxyAuthentication;
  /** Calls `listener` with the ids of tokens revoked since the last call, within seconds on every replica. */
  onRevoked(listener: (tokenIds: readonly string[]) => void): () => void;
}
