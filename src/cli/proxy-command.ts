// `switchyard proxy`: runs the sidecar for one virtual node (or gateway), fed by the control plane over delta ADS.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import { MeshProxy } from '../proxy/index.ts';
import {
  InstanceRegistration,
  XdsClient,
  createSidecarNode,
  inboundInstances,
  localOverrides,
  sidecarInstanceId,
} from '../proxy/xds-client/index.ts';
import { listenerPortAttribute } from '../util/instance-attributes.ts';
import { createLogger } from '../util/logger.ts';

interface RawProxyOptions {
  node: string;
  xds: string;
  adminAddr: string;
  inboundPort: string;
  outboundPort: string;
  appHost: string;
  api?: string;
  registerAddress: string;
  listenHost?: string;
  accessLog?: string;
  accessLogFormat: 'text' | 'json';
  drainMs: string;
  backendPort?: string[];
  backend?: string[];
}

interface NodeRef {
  readonly meshName: string;
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
}

interface ProxySettings {
  readonly node: NodeRef;
  readonly nodeId: string;
  readonly xds: string;
  readonly admin: { host: string; port: number };
  readonly inboundPort: number;
  readonly outboundPort: number;
  readonly appHost: string;
  readonly apiUrl: string;
  readonly registerAddress: string;
  readonly listenHost: string | undefined;
  readonly accessLog: string | undefined;
  readonly accessLogFormat: 'text' | 'json';
  readonly drainMs: number;
  readonly backendPorts: ReadonlyMap<number, number>;
  readonly httpBackends: ReadonlyMap<string, number>;
}

class FlagError extends Error {}

function parseNode(value: string): NodeRef {
  const m = /^mesh\/([^/@]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(value);
  if (!m)
    throw new FlagError(
      `--node must be mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualGateway/<name>, got ${JSON.stringify(value)}`,
    );
  return { meshName: m[1]!, kind: m[2] as NodeRef['kind'], name: m[3]! };
}

function parsePort(value: string, flag: string, allowZero = false): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535 || (port === 0 && !allowZero))
    throw new FlagError(
      `${flag} must be a port number (${allowZero ? 0 : 1}-65535), got ${JSON.stringify(value)}`,
    );
  return port;
}

function parseHostPort(value: string, flag: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(value);
  if (!m || m[1] === '') throw new FlagError(`${flag} must be HOST:PORT, got ${JSON.stringify(value)}`);
  return { host: m[1]!, port: parsePort(m[2]!, flag, true) };
}

function parseSettings(raw: RawProxyOptions): ProxySettings {
  const node = parseNode(raw.node);
  const xds = parseHostPort(raw.xds, '--xds');
  if (xds.port === 0) throw new FlagError('--xds needs a real port');
  const inboundPort = parsePort(raw.inboundPort, '--inbound-port');
  const outboundPort = parsePort(raw.outboundPort, '--outbound-port');
  if (inboundPort === outboundPort) throw new FlagError('--inbound-port and --outbound-port must differ');
  const apiUrl = (raw.api ?? `http://${xds.host.includes(':') ? `[${xds.host}]` : xds.host}:9080`).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\/[^/]+$/.test(apiUrl))
    throw new FlagError(
      `--api must be an http(s) URL like http://127.0.0.1:9080, got ${JSON.stringify(apiUrl)}`,
    );
  const drainMs = Number(raw.drainMs);
  if (!Number.isInteger(drainMs) || drainMs < 0)
    throw new FlagError(
      `--drain-ms must be a whole number of milliseconds, got ${JSON.stringify(raw.drainMs)}`,
    );
  const backendPorts = new Map<number, number>();
  for (const pair of raw.backendPort ?? []) {
    const m = /^(\d+)=(\d+)$/.exec(pair);
    if (!m)
      throw new FlagError(`--backend-port must be BACKEND_PORT=LOCAL_PORT, got ${JSON.stringify(pair)}`);
    backendPorts.set(parsePort(m[1]!, '--backend-port'), parsePort(m[2]!, '--backend-port'));
  }
  const httpBackends = new Map<string, number>();
  for (const pair of raw.backend ?? []) {
    const m = /^([^=\s]+)=(\d+)$/.exec(pair);
    if (!m) throw new FlagError(`--backend must be SERVICE[:PORT]=LOCAL_PORT, got ${JSON.stringify(pair)}`);
    httpBackends.set(m[1]!, parsePort(m[2]!, '--backend'));
  }
  return {
    node,
    nodeId: raw.node,
    backendPorts,
    httpBackends,
    xds: `${xds.host.includes(':') ? `[${xds.host}]` : xds.host}:${xds.port}`,
    admin: parseHostPort(raw.adminAddr, '--admin-addr'),
    inboundPort,
    outboundPort,
    appHost: raw.appHost,
    apiUrl,
    registerAddress: raw.registerAddress,
    listenHost: raw.listenHost,
    accessLog: raw.accessLog,
    accessLogFormat: raw.accessLogFormat,
    drainMs,
  };
}

