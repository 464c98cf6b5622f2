// One ADS stream's lifecycle shared by SotW and delta: node resolution, snapshot watch, and a backpressured pump.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Node__Output } from '../protos/message-types.ts';
import type { AdsCallbacks, AdsProtocol, ClientInfo, ClientStatus, ResponseEvent } from './client-status.ts';
import type { ResolveNode, StreamPeer } from './node-resolution.ts';
import type { SnapshotCache, SnapshotEntry } from './snapshot-cache.ts';
import { sortTypeUrls } from './type-order.ts';
import type { TypeStatus } from './type-tracker.ts';

/** What every stream shares with the server that accepted it. */
export interface StreamContext {
  readonly cache: SnapshotCache;
  readonly resolveNode: ResolveNode;
  readonly callbacks: AdsCallbacks;
  readonly logger: Logger;
  readonly controlPlaneId: string | undefined;
  readonly onClosed: (stream: AdsStreamHandle) => void;
}

/** The protocol-independent face of a stream, as the server keeps it. */
export interface AdsStreamHandle {
  readonly streamId: number;
  readonly peer: StreamPeer;
  readonly closed: boolean;
  readonly info: ClientInfo | undefined;
  status(): ClientStatus | undefined;
  fail(code: grpc.status, message: string, logLevel?: 'info' | 'debug'): void;
}

interface RequestBase {
  readonly node: Node__Output | null;
  readonly type_url: string;
}

let nextStreamId = 1;

function peerOf(streamId: number, call: grpc.ServerDuplexStream<unknown, Buffer>): StreamPeer {
  // Only an authorized TLS socket reports a certificate: one that chained to the server's roots.
  const certificate = call.getAuthContext().sslPeerCertificate;
  return {
    streamId,
    metadata: call.metadata,
    address: call.getPeer(),
    ...(certificate === undefined ? {} : { certificate }),
  };
}

/**
 * Requests are handled in arrival order. Responses are never queued: a request or a new snapshot only marks
 * types dirty, and the pump computes what is due from the latest state when the stream can take more. A client
 * that stops reading therefore holds at most one pass of responses and never slows other streams.
 */
export abstract class AdsStream<Req extends RequestBase> implements AdsStreamHandle {
  readonly streamId = nextStreamId++;
  readonly peer: StreamPeer;
  abstract readonly protocol: AdsProtocol;
  protected readonly ctx: StreamContext;
  protected readonly call: grpc.ServerDuplexStream<Req, Buffer>;
  protected log: Logger;
  #phase: 'new' | 'resolving' | 'ready' | 'closed' = 'new';
  #backlog: Req[] = [];
  #info: ClientInfo | undefined;
  #startedAt = performance.now();
  #entry: SnapshotEntry | undefined;
  #unwatch: (() => void) | undefined;
  #dirty = new Set<string>();
  #scheduled = false;
  #blocked = false;
  #nonce = 0;
  /** When the latest trigger (request or snapshot) arrived, for set-to-send latency. */
  #triggeredAt = 0;
  #trigger: ResponseEvent['trigger'] = 'request';

