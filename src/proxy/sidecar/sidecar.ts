// One running sidecar: proxy and admin, fed by the xDS client, registered, and stopped in order.
//
// No process-level concerns here (signals, exit codes): the caller owns the process, so tests run it in-process.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { systemClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { MeshProxy } from '../index.ts';
import { MeshMetrics } from '../mesh-metrics/mesh-metrics.ts';
import { MetricsReporter, defaultReportIntervalMs } from '../mesh-metrics/metrics-reporter.ts';
import { XdsClient, localOverrides } from '../xds-client/index.ts';
import { xdsChannel } from '../xds-client/xds-client.ts';
import { apiUrlOfControlPlane } from '../../xds/protos/node-metadata.ts';
import type { Node } from '../../xds/protos/index.ts';
import { SidecarRegistrations } from './sidecar-registrations.ts';
import { readTokenFile } from '../../util/token-file.ts';
import type { SidecarSettings } from './sidecar-settings.ts';
import { createSidecarNode } from './xds-node.ts';

/** The admin interface could not be served: nothing else was started. */
export class SidecarStartError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'SidecarStartError';
  }
}

/** How a sidecar ended: stopped on request, or ended by a failure it cannot serve past. */
export type SidecarExit =
  | { readonly kind: 'stopped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly message: string };

export interface SidecarReady {
  /** Listener name → bound port, for the first configuration applied. */
  readonly listeners: Readonly<Record<string, number | undefined>>;
}

export interface Sidecar {
  /** The admin interface's bound port (useful when settings asked for port 0). */
  readonly adminPort: number;
  /** Resolves when the first configuration is applied, or with undefined if the sidecar ends before that. */
  readonly ready: Promise<SidecarReady | undefined>;
  /** Resolves once everything is closed; never rejects. */
  readonly closed: Promise<SidecarExit>;
  /** The bound port of a listener of the applied configuration. */
  listenerPort(name: string): number | undefined;
  /** Deregisters, closes the xDS stream and drains for up to `drainMs`; repeated calls share one stop. */
  stop(reason: string): Promise<SidecarExit>;
}

export interface SidecarRuntime {
  /** Times the registration retries; default the system clock. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

/**
 * Starts the admin interface (throwing `SidecarStartError` if it cannot listen), then connects to the control
 * plane in the background; listeners open with the first configuration. A first configuration whose listeners
 * cannot bind ends the sidecar (`closed` resolves `failed`).
 */
export async function startSidecar(
  settings: SidecarSettings,
  logger: Logger,
  runtime: SidecarRuntime = {},
): Promise<Sidecar> {
  // The admin controls reach the sidecar and its xDS client, which exist only once the admin listens.
  const running: { sidecar?: RunningSidecar } = {};
  const metricsIntervalMs = settings.metricsIntervalMs ?? defaultReportIntervalMs;
  const meshMetrics = metricsIntervalMs > 0 ? new MeshMetrics() : undefined;
  const proxy = new MeshProxy({
    admin: settings.admin,
    ...(meshMetrics ? { meshMetrics } : {}),
    logger,
    ...(settings.tracing && {
      tracing: { settings: settings.tracing, node: { ...settings.node, version: settings.version } },
    }),
    adminControls: {
      identity: {
        nodeId: settings.nodeId,
        cluster: settings.node.name,
        version: settings.version,
        startedAtMs: Date.now(),
      },
      quit: () => void running.sidecar?.stop('quitquitquit'),
      resourceVersion: (typeUrl, name) => running.sidecar?.resourceVersion(typeUrl, name),
    },
  });
  try {
    await proxy.start();
  } catch (error) {
    await proxy.close(0).catch(() => undefined);
    throw new SidecarStartError(
      `cannot serve the admin interface on ${settings.admin.host}:${settings.admin.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  running.sidecar = new RunningSidecar(settings, logger, proxy, runtime, meshMetrics);
  return running.sidecar;
}

class RunningSidecar implements Sidecar {
  readonly adminPort: number;
  readonly ready: Promise<SidecarReady | undefined>;
  readonly closed: Promise<SidecarExit>;
  readonly #settings: SidecarSettings;
  readonly #logger: Logger;
  readonly #proxy: MeshProxy;
  readonly #client: XdsClient;
  readonly #registrations: SidecarRegistrations | undefined;
  readonly #reporter: MetricsReporter | undefined;
  /** The xDS server the stream last connected to: metrics go there too. */
  #xdsServer: string;
  #resolveReady!: (ready: SidecarReady | undefined) => void;
  #resolveClosed!: (exit: SidecarExit) => void;
  #applied = false;
  /**
   * The APIs the control plane replicas named in their streams' first responses, the latest first (`--api`
   * overrides them): registration goes to the replica serving the stream, else to one that served before.
   */
  #learnedApiUrls: string[] = [];
  readonly #presentAccessToken: () => string | undefined;
  #stopping = false;

  constructor(
    settings: SidecarSettings,
    logger: Logger,
    proxy: MeshProxy,
    runtime: SidecarRuntime,
    meshMetrics?: MeshMetrics,
  ) {
    this.#settings = settings;
    this.#xdsServer = settings.xds.split(',')[0]!.trim();
    // New with every process: a restarted sidecar's instances are never removed on behalf of its predecessor.
    const proxyToken = randomBytes(16).toString('base64url');
    this.#logger = logger;
    this.#proxy = proxy;
    this.adminPort = proxy.adminPort!;
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    // Read again before each xDS stream, registry call and metrics report, so a rotated token file is followed.
    let accessToken = settings.accessToken;
    const presentAccessToken = () => (accessToken = currentAccessToken(settings, accessToken, logger));
    this.#presentAccessToken = presentAccessToken;
    this.#registrations =
      settings.node.kind === 'virtualNode'
        ? new SidecarRegistrations({
            apiUrls: () => this.#apiUrls(),
            proxyToken,
            accessToken: presentAccessToken,
            meshName: settings.node.meshName,
            virtualNodeName: settings.node.name,
            registerAddress: settings.registerAddress,
            inboundPort: settings.inboundPort,
            logger,
            clock: runtime.clock ?? systemClock,
            random: runtime.random,
          })
        : undefined;
    // One node for every stream to the xDS port: ADS and the metrics report name the proxy the same way.
    const node = createSidecarNode({
      id: settings.nodeId,
      inboundPort: settings.inboundPort,
      outboundPort: settings.outboundPort,
      appHost: settings.appHost,
      version: settings.version,
      proxyToken,
    });
    this.#client = new XdsClient({
      server: settings.xds,
      ...(settings.xdsTls ? { tls: settings.xdsTls } : {}),
      accessToken: presentAccessToken,
      node,
      target: proxy,
      logger: logger.child({ component: 'xds' }),
      transform: localOverrides({
        listenHost: settings.listenHost,
        outboundHost: settings.outboundHost ?? '127.0.0.1',
        accessLog: settings.accessLog,
        accessLogFormat: settings.accessLogFormat,
        backendPorts: settings.backendPorts,
        httpBackends: settings.httpBackends,
      }),
      onApplied: (event) => {
        if (event.first) this.#firstApplied();
      },
      // After a control plane restart, make sure the registry still has us (registration is idempotent).
      onConnected: ({ controlPlaneIdentifier, server }) => {
        if (server !== undefined) this.#xdsServer = server;
        this.#learn(apiUrlOfControlPlane(controlPlaneIdentifier), server);
        if (this.#applied) this.#registrations?.sync(proxy.config?.source);
      },
      onNack: (event) => {
        // Only a first configuration whose listeners cannot bind ends the sidecar; later ones keep the old config.
        if (this.#applied || event.kind !== 'bind') return;
        const problem = event.message;
        logger.fatal({ problem }, 'cannot open the sidecar listeners');
        void this.#shutdown('cannot bind the first configuration', 0, { kind: 'failed', message: problem });
      },
    });
    this.#client.start();
    this.#reporter = meshMetrics && this.#startReporter(meshMetrics, runtime, node);
    logger.info(
      { node: settings.nodeId, xds: settings.xds, adminAddr: `${settings.admin.host}:${this.adminPort}` },
      'proxy started; waiting for configuration',
    );
  }

  #startReporter(metrics: MeshMetrics, runtime: SidecarRuntime, node: Node): MetricsReporter {
    const settings = this.#settings;
    const reporter = new MetricsReporter({
      metrics,
      node,
      server: () => this.#xdsServer,
      channel: (server) => xdsChannel(settings.xdsTls, hostOf(server)),
      metadata: () => {
        const metadata = new grpc.Metadata();
        const token = this.#presentAccessToken();
        if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
        return metadata;
      },
      ...(settings.metricsIntervalMs ? { intervalMs: settings.metricsIntervalMs } : {}),
      clock: runtime.clock ?? systemClock,
      ...(runtime.random ? { random: runtime.random } : {}),
      logger: this.#logger.child({ component: 'metrics' }),
    });
    reporter.start();
    return reporter;
  }

  #learn(apiUrl: string | undefined, server: string | undefined): void {
    if (apiUrl === undefined) return;
    // A control plane bound to every address names 0.0.0.0 / [::]: reach it where the xDS stream does.
    const xdsHost = (server ?? this.#settings.xds.split(',')[0]!).trim().replace(/:\d+$/, '');
    const url = apiUrl.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\])(?=:|$)/, `$1${xdsHost}`);
    // Bounded: a fleet of replicas is small, and the oldest learned URL is the least likely to answer.
    this.#learnedApiUrls = [url, ...this.#learnedApiUrls.filter((u) => u !== url)].slice(0, 16);
  }

  /**
   * Where registration goes, in the order to try: `--api` (one URL or several separated by commas), else the
   * APIs the replicas named (the current stream's first), else each xDS host on port 9080.
   */
  #apiUrls(): readonly string[] {
    if (this.#settings.apiUrl !== undefined) return this.#settings.apiUrl.split(',');
    const fallbacks = this.#settings.xds
      .split(',')
      .map((entry) => `http://${entry.trim().replace(/:\d+$/, '')}:9080`);
    return [...new Set([...this.#learnedApiUrls, ...fallbacks])];
  }

  listenerPort(name: string): number | undefined {
    return this.#proxy.listenerPort(name);
  }

  resourceVersion(typeUrl: string, name: string): string | undefined {
    return this.#client.resourceVersion(typeUrl, name);
  }

  stop(reason: string): Promise<SidecarExit> {
    void this.#shutdown(reason, this.#settings.drainMs, { kind: 'stopped', reason });
    return this.closed;
  }

  #firstApplied(): void {
    if (this.#stopping) return;
    this.#applied = true;
    const settings = this.#settings;
    const listeners = Object.fromEntries(
      [...(this.#proxy.config?.listeners.keys() ?? [])].map((name) => [name, this.#proxy.listenerPort(name)]),
    );
    this.#logger.info(
      {
        node: settings.nodeId,
        xds: settings.xds,
        adminAddr: `${settings.admin.host}:${this.adminPort}`,
        listeners,
      },
      'proxy ready',
    );
    this.#resolveReady({ listeners });
    this.#registrations?.sync(this.#proxy.config?.source);
  }

  async #shutdown(reason: string, drainMs: number, exit: SidecarExit): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#logger.info({ signal: reason }, 'proxy stopping');
    try {
      // Leave the registry first, so peers stop choosing us while in-flight requests drain.
      await this.#registrations?.deregisterAll();
      await this.#client.close();
      this.#reporter?.close();
      await this.#proxy.close(drainMs);
      this.#logger.info('proxy stopped');
      this.#resolveClosed(exit);
    } catch (error) {
      this.#logger.error({ err: error }, 'proxy did not stop cleanly');
      this.#resolveClosed({
        kind: 'failed',
        message: `the proxy did not stop cleanly: ${(error as Error).message}`,
      });
    } finally {
      this.#resolveReady(undefined);
    }
  }
}

/** The host of `host:port` or `[v6]:port`, as the TLS server name. */
function hostOf(server: string): string {
  return server.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}

/** The token file's content now; a file that became unreadable keeps the last token (and says so). */
function currentAccessToken(
  settings: SidecarSettings,
  last: string | undefined,
  logger: Logger,
): string | undefined {
  if (settings.accessTokenFile === undefined) return last;
  try {
    return readTokenFile(settings.accessTokenFile);
  } catch (error) {
    logger.warn(
      { problem: (error as Error).message },
      'cannot read the token file again; presenting the last token',
    );
    return last;
  }
}
