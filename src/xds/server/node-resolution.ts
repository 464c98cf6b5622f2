// The hook that maps a stream's Envoy node to the snapshot key it is served from, or rejects it.
import * as grpc from '@grpc/grpc-js';
import type { Node__Output } from '../protos/message-types.ts';

/**
 * `ok`: serve the stream from `key`'s snapshot. A key with no snapshot yet keeps the stream open and silent
 * until one is set (App Mesh's Envoy waits for its node to be created). `ok: false` fails the stream with
 * that gRPC status and message.
 */
export type NodeResolution =
  | { readonly ok: true; readonly key: string }
  | { readonly ok: false; readonly code: grpc.status; readonly message: string };

/** Called once per stream with the first request's node. May be async; requests wait for it in order. */
export type ResolveNode = (node: Node__Output) => NodeResolution | Promise<NodeResolution>;

/** Default: the snapshot key is the node id. */
export const resolveByNodeId: ResolveNode = (node) =>
  node.id === ''
    ? { ok: false, code: grpc.status.INVALID_ARGUMENT, message: 'node.id is required' }
    : { ok: true, key: node.id };
