// The sidecar's delta ADS client: keeps a subscription to the control plane, decodes each resource once as it
// arrives, warms and applies whole configs (listeners and clusters one by one while their SDS secrets arrive).
import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.ts';
import type { ClusterConfig, EndpointsConfig } from '../config/cluster-types.ts';
import type { ListenerConfig } from '../config/listener-types.ts';
import { assembleConfig } from '../config/proxy-config.ts';
import type { Decoded, DecodedSnapshot, ProxyConfig } from '../config/proxy-config.ts';
import type { RouteTableConfig } from '../config/route-types.ts';
import type { SecretConfig } from '../config/tls-types.ts';
import { ListenerBindError } from '../listeners/listener-bind-error.ts';
import { adsServiceDefinition, typeUrls } from '../../xds/protos/index.ts';
import type {
  Cluster__Output,
  ClusterLoadAssignment__Output,
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse__Output,
  Listener__Output,
  Node,
  RouteConfiguration__Output,
  Secret__Output,
} from '../../xds/protos/index.ts';
import { ControlPlaneAddresses } from './control-plane-addresses.ts';
import { reconnectDelayMs } from './reconnect-back-off.ts';
import type { ReconnectBackOff } from './reconnect-back-off.ts';
import {
  endpointNamesOf,
  kindByTypeUrl,
  resourceKinds,
  routeNamesOf,
  secretNamesOf,
} from './resource-kinds.ts';
import type { XdsKindName } from './resource-kinds.ts';
import { ResourceStore } from './resource-store.ts';
import type { HeldResource } from './resource-store.ts';

/**
 * Where accepted configurations go, already decoded; `MeshProxy` satisfies it. Rejecting means "NACK this, the
 * old config keeps serving" (a ListenerBindError is reported as a `bind` NACK).
 */
export interface ConfigTarget {
  apply(config: ProxyConfig): Promise<void>;
}

export interface AppliedEvent {
  readonly listeners: number;
  readonly routeConfigurations: number;
  readonly clusters: number;
  readonly clusterLoadAssignments: number;
  readonly secrets: number;
  /** Listeners and clusters held back because an SDS secret they reference has not arrived. */
  readonly warming: number;
  /** True for the first configuration this client applied. */
  readonly first: boolean;
}

/** What the first response of a stream says about the server. */
export interface XdsConnection {
  /** The server's `control_plane.identifier`, when it sends one. */
  readonly controlPlaneIdentifier?: string;
  /** The `host:port` this stream reached (one of `server`'s, names resolved). */
  readonly server?: string;
}

export interface NackEvent {
  readonly typeUrl: string;
  readonly nonce: string;
  readonly message: string;
  /**
   * `bind`: the configuration was valid but a listener could not bind (`bindError` says which); `invalid`:
   * a resource or the whole set failed validation, or the type is unsupported.
   */
  readonly kind: 'invalid' | 'bind';
  readonly bindError?: ListenerBindError;
}

