// The xDS side of the control plane: mesh state from the store, endpoints from the registry, one snapshot per
// connected proxy, served over ADS on --xds-addr.

import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Quotas } from '../../api/quotas.ts';
import type { HostLookup } from '../../registry/endpoint-resolver.ts';
import type { RegistryStore } from '../../registry/registry-store.ts';
import type { Change, Store } from '../../store/store.ts';
import type { Node__Output } from '../../xds/protos/index.ts';
import {
  AdsServer,
  SnapshotCache,
  type ClientStatus,
  type NodeResolution,
  type StreamPeer,
  type StreamRefusal,
} from '../../xds/server/index.ts';
import type { ProxyAuthenticator } from '../../api/auth/proxy-authenticator.ts';
import { nodePath } from '../../api/auth/proxy-token.ts';
import { unauthenticatedMessage, XdsProxyAuth } from './xds-proxy-auth.ts';
import { XdsServerTls } from './xds-tls.ts';
import type { AdsCallbacks } from '../../xds/server/client-status.ts';
import type { MeshState } from '../../xds/translate/mesh-state.ts';
import { proxyConfigOf, type ProxyConfigView } from './proxy-config-view.ts';
import type { HostPort } from '../control-plane-config.ts';
import { EndpointBook } from './endpoint-book.ts';
import { InstanceLeases, proxyTokenOf, type SetLeaseTimer } from './instance-leases.ts';
import { MeshStates } from './mesh-states.ts';
import { RejectedProxies, type RejectedProxy } from './rejected-proxies.ts';
import { identityOfKey, parseProxyIdentity, snapshotKeyOf, type ProxyIdentity } from './proxy-identity.ts';
import { SnapshotPublisher } from './snapshot-publisher.ts';
import type { MeshSecurity, MeshTracing } from '../../xds/translate/index.ts';
import { ProxySecrets } from './proxy-secrets.ts';
import { systemCaClock, type CaClock } from '../../ca/ca-clock.ts';
import { IdentityIssuer } from '../../ca/identity-issuer.ts';
import type { MeshCa } from '../../ca/mesh-ca.ts';

/** Per mesh, the virtual nodes a batch changed; `undefined` when the mesh record itself changed (sync all). */
function changedNodesByMesh(changes: readonly Change[]): Map<string, string[] | undefined> {
  const result = new Map<string, string[] | undefined>();
  for (const { key } of changes) {
    if (key.kind === 'mesh') result.set(key.meshName, undefined);
    else if (
      key.kind === 'virtualNode' &&
      !(result.has(key.meshName) && result.get(key.meshName) === undefined)
    ) {
      result.set(key.meshName, [...(result.get(key.meshName) ?? []), key.name]);
    }
  }
  return result;
}

export interface XdsControlPlaneOptions {
  readonly store: Store;
  readonly registry: RegistryStore;
  readonly quotas: Quotas;
  readonly logger: Logger;
  readonly dnsRefreshMs?: number;
  /** DNS lookups for `dns` service discovery; tests inject a resolver that fails locally. */
  readonly lookup?: HostLookup;
  /** Monotonic milliseconds for the DNS back-off; tests inject one. */
  readonly now?: () => number;
  /** How long a proxy's registry instances outlive its last xDS stream (default 30000). */
  readonly instanceGraceMs?: number;
  /** Timers for that grace period; tests inject their own. */
  readonly setTimer?: SetLeaseTimer;
  /** Sent as `control_plane.identifier` in every response (where the API is; see control-plane.ts). */
  readonly controlPlaneId?: string;
  /** More gRPC services served on the xDS port (the MetricsService). */
  readonly addServices?: (server: grpc.Server) => void;
  /** Told of every xDS push and NACK (the control plane's own metrics). */
  readonly observer?: Pick<AdsCallbacks, 'onResponse' | 'onNack'>;
  /** The mesh-wide mTLS switch and trust domain (`--mtls`, `--trust-domain`); default mTLS off. */
  readonly security?: MeshSecurity;
  /** Envoy's OpenTelemetry tracer on every sidecar and gateway (`--otlp-endpoint`); absent: no tracing config. */
  readonly tracing?: MeshTracing;
  /** The built-in CA: every sidecar and gateway gets its identity and the trust bundle over SDS. */
  readonly ca?: {
    readonly ca: MeshCa;
    readonly trustDomain: string;
    /** Renewal timers and certificate dates; tests inject a manual clock. */
    readonly clock?: CaClock;
  };
  /**
   * Authentication on: every stream must present a proxy token (or a CA-issued client certificate) for the node
   * it claims, or it is refused before anything else happens. Absent: streams are not authenticated.
   */
  readonly proxyAuth?: ProxyAuthenticator;
  /**
   * TLS on the xDS port (`--xds-tls`) with a server certificate from the built-in CA (`ca` is required) naming
   * `names`; a client certificate from the CA then authenticates a proxy as its SPIFFE ID's node.
   */
  readonly xdsTls?: { readonly names: readonly string[] };
}

