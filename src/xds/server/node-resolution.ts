// The hooks that admit a stream by what its caller presented and map its Envoy node to a snapshot key.
import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { Node__Output } from '../protos/message-types.ts';

/** A refusal: the stream ends with this gRPC status and message, nothing else is sent. */
export interface StreamRefusal {
  readonly ok: false;
  readonly code: grpc.status;
  readonly message: string;
}

/**
 * `ok`: serve the stream from `key`'s snapshot. A key with no snapshot yet keeps the stream open and silent
 * until one is set (App Mesh's Envoy waits for its node to be created). `ok: false` fails the stream with
 * that gRPC status and message.
 */
export type NodeResolution = { readonly ok: true; readonly key: string } | StreamRefusal;

/** What the caller of one stream presented, fixed when the stream opens. */
export interface StreamPeer {
  readonly streamId: number;
  /** The call's metadata (e.g. `authorization`). */
  readonly metadata: grpc.Metadata;
  /** `host:port` of the client as grpc-js reports it. */
  readonly address: string;
  /** The client certificate, present only over TLS when it chains to the server's trusted roots. */
  readonly certificate?: PeerCertificate;
}

/** Called once per stream with the first request's node. May be async; requests wait for it in order. */
export type ResolveNode = (node: Node__Output, peer: StreamPeer) => NodeResolution | Promise<NodeResolution>;

/**
 * Called as a stream opens, before any request is read: a refusal ends it at once, so a caller that cannot
 * prove anything costs one header check and holds nothing.
 */
export type AdmitStream = (peer: StreamPeer) => StreamRefusal | undefined;

/** Default: the snapshot key is the node id. */
export const resolveByNodeId: ResolveNode = (node) =>
  node.id === ''
    ? { ok: false, code: grpc.status.INVALID_ARGUMENT, message: 'node.id is required' }
    : { ok: true, key: node.id };