/** TLS to the xDS server: the CA that signed its certificate, and optionally a client identity (PEM). */
export interface XdsTls {
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

export interface XdsClientOptions {
  /**
   * `host:port` of the control plane's xDS server (plaintext gRPC), or several separated by commas (replicas):
   * a stream that fails or cannot connect moves on to the next address, names to each address they resolve to.
   */
  readonly server: string;
  readonly node: Node;
  /** Plaintext when absent. */
  readonly tls?: XdsTls;
  /**
   * Called before every stream opens: the proxy access token to present (`authorization: Bearer …`), or
   * undefined for none. Called again on each reconnect, so a rotated token is picked up.
   */
  readonly accessToken?: () => string | undefined;
  readonly target: ConfigTarget;
  readonly logger: Logger;
  /**
   * Local adjustments made to every configuration before it is applied (e.g. listen address overrides). It
   * should return the same objects for unchanged inputs: the proxy rebuilds only resources whose object changed.
   */
  readonly transform?: (snapshot: DecodedSnapshot) => DecodedSnapshot;
  /** Default 250 ms base, 5 s cap. */
  readonly reconnect?: ReconnectBackOff;
  /**
   * How long new clusters / listeners wait for their EDS / RDS before being applied anyway (Envoy: 15 s); and
   * how long a listener or cluster waits for an SDS secret before it is taken out of service (see #secretReady).
   */
  readonly warmingTimeoutMs?: number;
  readonly random?: () => number;
  /** Called after every successful apply, on the client's work queue (keep it quick). */
  readonly onApplied?: (event: AppliedEvent) => void;
  readonly onNack?: (event: NackEvent) => void;
  /** The stream delivered its first response (a connection is established). */
  readonly onConnected?: (connection: XdsConnection) => void;
  /** Called for every resource decoded off the wire (tests and measurements count decodes with it). */
  readonly onDecode?: (kind: XdsKindName, name: string) => void;
}

interface Stream {
  readonly call: grpc.ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse__Output>;
  readonly client: grpc.Client;
  /** Types with a first request on this stream (only those carry `initial_resource_versions`). */
  readonly opened: Set<string>;
  sentNode: boolean;
  responded: boolean;
  ended: boolean;
}

const invalidArgument = 3;
const maxMessageBytes = 64 * 1024 * 1024;
/** Types subscribed by the names the held listeners and clusters reference. */
const dependentTypes = [
  typeUrls.clusterLoadAssignment,
  typeUrls.routeConfiguration,
  typeUrls.secret,
] as const;
/** Dependent types the whole configuration waits for (secrets hold back only the resources naming them). */
const warmingTypes = [typeUrls.clusterLoadAssignment, typeUrls.routeConfiguration] as const;

let clientConstructor: grpc.ServiceClientConstructor | undefined;

/**
 * How every stream to the xDS port dials (ADS and the metrics report): TLS when configured, a private
 * subchannel per attempt so our back-off (not grpc-js's, which grows to minutes) decides when to dial.
 */
export function xdsChannel(
  tls: XdsTls | undefined,
  serverName: string,
): { readonly credentials: grpc.ChannelCredentials; readonly options: grpc.ChannelOptions } {
  const credentials =
    tls === undefined
      ? grpc.credentials.createInsecure()
      : grpc.credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null);
  return {
    credentials,
    options: {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.max_receive_message_length': maxMessageBytes,
      // Names resolve to addresses before dialling; the certificate must still name what the operator wrote.
      ...(tls === undefined || isIP(serverName) !== 0 ? {} : { 'grpc.ssl_target_name_override': serverName }),
    },
  };
}