export const defaultInstanceGraceMs = 30_000;

export interface XdsClientView extends ClientStatus {
  readonly proxy: ProxyIdentity;
}

/** How often open token streams are checked again, so a token that expires ends its streams too. */
const tokenRecheckMs = 5_000;

/** Unresolved streams a node's proxies may hold at once even when its quota is lower (reconnects overlap). */
const minUnresolvedStreams = 8;

export class XdsControlPlane {
  readonly #states: MeshStates;
  readonly #endpoints: EndpointBook;
  readonly #publisher: SnapshotPublisher;
  readonly #secrets: ProxySecrets | undefined;
  readonly #server: AdsServer;
  readonly #quotas: Quotas;
  readonly #streamsPerResource = new Map<string, number>();
  readonly #leases: InstanceLeases;
  readonly #rejected = new RejectedProxies();
  readonly #cache: SnapshotCache;
  /** The proxy token of each open stream that presented one. */
  readonly #streamTokens = new Map<number, string>();
  /** Set by #resolve for the stream whose onConnect runs next: resolution is synchronous and onConnect
   * follows it in the same call, so no other stream can come between. */
  #pendingToken: string | undefined;
  readonly #auth: XdsProxyAuth | undefined;
  /** The proxy token id each admitted stream presented, so a revocation finds its streams. */
  readonly #tokenIdOfStream = new WeakMap<StreamPeer, string>();
  /**
   * Admitted streams that have not sent their first request yet, by the node their caller proved: they count
   * against no quota until they resolve, so without this bound one stolen token could hold streams without end.
   */
  readonly #unresolvedByNode = new Map<string, Set<StreamPeer>>();
  readonly #unresolvedNodeOf = new WeakMap<StreamPeer, string>();
  readonly #stopRevocations: (() => void) | undefined;
  readonly #tokenRecheck: ReturnType<typeof setInterval> | undefined;
  readonly #tls: XdsServerTls | undefined;