  constructor(ctx: StreamContext, call: grpc.ServerDuplexStream<Req, Buffer>) {
    this.ctx = ctx;
    this.call = call;
    this.peer = peerOf(this.streamId, call);
    this.log = ctx.logger.child({ stream: this.streamId });
    call.on('data', (req: Req) => this.#onRequest(req));
    call.on('end', () => call.end());
    call.on('error', (err) => this.#close(`error: ${err.message}`));
    call.on('cancelled', () => this.#close('cancelled by client'));
    call.on('close', () => this.#close('closed'));
    call.on('finish', () => this.#close('finished'));
  }

  /** Handles one request of a resolved stream. */
  protected abstract handle(req: Req): void;
  /** Computes and sends what is due for `types` (already in send order) from the given snapshot. */
  protected abstract pass(entry: SnapshotEntry, types: readonly string[]): void;
  protected abstract typeUrls(): Iterable<string>;
  protected abstract typeStatuses(): TypeStatus[];

  get closed(): boolean {
    return this.#phase === 'closed';
  }

  get info(): ClientInfo | undefined {
    return this.#info;
  }

  status(): ClientStatus | undefined {
    if (this.#info === undefined) return undefined;
    return {
      ...this.#info,
      connectionAgeMs: Math.round(performance.now() - this.#startedAt),
      waiting: this.#entry === undefined,
      stalled: this.#blocked,
      types: this.typeStatuses(),
    };
  }

  /** Ends the stream with a gRPC status (the client sees `code` and `message`). */
  fail(code: grpc.status, message: string, logLevel: 'info' | 'debug' = 'info'): void {
    if (this.#phase === 'closed') return;
    this.log[logLevel]({ code, message }, 'xds stream failed');
    this.call.emit('error', Object.assign(new Error(message), { code, details: message }));
    this.#close(message);
  }

  protected nextNonce(): string {
    return String(++this.#nonce);
  }

  protected markDirty(typeUrl: string): void {
    this.#dirty.add(typeUrl);
    this.#schedule();
  }

  /** Writes one encoded response; past the stream's buffer limit the pump pauses until it drains. */
  protected send(bytes: Buffer, event: Omit<ResponseEvent, 'trigger' | 'latencyMs'>): void {
    const full: ResponseEvent = {
      ...event,
      trigger: this.#trigger,
      latencyMs: performance.now() - this.#triggeredAt,
    };
    if (!this.call.write(bytes) && !this.#blocked) {
      this.#blocked = true;
      this.log.debug('xds stream buffer full; pausing until the client reads');
      this.call.once('drain', () => {
        this.#blocked = false;
        this.#schedule();
      });
    }
    this.log.debug(
      {
        type: event.typeUrl,
        version: event.version,
        nonce: event.nonce,
        resources: event.resources,
        removed: event.removed,
        trigger: full.trigger,
        latencyMs: Number(full.latencyMs.toFixed(3)),
      },
      'xds response sent',
    );
    if (this.#info !== undefined) this.ctx.callbacks.onResponse?.(this.#info, full);
  }

  #onRequest(req: Req): void {
    if (this.#phase === 'closed') return;
    this.#triggeredAt = performance.now();
    this.#trigger = 'request';
    if (this.#phase === 'ready') return this.#handleSafely(req);
    this.#backlog.push(req);
    if (this.#phase === 'new') this.#resolve(req.node);
  }

  #resolve(node: Node__Output | null): void {
    if (node === null)
      return this.fail(grpc.status.INVALID_ARGUMENT, 'the first request of a stream must carry node');
    this.#phase = 'resolving';
    const accept = (result: Awaited<ReturnType<ResolveNode>>): void => {
      if (this.#phase === 'closed') return;
      if (!result.ok) return this.fail(result.code, result.message);
      this.#ready(node, result.key);
    };
    try {
      const result = this.ctx.resolveNode(node, this.peer);
      if (result instanceof Promise) {
        result.then(accept, (err: unknown) =>
          this.fail(
            grpc.status.INTERNAL,
            `node resolution failed: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      } else accept(result);
    } catch (err) {
      this.fail(
        grpc.status.INTERNAL,
        `node resolution failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  #ready(node: Node__Output, key: string): void {
    this.#phase = 'ready';
    this.#info = {
      streamId: this.streamId,
      protocol: this.protocol,
      nodeId: node.id,
      nodeCluster: node.cluster,
      key,
      userAgentName: node.user_agent_name,
      userAgentVersion: node.user_agent_version ?? node.user_agent_build_version?.version?.toString() ?? '',
      peer: this.call.getPeer(),
      connectedAt: new Date(Date.now() - (performance.now() - this.#startedAt)).toISOString(),
    };
    this.log = this.log.child({ node: node.id, key, protocol: this.protocol });
    this.#entry = this.ctx.cache.getSnapshot(key);
    this.#unwatch = this.ctx.cache.watch(key, (entry) => this.#onSnapshot(entry));
    this.log.info(
      {
        userAgent: `${this.#info.userAgentName}/${this.#info.userAgentVersion}`,
        waiting: this.#entry === undefined,
      },
      'xds client connected',
    );
    this.ctx.callbacks.onConnect?.(this.#info);
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const req of backlog) this.#handleSafely(req);
  }

  #handleSafely(req: Req): void {
    if (req.type_url === '')
      return this.fail(grpc.status.INVALID_ARGUMENT, 'type_url is required on ADS requests');
    try {
      this.handle(req);
    } catch (err) {
      this.log.error({ err }, 'xds request handling failed');
      this.fail(grpc.status.INTERNAL, 'internal error handling the request');
    }
  }

  #onSnapshot(entry: SnapshotEntry | undefined): void {
    this.#entry = entry;
    if (entry === undefined) return;
    this.#triggeredAt = entry.setAt;
    this.#trigger = 'snapshot';
    for (const t of this.typeUrls()) this.#dirty.add(t);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#blocked || this.#phase !== 'ready') return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    const entry = this.#entry;
    if (this.#phase !== 'ready' || this.#blocked || entry === undefined || this.#dirty.size === 0) return;
    const types = sortTypeUrls(this.#dirty);
    this.#dirty = new Set();
    try {
      this.pass(entry, types);
    } catch (err) {
      this.log.error({ err }, 'xds response computation failed');
      this.fail(grpc.status.INTERNAL, 'internal error computing a response');
    }
  }

  #close(reason: string): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#unwatch?.();
    this.#backlog = [];
    // A stream that never got past resolution was never reported connected.
    this.log[this.#info === undefined ? 'debug' : 'info']({ reason }, 'xds client disconnected');
    if (this.#info !== undefined) this.ctx.callbacks.onDisconnect?.(this.#info);
    this.ctx.onClosed(this);
  }
}