function adsClient(server: string, tls: XdsTls | undefined, serverName: string): grpc.Client {
  clientConstructor ??= grpc.makeGenericClientConstructor(
    adsServiceDefinition() as unknown as grpc.ServiceDefinition,
    'AggregatedDiscoveryService',
  );
  const channel = xdsChannel(tls, serverName);
  return new clientConstructor(server, channel.credentials, channel.options);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class XdsClient {
  readonly #options: XdsClientOptions;
  readonly #log: Logger;
  readonly #store = new ResourceStore();
  /** RDS / EDS names referenced by the held listeners / clusters. */
  readonly #subscribed = new Map<string, Set<string>>(dependentTypes.map((t) => [t, new Set()]));
  /** Subscribed names with no answer yet (neither the resource nor its removal): what warming waits for. */
  readonly #pending = new Map<string, Set<string>>(dependentTypes.map((t) => [t, new Set()]));
  /** Wildcard types that have had at least one response: the first config waits for both CDS and LDS. */
  readonly #seen = new Set<string>();
  readonly #addresses: ControlPlaneAddresses;
  #stream: Stream | undefined;
  #work: Promise<void> = Promise.resolve();
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #warmingTimer: NodeJS.Timeout | undefined;
  #warmingExpired = false;
  #appliedGeneration = '';
  #failedGeneration = '';
  /** Per secret still awaited: the timer after which resources naming it stop waiting for it. */
  readonly #secretTimers = new Map<string, NodeJS.Timeout>();
  /** Secrets awaited longer than the warming timeout. */
  readonly #secretsOverdue = new Set<string>();
  /** Bumped when a secret becomes overdue: the resources naming it must be applied differently. */
  #overdueGeneration = 0;
  /** The listeners and clusters last applied (before `transform`), which serve on while a new version warms. */
  #appliedListeners = new Map<string, Decoded<Listener__Output, ListenerConfig>>();
  #appliedClusters = new Map<string, Decoded<Cluster__Output, ClusterConfig>>();
  #applies = 0;
  #nacks = 0;
  #closed = false;

  constructor(options: XdsClientOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#addresses = new ControlPlaneAddresses(options.server);
  }

  /** Opens the stream; failures are retried in the background, never thrown. */
  start(): void {
    void this.#addresses.resolve().then(() => this.#connect());
  }

  /** True while a stream is open and has delivered at least one response. */
  get connected(): boolean {
    return this.#stream?.responded === true;
  }

  get appliedCount(): number {
    return this.#applies;
  }

  get nackCount(): number {
    return this.#nacks;
  }

  /** The version of the held resource (the last one accepted), for the admin's /config_dump. */
  resourceVersion(typeUrl: string, name: string): string | undefined {
    return this.#store.get(typeUrl, name)?.version;
  }

  /** Stops reconnecting and closes the stream; the applied configuration stays in the target. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#warmingTimer);
    for (const timer of this.#secretTimers.values()) clearTimeout(timer);
    this.#secretTimers.clear();
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) {
      stream.ended = true;
      stream.call.cancel();
      stream.client.close();
    }
    await this.#work;
  }

  #connect(): void {
    if (this.#closed) return;
    const client = adsClient(this.#addresses.current, this.#options.tls, this.#addresses.currentName);
    const m = adsServiceDefinition().DeltaAggregatedResources;
    const metadata = new grpc.Metadata();
    const token = this.#options.accessToken?.();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    const call = client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, metadata);
    const stream: Stream = {
      call,
      client,
      opened: new Set(),
      sentNode: false,
      responded: false,
      ended: false,
    };
    this.#stream = stream;
    call.on('data', (res: DeltaDiscoveryResponse__Output) => this.#enqueue(() => this.#handle(stream, res)));
    call.on('error', (e: grpc.ServiceError) => this.#ended(stream, e.code, e.details));
    call.on('status', (s: grpc.StatusObject) => this.#ended(stream, s.code, s.details));
    for (const kind of resourceKinds) {
      const names = kind.wildcard ? ['*'] : [...this.#subscribed.get(kind.typeUrl)!];
      if (names.length > 0) this.#open(stream, kind.typeUrl, names);
    }
  }

  /** The first request of a type on a stream: what we want, and the versions we already hold. */
  #open(stream: Stream, typeUrl: string, names: string[]): void {
    stream.opened.add(typeUrl);
    this.#send(stream, {
      type_url: typeUrl,
      resource_names_subscribe: names,
      initial_resource_versions: this.#store.versions(typeUrl),
    });
  }

  #send(stream: Stream, request: DeltaDiscoveryRequest): void {
    if (stream.ended || stream !== this.#stream) return;
    if (!stream.sentNode) {
      stream.sentNode = true;
      request = { ...request, node: this.#options.node };
    }
    stream.call.write(request);
  }

  #ended(stream: Stream, code: grpc.status, details: string): void {
    if (stream.ended) return;
    stream.ended = true;
    stream.client.close();
    if (stream !== this.#stream || this.#closed) return;
    this.#stream = undefined;
    const server = this.#addresses.current;
    // The next replica is tried at once (after the first back-off step); only a whole failed round backs off more.
    const newRound = this.#addresses.advance();
    const delayMs = reconnectDelayMs(
      newRound ? this.#attempt++ : 0,
      this.#options.reconnect ?? { baseMs: 250, maxMs: 5_000 },
      this.#options.random ?? Math.random,
    );
    this.#log.warn(
      { code: grpc.status[code] ?? code, details, retryInMs: delayMs, server, next: this.#addresses.current },
      'xds stream closed; reconnecting',
    );
    this.#reconnectTimer = setTimeout(() => {
      if (!newRound) this.#connect();
      else void this.#addresses.resolve().then(() => this.#connect());
    }, delayMs);
  }

  #enqueue(task: () => Promise<void>): void {
    this.#work = this.#work.then(task).catch((error: unknown) => {
      this.#log.error({ err: error }, 'xds client failed handling an update');
    });
  }

  async #handle(stream: Stream, res: DeltaDiscoveryResponse__Output): Promise<void> {
    if (this.#closed) return;
    if (!stream.responded) {
      stream.responded = true;
      this.#attempt = 0;
      const server = this.#addresses.current;
      this.#log.info({ server }, 'xds stream connected');
      this.#options.onConnected?.({
        controlPlaneIdentifier: res.control_plane?.identifier || undefined,
        server,
      });
    }
    const kind = kindByTypeUrl.get(res.type_url);
    if (!kind) {
      this.#reply(stream, res, `unsupported resource type ${res.type_url}`);
      return;
    }
    const problems: string[] = [];
    const received = new Set<string>();
    /** What this response replaced, so a refused apply can put it back (a NACKed response is not taken). */
    const replaced = new Map<string, HeldResource | undefined>();
    const remember = (name: string): void => {
      if (!replaced.has(name)) replaced.set(name, this.#store.get(res.type_url, name));
    };
    for (const r of res.resources) {
      if (!r.resource) continue; // A TTL heartbeat: the held resource stays as it is.
      try {
        if (received.has(r.name)) throw new Error('appears twice in one response');
        received.add(r.name);
        const { name, message, config } = kind.decode(r.resource);
        this.#options.onDecode?.(kind.kind, name);
        if (r.name !== '' && r.name !== name)
          throw new Error(`is sent under the name "${r.name}" but is named "${name}"`);
        remember(name);
        this.#store.set(res.type_url, name, { version: r.version, message, config });
        this.#pending.get(res.type_url)?.delete(name);
        if (res.type_url === typeUrls.secret) this.#secretArrived(name);
      } catch (error) {
        // The bad resource is not taken; whatever version of it we held before stays in force.
        problems.push(
          error instanceof ConfigError ? error.message : `${kind.kind} "${r.name}": ${errorText(error)}`,
        );
      }
    }
    for (const name of res.removed_resources) {
      // Like Envoy, a secret still referenced is not dropped when the server removes it: connections keep
      // being made with the last one received (a never-received one stays awaited).
      if (res.type_url === typeUrls.secret && this.#subscribed.get(res.type_url)!.has(name)) continue;
      remember(name);
      this.#store.delete(res.type_url, name);
      this.#pending.get(res.type_url)?.delete(name);
    }
    if (kind.wildcard) {
      this.#seen.add(res.type_url);
      this.#syncSubscriptions(stream);
    }
    const applyProblem = await this.#applyIfWarm();
    if (applyProblem !== undefined) {
      problems.push(errorText(applyProblem));
      this.#restore(stream, res.type_url, replaced);
    }
    const bindError = applyProblem instanceof ListenerBindError ? applyProblem : undefined;
    this.#reply(stream, res, problems.length > 0 ? problems.join('; ') : undefined, bindError);
  }

  /**
   * Puts back what a refused response replaced, so the resources held are again those of the configuration
   * that serves, and a later update of another type is not refused for this response's sake.
   */
  #restore(stream: Stream, typeUrl: string, replaced: ReadonlyMap<string, HeldResource | undefined>): void {
    for (const [name, held] of replaced) {
      if (held) this.#store.set(typeUrl, name, held);
      else this.#store.delete(typeUrl, name);
      if (!held && this.#subscribed.get(typeUrl)?.has(name)) {
        this.#pending.get(typeUrl)?.add(name);
        if (typeUrl === typeUrls.secret) this.#awaitSecret(name);
      }
    }
    if (kindByTypeUrl.get(typeUrl)?.wildcard) this.#syncSubscriptions(stream);
  }

  /** Follows the references of the held listeners and clusters: subscribes new RDS/EDS names, drops stale ones. */
  #syncSubscriptions(stream: Stream): void {
    const wanted = new Map<string, Set<string>>([
      [
        typeUrls.clusterLoadAssignment,
        endpointNamesOf(this.#store.messages<Cluster__Output>(typeUrls.cluster)),
      ],
      [typeUrls.routeConfiguration, routeNamesOf(this.#store.messages<Listener__Output>(typeUrls.listener))],
      [typeUrls.secret, this.#wantedSecrets()],
    ]);
    for (const [typeUrl, names] of wanted) {
      const current = this.#subscribed.get(typeUrl)!;
      const pending = this.#pending.get(typeUrl)!;
      const add = [...names].filter((n) => !current.has(n));
      const drop = [...current].filter((n) => !names.has(n));
      for (const n of drop) {
        current.delete(n);
        pending.delete(n);
        this.#store.delete(typeUrl, n);
        if (typeUrl === typeUrls.secret) this.#secretArrived(n);
      }
      for (const n of add) {
        current.add(n);
        if (!this.#store.has(typeUrl, n)) {
          pending.add(n);
          if (typeUrl === typeUrls.secret) this.#awaitSecret(n);
        }
      }
      if (add.length === 0 && drop.length === 0) continue;
      if (!stream.opened.has(typeUrl)) {
        // A first request naming nothing would be read as a (legacy) wildcard subscription.
        if (current.size > 0) this.#open(stream, typeUrl, [...current]);
      } else {
        this.#send(stream, {
          type_url: typeUrl,
          resource_names_subscribe: add,
          resource_names_unsubscribe: drop,
        });
      }
    }
  }

  /**
   * Secrets the held listeners and clusters name, and those the applied ones name (an applied version serves
   * on while its successor waits for a secret, so its own secrets must stay).
   */
  #wantedSecrets(): Set<string> {
    const names = new Set<string>();
    const resources = [
      ...this.#store.messages<Listener__Output>(typeUrls.listener),
      ...this.#store.messages<Cluster__Output>(typeUrls.cluster),
      ...[...this.#appliedListeners.values()].map((d) => d.message),
      ...[...this.#appliedClusters.values()].map((d) => d.message),
    ];
    for (const r of resources) for (const n of secretNamesOf(r)) names.add(n);
    return names;
  }

  #awaitSecret(name: string): void {
    if (this.#secretTimers.has(name) || this.#closed) return;
    const timer = setTimeout(() => {
      this.#secretTimers.delete(name);
      this.#secretsOverdue.add(name);
      this.#overdueGeneration++;
      this.#log.warn(
        { secret: name, afterMs: this.#options.warmingTimeoutMs ?? 15_000 },
        'sds secret not received; listeners and clusters naming it are out of service until it arrives',
      );
      this.#enqueue(async () => {
        const problem = await this.#applyIfWarm();
        if (problem !== undefined) this.#log.error({ problem: errorText(problem) }, 'configuration refused');
      });
    }, this.#options.warmingTimeoutMs ?? 15_000);
    timer.unref();
    this.#secretTimers.set(name, timer);
  }

  /** The secret arrived (or is no longer wanted): stop waiting for it. */
  #secretArrived(name: string): void {
    clearTimeout(this.#secretTimers.get(name));
    this.#secretTimers.delete(name);
    this.#secretsOverdue.delete(name);
  }

  /**
   * Secret warming, per resource, like Envoy's: a listener or cluster whose SDS secrets are all held is applied
   * as received. One still waiting for a secret is held back: its previously applied version (if any) serves
   * on, a new one is not applied yet. Once a secret it names is overdue (warming timeout) it is left out of
   * the configuration altogether, failing closed: nothing serves on plaintext or on the replaced version's
   * TLS settings indefinitely. The rest of the configuration applies regardless.
   */
  #secretReady<M extends Listener__Output | Cluster__Output, C>(
    held: readonly Decoded<M, C>[],
    applied: ReadonlyMap<string, Decoded<M, C>>,
    nameOf: (c: C) => string,
    warming: string[],
  ): Decoded<M, C>[] {
    const out: Decoded<M, C>[] = [];
    for (const d of held) {
      const missing = secretNamesOf(d.message).filter((n) => !this.#store.has(typeUrls.secret, n));
      if (missing.length === 0) {
        out.push(d);
        continue;
      }
      const name = nameOf(d.config);
      warming.push(name);
      if (missing.some((n) => this.#secretsOverdue.has(n))) continue;
      const previous = applied.get(name);
      if (previous && secretNamesOf(previous.message).every((n) => this.#store.has(typeUrls.secret, n)))
        out.push(previous);
    }
    return out;
  }

  /**
   * Applies the held resources as one configuration once nothing is warming (or warming timed out). Returns
   * the error when it is refused; the proxy then keeps serving its last good configuration.
   */
  async #applyIfWarm(): Promise<unknown> {
    if (!this.#seen.has(typeUrls.cluster) || !this.#seen.has(typeUrls.listener)) return undefined;
    // The first configuration also waits for its secrets (Envoy's server is not LIVE before its listeners warm);
    // later ones hold back only the listeners and clusters that name a missing secret.
    const waitingTypes = this.#applies === 0 ? dependentTypes : warmingTypes;
    const pending = waitingTypes.reduce((n, t) => n + this.#pending.get(t)!.size, 0);
    if (pending > 0 && !this.#warmingExpired) {
      this.#warmingTimer ??= setTimeout(() => {
        this.#warmingExpired = true;
        this.#log.warn(
          { pending: waitingTypes.flatMap((t) => [...this.#pending.get(t)!]) },
          'xds warming timed out; applying without the missing resources',
        );
        this.#enqueue(async () => {
          const problem = await this.#applyIfWarm();
          if (problem !== undefined)
            this.#log.error({ problem: errorText(problem) }, 'configuration refused');
        });
      }, this.#options.warmingTimeoutMs ?? 15_000);
      this.#warmingTimer.unref();
      return undefined;
    }
    clearTimeout(this.#warmingTimer);
    this.#warmingTimer = undefined;
    this.#warmingExpired = false;
    const generation = `${this.#store.generation}:${this.#overdueGeneration}`;
    if (generation === this.#appliedGeneration || generation === this.#failedGeneration) return undefined;
    const warming: string[] = [];
    const listeners = this.#secretReady(
      this.#store.decoded<Listener__Output, ListenerConfig>(typeUrls.listener),
      this.#appliedListeners,
      (l) => l.name,
      warming,
    );
    const clusters = this.#secretReady(
      this.#store.decoded<Cluster__Output, ClusterConfig>(typeUrls.cluster),
      this.#appliedClusters,
      (c) => c.name,
      warming,
    );
    const held: DecodedSnapshot = {
      listeners,
      routeConfigurations: this.#store.decoded<RouteConfiguration__Output, RouteTableConfig>(
        typeUrls.routeConfiguration,
      ),
      clusters,
      clusterLoadAssignments: this.#store.decoded<ClusterLoadAssignment__Output, EndpointsConfig>(
        typeUrls.clusterLoadAssignment,
      ),
      secrets: this.#store.decoded<Secret__Output, SecretConfig>(typeUrls.secret),
    };
    let config: ProxyConfig;
    try {
      config = assembleConfig(this.#options.transform?.(held) ?? held);
      await this.#options.target.apply(config);
    } catch (error) {
      this.#failedGeneration = generation;
      return error;
    }
    this.#appliedGeneration = generation;
    this.#appliedListeners = new Map(listeners.map((d) => [d.config.name, d]));
    this.#appliedClusters = new Map(clusters.map((d) => [d.config.name, d]));
    // Secrets only a replaced version named are no longer wanted.
    if (this.#stream) this.#syncSubscriptions(this.#stream);
    const event: AppliedEvent = {
      listeners: config.listeners.size,
      routeConfigurations: config.routeTables.size,
      clusters: config.clusters.size,
      clusterLoadAssignments: config.endpoints.size,
      secrets: config.secrets.size,
      warming: warming.length,
      first: this.#applies === 0,
    };
    this.#applies++;
    this.#log.info(event, 'configuration applied');
    this.#options.onApplied?.(event);
    return undefined;
  }

  #reply(
    stream: Stream,
    res: DeltaDiscoveryResponse__Output,
    problem: string | undefined,
    bindError?: ListenerBindError,
  ): void {
    if (problem !== undefined) {
      this.#nacks++;
      const kind = bindError ? 'bind' : 'invalid';
      this.#log.warn(
        { typeUrl: res.type_url, nonce: res.nonce, problem, kind },
        'xds update rejected (NACK)',
      );
      this.#options.onNack?.({
        typeUrl: res.type_url,
        nonce: res.nonce,
        message: problem,
        kind,
        ...(bindError ? { bindError } : {}),
      });
    }
    this.#send(stream, {
      type_url: res.type_url,
      response_nonce: res.nonce,
      ...(problem !== undefined ? { error_detail: { code: invalidArgument, message: problem } } : {}),
    });
  }
}