  private constructor(states: MeshStates, options: XdsControlPlaneOptions) {
    const logger = options.logger;
    const cache = new SnapshotCache();
    this.#cache = cache;
    this.#states = states;
    this.#quotas = options.quotas;
    this.#endpoints = new EndpointBook({
      registry: options.registry,
      states,
      logger,
      dnsRefreshMs: options.dnsRefreshMs,
      lookup: options.lookup,
      now: options.now,
      onNodeEndpoints: (meshName, nodeName) => this.#publisher.endpointsChanged(meshName, nodeName),
    });
    const caOptions = options.ca;
    if (caOptions) {
      const clock = caOptions.clock ?? systemCaClock;
      this.#secrets = new ProxySecrets({
        ca: caOptions.ca,
        issuer: new IdentityIssuer(caOptions.ca, clock),
        clock,
        trustDomain: caOptions.trustDomain,
        logger,
        onRenewalDue: (keys) => this.#publisher.refresh(keys),
        meshStates: () => states.meshNames().flatMap((name) => states.state(name) ?? []),
      });
      // A new root, or one that starts signing or stops being trusted: every proxy gets new secrets.
      caOptions.ca.onChange(() => this.#publisher.refresh());
    }
    this.#publisher = new SnapshotPublisher(
      cache,
      states,
      this.#endpoints,
      logger,
      options.security,
      this.#secrets,
      options.tracing,
    );
    this.#leases = new InstanceLeases({
      registry: options.registry,
      graceMs: options.instanceGraceMs ?? defaultInstanceGraceMs,
      logger,
      setTimer: options.setTimer,
    });
    if (options.xdsTls !== undefined) {
      if (caOptions === undefined) throw new Error('TLS on the xDS port needs the built-in CA');
      this.#tls = new XdsServerTls({
        ca: caOptions.ca,
        clock: caOptions.clock ?? systemCaClock,
        names: options.xdsTls.names,
        logger,
      });
    }
    // Client certificates reach the streams only over TLS, verified against the CA.
    this.#auth =
      options.proxyAuth === undefined
        ? undefined
        : new XdsProxyAuth(options.proxyAuth, this.#tls ? caOptions?.trustDomain : undefined);
    this.#server = new AdsServer({
      cache,
      logger,
      controlPlaneId: options.controlPlaneId,
      ...(options.addServices ? { addServices: options.addServices } : {}),
      admit: (peer) => this.#admit(peer),
      onStreamClosed: (peer) => this.#settled(peer),
      resolveNode: (node, peer) => {
        const resolution = this.#resolve(node, peer);
        if (resolution.ok) this.#rejected.accepted(node.id);
        else {
          const agent = `${node.user_agent_name} ${node.user_agent_version ?? ''}`.trim();
          this.#rejected.record(
            node.id === '' ? '(no node id)' : node.id,
            agent,
            grpc.status[resolution.code],
            resolution.reason ?? resolution.message,
          );
        }
        return resolution;
      },
      callbacks: {
        onConnect: (client) => {
          const token = this.#pendingToken;
          this.#pendingToken = undefined;
          if (token === undefined) return;
          this.#streamTokens.set(client.streamId, token);
          this.#leases.connected(token);
        },
        onDisconnect: (client) => {
          this.#publisher.untrack(client.key);
          this.#countStream(identityOfKey(client.key), -1);
          const token = this.#streamTokens.get(client.streamId);
          if (token === undefined) return;
          this.#streamTokens.delete(client.streamId);
          this.#leases.disconnected(token);
        },
        onNack: (client, event) => {
          options.observer?.onNack?.(client, event);
          logger.warn(
            { node: client.nodeId, typeUrl: event.typeUrl, message: event.message },
            'proxy rejected configuration',
          );
        },
        ...(options.observer?.onResponse ? { onResponse: options.observer.onResponse } : {}),
      },
    });
    this.#stopRevocations = this.#auth?.onRevoked((tokenIds) => {
      const revoked = new Set(tokenIds);
      const ended = this.#server.endStreams(
        (peer) => revoked.has(this.#tokenIdOfStream.get(peer) ?? ''),
        grpc.status.UNAUTHENTICATED,
        unauthenticatedMessage,
      );
      if (ended > 0) logger.info({ streams: ended }, 'xds streams of revoked proxy tokens ended');
    });
    if (this.#auth !== undefined) {
      const auth = this.#auth;
      // Revocations end streams as they come; expiry has no event, so open token streams are checked again.
      this.#tokenRecheck = setInterval(() => {
        const ended = this.#server.endStreams(
          (peer) => this.#tokenIdOfStream.has(peer) && !auth.authenticate(peer).ok,
          grpc.status.UNAUTHENTICATED,
          unauthenticatedMessage,
        );
        if (ended > 0) logger.info({ streams: ended }, 'xds streams of expired proxy tokens ended');
      }, tokenRecheckMs);
      this.#tokenRecheck.unref();
    }
    states.onChange((changes) => {
      if (this.#auth !== undefined) this.#endStreamsOfDeleted(changes);
      for (const [meshName, nodeNames] of changedNodesByMesh(changes)) {
        this.#endpoints
          .sync(meshName, nodeNames)
          .catch((error: unknown) => logger.warn({ err: error, meshName }, 'endpoint sync failed'));
      }
      const writtenAt = Math.min(
        ...changes.map((c) => (c.op === 'put' ? c.record.lastUpdatedAtMs : Date.now())),
      );
      this.#publisher.recordsChanged(
        changes.map((change) => change.key),
        changes[changes.length - 1]!.revision,
        writtenAt,
      );
    });
  }

  static async start(options: XdsControlPlaneOptions): Promise<XdsControlPlane> {
    const states = await MeshStates.load(options.store, options.logger);
    const xds = new XdsControlPlane(states, options);
    await xds.#leases.adoptRegistered();
    // Resolution runs in the background: proxies get endpoints as they resolve, startup never waits on DNS.
    for (const meshName of states.meshNames()) {
      xds.#endpoints
        .sync(meshName)
        .catch((error: unknown) => options.logger.warn({ err: error, meshName }, 'endpoint sync failed'));
    }
    return xds;
  }

  /**
   * Binds the ADS gRPC server (over TLS with `xdsTls`); returns the bound port. `extend` adds further services
   * to the same gRPC server.
   */
  async listen(addr: HostPort, extend?: (server: grpc.Server) => void): Promise<number> {
    return this.#server.listen(`${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`, {
      ...(this.#tls ? { credentials: this.#tls.credentials() } : {}),
      ...(extend ? { extend } : {}),
    });
  }

  /** The store revision whose changes this replica has applied to its mesh state (and so to its snapshots). */
  get appliedRevision(): number {
    return this.#states.revision;
  }

  /** The mesh's resources as this replica applied them; undefined for a mesh that does not exist. */
  meshState(meshName: string): MeshState | undefined {
    return this.#states.state(meshName);
  }

  clients(): XdsClientView[] {
    return this.#server.clients().map((client) => ({ ...client, proxy: identityOfKey(client.key) }));
  }

  /** What the control plane serves a connected proxy now, or undefined when no proxy of that node is connected. */
  proxyConfig(node: string): ProxyConfigView | undefined {
    return proxyConfigOf(node, this.clients(), this.#cache);
  }

  /** Node ids whose streams were refused lately, with the reason each proxy was given. */
  rejected(): RejectedProxy[] {
    return this.#rejected.list();
  }

  /** Whether another stream on the xDS port (a metrics report) proves anything at all, as it opens. */
  admitNodeStream(
    peer: Pick<StreamPeer, 'metadata' | 'certificate' | 'address'>,
  ): { ok: true } | { ok: false; code: grpc.status; message: string } {
    if (this.#auth === undefined) return { ok: true };
    const result = this.#auth.authenticate({ streamId: 0, ...peer });
    if (result.ok) return { ok: true };
    this.#auth.countRefusal(result.reason);
    return { ok: false, code: grpc.status.UNAUTHENTICATED, message: unauthenticatedMessage };
  }

  /**
   * Whether another stream on the xDS port (a metrics report) may speak for `node`: the same proof as an ADS
   * stream, token or client certificate, for that node; the same one answer when not. Always yes with
   * authentication off.
   */
  authenticateNodeStream(
    peer: Pick<StreamPeer, 'metadata' | 'certificate' | 'address'>,
    node: Node__Output,
  ): { ok: true } | { ok: false; code: grpc.status; message: string } {
    if (this.#auth === undefined) return { ok: true };
    const refuse = (reason: string) => {
      this.#auth!.countRefusal(reason);
      return { ok: false as const, code: grpc.status.UNAUTHENTICATED, message: unauthenticatedMessage };
    };
    const result = this.#auth.authenticate({ streamId: 0, ...peer });
    if (!result.ok) return refuse(result.reason);
    const identity = parseProxyIdentity(node);
    if ('error' in identity) return refuse(identity.error);
    const mismatch = this.#auth.mayServe(result.principal, identity);
    return mismatch === undefined ? { ok: true } : refuse(mismatch);
  }

  /** Streams refused for want of authentication, by reason (empty with authentication off). */
  refusals(): Record<string, number> {
    return this.#auth?.refusals() ?? {};
  }

  async close(): Promise<void> {
    this.#stopRevocations?.();
    clearInterval(this.#tokenRecheck);
    this.#tls?.close();
    this.#leases.close();
    this.#secrets?.close();
    await this.#server.close();
    this.#endpoints.close();
    this.#states.close();
  }

  /** With authentication on, a stream that proves nothing is refused as it opens and never tracked. */
  #admit(peer: StreamPeer): StreamRefusal | undefined {
    if (this.#auth === undefined) return undefined;
    const result = this.#auth.authenticate(peer);
    if (result.ok) {
      const node = result.principal.node;
      const quota =
        node.kind === 'virtualNode'
          ? this.#quotas.connectedProxiesPerVirtualNode
          : this.#quotas.connectedProxiesPerVirtualGateway;
      const key = nodePath(node);
      const unresolved = this.#unresolvedByNode.get(key) ?? new Set<StreamPeer>();
      if (unresolved.size >= Math.max(quota, minUnresolvedStreams))
        return {
          ok: false,
          code: grpc.status.RESOURCE_EXHAUSTED,
          message: `${unresolved.size} streams of ${key} have not sent their first request yet; send it, then open more`,
        };
      unresolved.add(peer);
      this.#unresolvedByNode.set(key, unresolved);
      this.#unresolvedNodeOf.set(peer, key);
      if (result.principal.kind === 'proxyToken') this.#tokenIdOfStream.set(peer, result.principal.tokenId);
      return undefined;
    }
    this.#auth.countRefusal(result.reason);
    // The node is not known yet (it comes with the first request): one entry per caller host.
    this.#rejected.record(
      `(unauthenticated) ${peer.address.replace(/:\d+$/, '')}`,
      '',
      grpc.status[grpc.status.UNAUTHENTICATED],
      result.reason,
    );
    return { ok: false, code: grpc.status.UNAUTHENTICATED, message: unauthenticatedMessage };
  }

  /**
   * Ends the streams of proxies whose node, gateway or mesh was deleted: a node created again under the same
   * name is another node, which their token or certificate may not speak for (nor receive its identity over SDS).
   */
  #endStreamsOfDeleted(changes: readonly Change[]): void {
    const meshes = new Set<string>();
    const proxies = new Set<string>();
    for (const change of changes) {
      if (change.op !== 'delete') continue;
      const { kind, meshName, name } = change.key;
      if (kind === 'mesh') meshes.add(meshName);
      else if (kind === 'virtualNode' || kind === 'virtualGateway')
        proxies.add(JSON.stringify([meshName, kind, name]));
    }
    if (meshes.size === 0 && proxies.size === 0) return;
    this.#server.endStreams(
      (_peer, client) => {
        if (client === undefined) return false;
        const { meshName, kind, name } = identityOfKey(client.key);
        return meshes.has(meshName) || proxies.has(JSON.stringify([meshName, kind, name]));
      },
      grpc.status.UNAVAILABLE,
      'the node or gateway this proxy runs was deleted',
    );
  }

  /** The stream no longer waits for its first request (it resolved, or ended). */
  #settled(peer: StreamPeer): void {
    const key = this.#unresolvedNodeOf.get(peer);
    if (key === undefined) return;
    this.#unresolvedNodeOf.delete(peer);
    const unresolved = this.#unresolvedByNode.get(key);
    unresolved?.delete(peer);
    if (unresolved?.size === 0) this.#unresolvedByNode.delete(key);
  }

  #resolve(node: Node__Output, peer: StreamPeer): NodeResolution & { readonly reason?: string } {
    this.#pendingToken = undefined;
    this.#settled(peer);
    // Checked again at the first request: a token may have been revoked since the stream opened.
    const authentication = this.#auth?.authenticate(peer);
    if (authentication !== undefined && !authentication.ok)
      return this.#unauthenticated(authentication.reason);
    const identity = parseProxyIdentity(node);
    if ('error' in identity)
      return { ok: false, code: grpc.status.INVALID_ARGUMENT, message: identity.error };
    if (authentication !== undefined) {
      const mismatch = this.#auth!.mayServe(authentication.principal, identity);
      if (mismatch !== undefined) return this.#unauthenticated(mismatch);
    }
    const token = proxyTokenOf(node);
    if (typeof token === 'object')
      return { ok: false, code: grpc.status.INVALID_ARGUMENT, message: token.error };
    const state = this.#states.state(identity.meshName);
    const record =
      identity.kind === 'virtualNode'
        ? state?.virtualNodes.get(identity.name)
        : state?.virtualGateways.get(identity.name);
    const exists = record !== undefined;
    if (!exists) {
      const what = identity.kind === 'virtualNode' ? 'VirtualNode' : 'VirtualGateway';
      const message = state
        ? `${what} ${identity.name} does not exist in mesh ${identity.meshName}; create it through the App Mesh API (the proxy retries)`
        : `mesh ${identity.meshName} does not exist; create it through the App Mesh API (the proxy retries)`;
      return { ok: false, code: grpc.status.NOT_FOUND, message };
    }
    const principal = authentication?.ok === true ? authentication.principal : undefined;
    if (
      principal?.kind === 'proxyToken' &&
      principal.nodeUid !== undefined &&
      principal.nodeUid !== record.uid
    )
      return this.#unauthenticated('token is for a deleted node of that name');
    const quota =
      identity.kind === 'virtualNode'
        ? this.#quotas.connectedProxiesPerVirtualNode
        : this.#quotas.connectedProxiesPerVirtualGateway;
    if (this.#countStream(identity, 0) >= quota) {
      return {
        ok: false,
        code: grpc.status.RESOURCE_EXHAUSTED,
        message: `${identity.name} in mesh ${identity.meshName} already has ${quota} connected proxies (quota)`,
      };
    }
    this.#countStream(identity, +1);
    this.#pendingToken = token;
    const key = snapshotKeyOf(identity);
    this.#publisher.track(key);
    return { ok: true, key };
  }

  #unauthenticated(reason: string): StreamRefusal & { readonly reason: string } {
    this.#auth?.countRefusal(reason);
    return { ok: false, code: grpc.status.UNAUTHENTICATED, message: unauthenticatedMessage, reason };
  }

  #countStream(identity: ProxyIdentity, delta: number): number {
    const resource = JSON.stringify([identity.meshName, identity.kind, identity.name]);
    const count = (this.#streamsPerResource.get(resource) ?? 0) + delta;
    if (count <= 0) this.#streamsPerResource.delete(resource);
    else this.#streamsPerResource.set(resource, count);
    return count;
  }
}
