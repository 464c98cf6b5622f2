// What the server reports about each connected xDS client, and the callbacks it fires on stream events.
import type { NackInfo, TypeStatus } from './type-tracker.ts';

export type AdsProtocol = 'sotw' | 'delta';

/** Identity of one ADS stream, fixed once its node is resolved. */
export interface ClientInfo {
  readonly streamId: number;
  readonly protocol: AdsProtocol;
  readonly nodeId: string;
  readonly nodeCluster: string;
  /** Snapshot key the node resolved to. */
  readonly key: string;
  /** `node.user_agent_name`, e.g. "envoy" or "gRPC Node Pure JS". */
  readonly userAgentName: string;
  readonly userAgentVersion: string;
  readonly peer: string;
  readonly connectedAt: string;
}

export interface ClientStatus extends ClientInfo {
  readonly connectionAgeMs: number;
  /** True while no snapshot exists for the key: the stream is open but nothing is sent. */
  readonly waiting: boolean;
  /** True while the client is not reading fast enough: further updates wait and are coalesced. */
  readonly stalled: boolean;
  readonly types: readonly TypeStatus[];
}

export interface ResponseEvent {
  readonly typeUrl: string;
  readonly version: string;
  readonly nonce: string;
  readonly resources: number;
  readonly removed: number;
  /** What prompted the response: a new snapshot for the key, or a client request (first fetch, new name). */
  readonly trigger: 'snapshot' | 'request';
  /** From that trigger (`setSnapshot` call or request arrival) to this response being written. */
  readonly latencyMs: number;
}

/** Observers of stream events; they run synchronously on the event loop and must not throw or block. */
export interface AdsCallbacks {
  onConnect?(client: ClientInfo): void;
  onDisconnect?(client: ClientInfo): void;
  onResponse?(client: ClientInfo, event: ResponseEvent): void;
  onAck?(client: ClientInfo, event: { typeUrl: string; version: string; nonce: string }): void;
  onNack?(client: ClientInfo, event: { typeUrl: string } & NackInfo): void;
}
