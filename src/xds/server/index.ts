// Public surface of the generic ADS server: snapshots, the cache the control plane writes, the server and its status.
export { AdsServer } from './ads-server.ts';
export type { AdsServerOptions } from './ads-server.ts';
export { Snapshot } from './snapshot.ts';
export { SnapshotCache } from './snapshot-cache.ts';
export type { SnapshotEntry, SnapshotListener } from './snapshot-cache.ts';
export { resolveByNodeId } from './node-resolution.ts';
export type {
  AdmitStream,
  NodeResolution,
  ResolveNode,
  StreamPeer,
  StreamRefusal,
} from './node-resolution.ts';
export type { AdsCallbacks, AdsProtocol, ClientInfo, ClientStatus, ResponseEvent } from './client-status.ts';
export type { NackInfo, TypeStatus } from './type-tracker.ts';
export { isFullStateType, sortTypeUrls } from './type-order.ts';
