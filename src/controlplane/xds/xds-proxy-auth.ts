// Who an xDS stream's caller is: a proxy token in the `authorization` metadata or a CA-issued client certificate,
// checked against the node the stream claims; refusals are counted and told nothing about what exists.

import type { PeerCertificate } from 'node:tls';
import type { ProxyAuthenticator, ProxyPrincipal } from '../../api/auth/proxy-authenticator.ts';
import { nodePath, sameNode, type ProxyNodeRef } from '../../api/auth/proxy-token.ts';
import type { StreamPeer } from '../../xds/server/index.ts';
import { spiffeIdOf } from '../../xds/translate/workload-identity.ts';

/** The one answer every unauthenticated stream gets, whatever node it claims and whatever failed. */
export const unauthenticatedMessage =
  'xDS stream not authenticated: present a proxy token for this node (metadata authorization: Bearer <token>) or a client certificate from the mesh CA';

export type XdsAuthentication =
  | { readonly ok: true; readonly principal: ProxyPrincipal }
  /** `reason` is for the operator (rejected-proxy list, counters), never for the client. */
  | { readonly ok: false; readonly reason: string };

const maxRefusalKinds = 32;

/** Longest `authorization` value looked at; longer ones are refused unread. */
const maxAuthorizationChars = 4096;

/** `spiffe://<td>/mesh/<mesh>/<virtualNode|virtualGateway>/<name>` of the certificate's URI SANs. */
function certificateNode(certificate: PeerCertificate, trustDomain: string): ProxyNodeRef | string {
  const uris = (certificate.subjectaltname ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice('URI:'.length));
  const prefix = `spiffe://${trustDomain}/mesh/`;
  const nodes = uris.flatMap((uri) => {
    if (!uri.startsWith(prefix)) return [];
    const m = /^([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(uri.slice(prefix.length));
    return m ? [{ meshName: m[1]!, kind: m[2] as ProxyNodeRef['kind'], name: m[3]! }] : [];
  });
  if (nodes.length === 1) return nodes[0]!;
  return nodes.length === 0
    ? `client certificate has no SPIFFE ID of trust domain ${trustDomain} naming a node`
    : 'client certificate names several nodes';
}

export class XdsProxyAuth {
  readonly #authenticator: ProxyAuthenticator;
  readonly #trustDomain: string | undefined;
  readonly #refusals = new Map<string, number>();

  /** `trustDomain`: client certificates are accepted only when the xDS server verifies them against the CA. */
  constructor(authenticator: ProxyAuthenticator, trustDomain: string | undefined) {
    this.#authenticator = authenticator;
    this.#trustDomain = trustDomain;
  }

  /** What the caller proved, from the stream's metadata or its verified client certificate. */
  authenticate(peer: StreamPeer): XdsAuthentication {
    const values = peer.metadata.get('authorization');
    if (values.length > 1) return { ok: false, reason: 'several authorization values' };
    if (values.length === 1) {
      const value = values[0];
      if (typeof value !== 'string' || value.length > maxAuthorizationChars)
        return { ok: false, reason: 'malformed authorization' };
      const m = /^Bearer +(\S+) *$/i.exec(value);
      if (!m) return { ok: false, reason: 'authorization is not a bearer token' };
      const result = this.#authenticator.authenticateToken(m[1]!);
      return result.ok ? result : { ok: false, reason: `proxy token refused: ${result.reason}` };
    }
    if (peer.certificate !== undefined && this.#trustDomain !== undefined) {
      const node = certificateNode(peer.certificate, this.#trustDomain);
      if (typeof node === 'string') return { ok: false, reason: node };
      return {
        ok: true,
        principal: {
          kind: 'proxyCertificate',
          node,
          spiffeId: spiffeIdOf(this.#trustDomain, node.kind, node.meshName, node.name),
        },
      };
    }
    return { ok: false, reason: 'no proxy token and no client certificate' };
  }

  /** Whether `principal` may serve `node`; the reason when not. */
  mayServe(principal: ProxyPrincipal, node: ProxyNodeRef): string | undefined {
    return sameNode(principal.node, node)
      ? undefined
      : `${principal.kind === 'proxyToken' ? 'token' : 'certificate'} is for ${nodePath(principal.node)}`;
  }

  /** Counts one refusal by reason; node names are left out and the kinds are bounded, whatever callers send. */
  countRefusal(reason: string): void {
    let key = reason.replace(/ is for .*$/, ' is for another node').slice(0, 100);
    if (!this.#refusals.has(key) && this.#refusals.size >= maxRefusalKinds) key = 'other';
    this.#refusals.set(key, (this.#refusals.get(key) ?? 0) + 1);
  }

  /** Refused streams so far, by reason. */
  refusals(): Record<string, number> {
    return Object.fromEntries([...this.#refusals].sort(([a], [b]) => a.localeCompare(b)));
  }

  onRevoked(listener: (tokenIds: readonly string[]) => void): () => void {
    return this.#authenticator.onRevoked(listener);
  }
}
