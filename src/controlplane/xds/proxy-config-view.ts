// What the control plane serves one connected proxy: its snapshot's resources (as packed Anys) and, per type, the
// version the proxy last ACKed, for `switchyard proxy-config`.

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
          value: Buffer.from(r.any.value).toString('base64'),
        })),
    };
  });
  return { nodeId: first.nodeId, streams: matching.length, types };
}
