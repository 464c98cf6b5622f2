// The ADS gRPC service: accepts SotW and delta streams and serves each from its node's snapshot in the cache.
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { adsServiceDefinition } from '../protos/ads-service.ts';
import type { DeltaDiscoveryRequest__Output, DiscoveryRequest__Output } from '../protos/message-types.ts';
import type { AdsStreamHandle, StreamContext } from './ads-stream.ts';
import type { AdsCallbacks, ClientInfo, ClientStatus } from './client-status.ts';
import { DeltaStream } from './delta-stream.ts';
import { resolveByNodeId } from './node-resolution.ts';
import type { AdmitStream, ResolveNode, StreamPeer } from './node-resolution.ts';
import type { SnapshotCache } from './snapshot-cache.ts';
import { SotwStream } from './sotw-stream.ts';

export interface AdsServerOptions {
  readonly cache: SnapshotCache;
  /** Maps a node to its snapshot key or rejects it; default: the key is `node.id`. */
  readonly resolveNode?: ResolveNode;
  /** Checks what a caller presented as its stream opens; default: every stream is admitted. */
  readonly admit?: AdmitStream;
  readonly callbacks?: AdsCallbacks;
  readonly logger?: Logger;
  /** Sent as `control_plane.identifier` in every response when set. */
  readonly controlPlaneId?: string;
  /** Registers more services on the server `listen` starts (e.g. the MetricsService on the xDS port). */
  readonly addServices?: (server: grpc.Server) => void;
  /** Every admitted stream's end, resolved or not (what `admit` counted can be released here). */
  readonly onStreamClosed?: (peer: StreamPeer) => void;
}

export class AdsServer {
  readonly #streams = new Set<AdsStreamHandle>();
  readonly #context: StreamContext;
  readonly #admit: AdmitStream | undefined;
  #ownServer: grpc.Server | undefined;
  readonly #addServices: ((server: grpc.Server) => void) | undefined;

  constructor(options: AdsServerOptions) {
    this.#admit = options.admit;
    this.#addServices = options.addServices;
    this.#context = {
      cache: options.cache,
      resolveNode: options.resolveNode ?? resolveByNodeId,
      callbacks: options.callbacks ?? {},
      logger: options.logger ?? pino({ level: 'silent' }),
      controlPlaneId: options.controlPlaneId,
      onClosed: (stream) => {
        if (this.#streams.delete(stream)) options.onStreamClosed?.(stream.peer);
      },
    };
  }

  /** Registers the AggregatedDiscoveryService on a server the caller owns. */
  addTo(server: grpc.Server): void {
    server.addService(adsServiceDefinition() as unknown as grpc.ServiceDefinition, {
      StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest__Output, Buffer>) => {
        this.#accept(new SotwStream(this.#context, call));
      },
      DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaDiscoveryRequest__Output, Buffer>) => {
        this.#accept(new DeltaStream(this.#context, call));
      },
    });
  }

  /**
   * Starts a gRPC server of its own on `address` ("host:port", port 0 for any); returns the port. Plaintext
   * unless `credentials` say otherwise; `extend` adds further services to the same server.
   */
  async listen(
    address: string,
    options: {
      readonly credentials?: grpc.ServerCredentials;
      readonly extend?: (server: grpc.Server) => void;
    } = {},
  ): Promise<number> {
    if (this.#ownServer !== undefined) throw new Error('the ADS server is already listening');
    const server = new grpc.Server();
    this.addTo(server);
    options.extend?.(server);
    const credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
    this.#addServices?.(server);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(address, credentials, (err, boundPort) =>
        err === null
          ? resolve(boundPort)
          : reject(new Error(`cannot listen for xDS on ${address}`, { cause: err })),
      );
    });
    this.#ownServer = server;
    this.#context.logger.info({ address, port }, 'xds server listening');
    return port;
  }

  /**
   * Ends the open streams `match` selects (resolved or not) with a gRPC status; returns how many. Used to cut
   * off streams whose credentials were revoked.
   */
  endStreams(
    match: (peer: StreamPeer, client: ClientInfo | undefined) => boolean,
    code: grpc.status,
    message: string,
  ): number {
    let ended = 0;
    for (const s of [...this.#streams]) {
      if (!match(s.peer, s.info)) continue;
      s.fail(code, message);
      ended++;
    }
    return ended;
  }

  #accept(stream: AdsStreamHandle): void {
    const refusal = this.#admit?.(stream.peer);
    // Refused streams are never tracked: a flood of them holds nothing once each is answered.
    if (refusal !== undefined) return stream.fail(refusal.code, refusal.message, 'debug');
    if (!stream.closed) this.#streams.add(stream);
  }

  /** One entry per stream whose node has been resolved. */
  clients(): ClientStatus[] {
    const out: ClientStatus[] = [];
    for (const s of this.#streams) {
      const status = s.status();
      if (status !== undefined) out.push(status);
    }
    return out.sort((a, b) => a.streamId - b.streamId);
  }

  /** Ends every stream (UNAVAILABLE, so clients reconnect elsewhere) and stops the server started by `listen`. */
  async close(): Promise<void> {
    for (const s of [...this.#streams]) s.fail(grpc.status.UNAVAILABLE, 'xDS server shutting down');
    const server = this.#ownServer;
    this.#ownServer = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      // Streams to clients that stopped reading cannot drain; give them a moment, then cut them off.
      const timer = setTimeout(() => server.forceShutdown(), 1000);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