function packageVersion(): string {
  try {
    const file = path.resolve(import.meta.dirname, '../../package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Keeps trying to register (the API may be down when the sidecar comes up) until it succeeds or is stopped. */
function keepRegistering(registration: InstanceRegistration, logger: Logger, stopped: () => boolean): void {
  let attempt = 0;
  const tryOnce = (): void => {
    if (stopped()) return;
    registration.register().then(
      (outcome) => {
        if (outcome.kind === 'registered') logger.info(outcome, 'instance registered');
        else logger.info({ reason: outcome.reason }, 'nothing to register for this node');
      },
      (error: unknown) => {
        const delayMs = Math.min(10_000, 500 * 2 ** attempt++);
        logger.warn({ err: error, retryInMs: delayMs }, 'instance registration failed');
        setTimeout(tryOnce, delayMs).unref();
      },
    );
  };
  tryOnce();
}

async function runProxy(settings: ProxySettings, logger: Logger): Promise<void> {
  const proxy = new MeshProxy({ admin: settings.admin });
  try {
    await proxy.start();
  } catch (error) {
    throw new FlagError(
      `cannot serve the admin interface on ${settings.admin.host}:${settings.admin.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const isNode = settings.node.kind === 'virtualNode';
  const registrations = new Map<number, InstanceRegistration>();
  let stopping = false;
  let applied = false;
  const register = (): void => {
    if (!isNode) return;
    const instances = inboundInstances(proxy.config?.source, settings.inboundPort);
    if (instances.length === 0) {
      logger.info('the node has no listeners: no inbound instance to register');
      return;
    }
    for (const instance of instances) {
      let registration = registrations.get(instance.port);
      if (!registration) {
        registration = new InstanceRegistration({
          apiUrl: settings.apiUrl,
          meshName: settings.node.meshName,
          virtualNodeName: settings.node.name,
          instanceId: sidecarInstanceId(settings.node.name, settings.registerAddress, instance.port),
          address: settings.registerAddress,
          port: instance.port,
          attributes:
            instance.listenerPort === undefined
              ? undefined
              : { [listenerPortAttribute]: String(instance.listenerPort) },
          logger,
        });
        registrations.set(instance.port, registration);
      }
      keepRegistering(registration, logger, () => stopping);
    }
  };

  const client = new XdsClient({
    server: settings.xds,
    node: createSidecarNode({
      id: settings.nodeId,
      inboundPort: settings.inboundPort,
      outboundPort: settings.outboundPort,
      appHost: settings.appHost,
      version: packageVersion(),
    }),
    target: proxy,
    logger: logger.child({ component: 'xds' }),
    transform: localOverrides({
      listenHost: settings.listenHost,
      accessLog: settings.accessLog,
      accessLogFormat: settings.accessLogFormat,
      backendPorts: settings.backendPorts,
      httpBackends: settings.httpBackends,
    }),
    onApplied: (event) => {
      if (!event.first) return;
      applied = true;
      const listeners = Object.fromEntries(
        [...(proxy.config?.listeners.keys() ?? [])].map((name) => [name, proxy.listenerPort(name)]),
      );
      logger.info(
        {
          node: settings.nodeId,
          xds: settings.xds,
          adminAddr: `${settings.admin.host}:${proxy.adminPort}`,
          listeners,
        },
        'proxy ready',
      );
      register();
    },
    onConnected: () => {
      // After a control plane restart, make sure the registry still has us (registration is idempotent).
      if (applied) register();
    },
    onNack: (event) => {
      if (!applied && event.kind === 'bind') {
        logger.fatal({ problem: event.message }, 'cannot open the sidecar listeners');
        process.stderr.write(`switchyard proxy: ${event.message}\n`);
        process.exit(1);
      }
    },
  });
  client.start();
  logger.info(
    { node: settings.nodeId, xds: settings.xds, adminAddr: `${settings.admin.host}:${proxy.adminPort}` },
    'proxy started; waiting for configuration',
  );

  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'proxy stopping');
    void (async () => {
      // Leave the registry first, so peers stop choosing us while in-flight requests drain.
      await Promise.all(
        [...registrations.values()].map((registration) =>
          registration.deregister().then(
            () => logger.info('instance deregistered'),
            (error: unknown) => logger.warn({ err: error }, 'instance deregistration failed'),
          ),
        ),
      );
      await client.close();
      await proxy.close(settings.drainMs);
      logger.info('proxy stopped');
      process.exit(0);
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'proxy did not stop cleanly');
      process.exit(1);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

export function proxyCommand(): Command {
  return new Command('proxy')
    .description(
      'run the sidecar proxy for a virtual node (or gateway), configured by the control plane over xDS',
    )
    .requiredOption('--node <id>', 'mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualGateway/<name>')
    .requiredOption('--xds <host:port>', 'the control plane xDS address')
    .option(
      '--admin-addr <host:port>',
      'admin interface (/ready, /stats/prometheus, /config_dump, /clusters)',
      '127.0.0.1:9901',
    )
    .option('--inbound-port <port>', 'port of the inbound listener (traffic to this node)', '15000')
    .option('--outbound-port <port>', 'port of the outbound listener (HTTP_PROXY for the local app)', '15001')
    .option('--app-host <host>', 'where the local app listens', '127.0.0.1')
    .addOption(
      new Option(
        '--api <url>',
        'control plane API, for registration (default: the --xds host on port 9080)',
      ).env('SWITCHYARD_ENDPOINT'),
    )
    .option(
      '--register-address <ip>',
      'address peers reach this sidecar on (registered in the registry)',
      '127.0.0.1',
    )
    .option('--listen-host <host>', "bind listeners here instead of the control plane's address (0.0.0.0)")
    .option('--access-log <stdout|FILE>', 'also write an access log of every request here')
    .addOption(
      new Option('--access-log-format <format>', 'access log format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option(
      '--backend-port <port=local>',
      'serve the TCP backend on virtual service port <port> on local port <local> (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--backend <service=local>',
      'serve the HTTP/gRPC virtual service <service> (as `name:port`) on local port <local> (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--drain-ms <ms>', 'how long shutdown lets in-flight requests finish', '5000')
    .action(async (raw: RawProxyOptions) => {
      const logger = createLogger('switchyard-proxy');
      try {
        await runProxy(parseSettings(raw), logger);
      } catch (error) {
        if (error instanceof FlagError) {
          logger.fatal({ err: error }, error.message);
          process.stderr.write(`switchyard proxy: ${error.message}\n`);
          process.exit(1);
        }
        throw error;
      }
    });
}
