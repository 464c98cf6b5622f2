// What the control plane serves one connected proxy: its snapshot's resources (as packed Anys) and, per type, the
// version the proxy last ACKed, for `switchyard proxy-config`.

import { packAny, unpackAny } from '../../xds/protos/any.ts';
import { typeUrls } from '../../xds/protos/type-urls.ts';
import type { ClientStatus, SnapshotCache } from '../../xds/server/index.ts';
import type { ProxyIdentity } from './proxy-identity.ts';

export interface ProxyConfigResource {
  readonly name: string;
  readonly version: string;
  /** The encoded Envoy message (google.protobuf.Any value), base64. */
  readonly value: string;
}

export interface ProxyConfigType {
  readonly typeUrl: string;
  /** The type's version in the control plane's current snapshot. */
  readonly version: string;
  /** What the proxy's stream last ACKed of this type; absent when it never did (or does not subscribe). */
  readonly ackedVersion?: string;
  readonly resources: readonly ProxyConfigResource[];
}

export interface ProxyConfigView {
  readonly nodeId: string;
  /** How many streams of this proxy identity are connected; the first one's ACKs are reported. */
  readonly streams: number;
  readonly types: readonly ProxyConfigType[];
}

type Client = ClientStatus & { readonly proxy: ProxyIdentity };

/** Envoy's config_dump prints a sensitive field this way; so does this view. */
const redacted = { inline_string: '[redacted]' };

/**
 * A Secret as the view shows it: certificates and trust bundles as served, every field Envoy marks sensitive
 * (private key, password, PKCS#12, generic secret, session ticket keys) replaced or dropped. A proxy's key goes to
 * that proxy over SDS and nowhere else: this view is read by anyone allowed GetXdsConfig, for any proxy.
 */
function secretWithoutKeys(any: { readonly type_url: string; readonly value: Uint8Array }): Uint8Array {
  const secret = unpackAny(any, typeUrls.secret) as unknown as Record<string, Record<string, unknown> | null>;
  const certificate = secret.tls_certificate;
  if (certificate) {
    for (const field of ['private_key', 'password', 'pkcs12'] as const) {
      if (certificate[field]) certificate[field] = redacted;
    }
  }
  delete secret.generic_secret;
  delete secret.session_ticket_keys;
  return packAny(typeUrls.secret, secret).value;
}

function shownValue(typeUrl: string, any: { readonly type_url: string; readonly value: Uint8Array }): string {
  const value = typeUrl === typeUrls.secret ? secretWithoutKeys(any) : any.value;
  return Buffer.from(value).toString('base64');
}

/** `node` is a node id as the proxy sent it, or `mesh/<mesh>/<virtualNode|virtualGateway>/<name>` for any form. */
export function proxyConfigOf(
  node: string,
  clients: readonly Client[],
  cache: SnapshotCache,
): ProxyConfigView | undefined {
  const matching = clients.filter(
    (c) => c.nodeId === node || `mesh/${c.proxy.meshName}/${c.proxy.kind}/${c.proxy.name}` === node,
  );
  const first = matching[0];
  if (first === undefined) return undefined;
  const snapshot = cache.getSnapshot(first.key)?.snapshot;
  const types = (snapshot?.typeUrls() ?? []).sort().map((typeUrl): ProxyConfigType => {
    const acked = first.types.find((t) => t.typeUrl === typeUrl)?.lastAckedVersion;
    return {
      typeUrl,
      version: snapshot!.version(typeUrl),
      ...(acked === undefined ? {} : { ackedVersion: acked }),
      resources: [...snapshot!.resources(typeUrl).values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => ({
          name: r.name,
          version: r.version,
          value: shownValue(typeUrl, r.any),
        })),
    };
  });
  return { nodeId: first.nodeId, streams: matching.length, types };
}
