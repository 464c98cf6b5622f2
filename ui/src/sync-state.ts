// A connected proxy's sync state as `switchyard proxy-status` words it: SYNCED, STALE (sent, not yet ACKed) or
// NACKED (it rejected the last update), and its last NACK message. Pure, so it is tested without a browser.

export interface TypeStatus {
  readonly typeUrl: string;
  readonly lastSentVersion?: string;
  readonly lastAckedVersion?: string;
  readonly lastNack?: { readonly message: string; readonly at: string; readonly version: string };
}

export interface XdsClient {
  readonly streamId: number;
  readonly nodeId: string;
  readonly protocol: string;
  readonly userAgentName: string;
  readonly userAgentVersion: string;
  readonly peer: string;
  readonly connectedAt: string;
  readonly types: readonly TypeStatus[];
  readonly proxy?: { readonly meshName: string; readonly kind: string; readonly name: string };
}

export type SyncState = 'SYNCED' | 'STALE' | 'NACKED';

export function syncStateOf(client: XdsClient): SyncState {
  if (client.types.some((type) => type.lastNack)) return 'NACKED';
  return client.types.every((type) => type.lastAckedVersion === type.lastSentVersion) ? 'SYNCED' : 'STALE';
}

/** The latest NACK across the client's types, as `type: message`. */
export function lastNackOf(client: XdsClient): string | undefined {
  const nacks = client.types
    .filter((type) => type.lastNack)
    .sort((a, b) => (a.lastNack!.at < b.lastNack!.at ? 1 : -1));
  const latest = nacks[0];
  return latest ? `${latest.typeUrl.split('.').pop()}: ${latest.lastNack!.message}` : undefined;
}
