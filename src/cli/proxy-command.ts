// `switchyard proxy`: runs the sidecar for one virtual node (or gateway), fed by the control plane over delta ADS.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import { parseArn } from '../model/arn.ts';
import { SidecarStartError, startSidecar } from '../proxy/sidecar/index.ts';
import type { Sidecar, SidecarNodeRef, SidecarSettings } from '../proxy/sidecar/index.ts';
import { invalidAllowedHost } from '../util/host-check.ts';
import { createLogger } from '../util/logger.ts';
import { readTokenFile, TokenFileError, tokenValueProblem } from '../util/token-file.ts';
import { appMeshDefaults, appMeshVariables, pinoLevel } from './appmesh-environment.ts';
import { CliError, runAction } from './cli-error.ts';
import { routeGrpcLogs } from './grpc-log-routing.ts';
import { parseTracingSettings, type RawTracingOptions } from './otel-environment.ts';
import { aliasedValue, aliasOption, xdsAddrSpelling, xdsAliasSpelling } from './option-alias.ts';

interface RawProxyOptions extends RawTracingOptions {
  node?: string;
  /** `--xds-addr`, the spelling every command uses for the control plane's xDS address. */
  xdsAddr?: string;
  adminAddr?: string;
  logLevel?: string;
  inboundPort: string;
  outboundPort: string;
  appHost: string;
  api?: string;
  registerAddress: string;
  listenHost?: string;
  outboundHost: string;
  accessLog?: string;
  accessLogFormat: 'text' | 'json';
  drainMs: string;
  metricsIntervalMs: string;
  backendPort?: string[];
  backend?: string[];
  allowedHost?: string[];
  tokenFile?: string;
  /** SWITCHYARD_TOKEN: the token itself (no flag: a command line is visible to every local user). */
  token?: string;
  xdsCa?: string;
  xdsCert?: string;
  xdsKey?: string;
}

/** `--node` in the path form, or the resource ARN (what App Mesh's APPMESH_RESOURCE_ARN holds). */
function parseNode(value: string): SidecarNodeRef {
  const arn = value.startsWith('arn:') ? parseArn(value) : undefined;
  const key = arn?.key;
  if (key && (key.kind === 'virtualNode' || key.kind === 'virtualGateway'))
    return { meshName: key.meshName, kind: key.kind, name: key.name };
  const m = /^mesh\/([^/@]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(value);
  if (!m)
    throw new CliError(
      `--node must be mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the resource ARN (arn:aws:appmesh:<region>:<account>:mesh/<mesh>/virtualNode/<name>), got ${JSON.stringify(value)}`,
    );
  return { meshName: m[1]!, kind: m[2] as SidecarNodeRef['kind'], name: m[3]! };
}

/** Repeatable flags also come as one variable; its value lists them separated by commas or spaces. */
function listValues(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/[\s,]+/)).filter((value) => value !== '');
}

function parsePort(value: string, flag: string, allowZero = false): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535 || (port === 0 && !allowZero))
    throw new CliError(
      `${flag} must be a port number (${allowZero ? 0 : 1}-65535), got ${JSON.stringify(value)}`,
    );
  return port;
}

function parseHost(value: string, flag: string): string {
  const host = value.replace(/^\[(.*)\]$/, '$1');
  if (host === '' || /[\s/]/.test(host))
    throw new CliError(`${flag} must be a host or IP address, got ${JSON.stringify(value)}`);
  return host;
}

function parseHostPort(value: string, flag: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(value);
  if (!m || m[1] === '') throw new CliError(`${flag} must be HOST:PORT, got ${JSON.stringify(value)}`);
  return { host: m[1]!, port: parsePort(m[2]!, flag, true) };
}

/** `--api`: one URL or several (replicas) separated by commas, each `http(s)://host[:port]`. */
function parseApiUrls(value: string): string {
  const urls = listValues([value]).map((url) => url.replace(/\/+$/, ''));
  const bad = urls.length === 0 ? value : urls.find((url) => !/^https?:\/\/[^/]+$/.test(url));
  if (bad !== undefined)
    throw new CliError(
      `--api must be an http(s) URL like http://127.0.0.1:9080 (several separated by commas), got ${JSON.stringify(bad)}`,
    );
  return urls.join(',');
}

/** The flags, with App Mesh's variables filling what neither a flag nor a SWITCHYARD_ variable set. */
function withAppMeshDefaults(raw: RawProxyOptions, env: NodeJS.ProcessEnv): RawProxyOptions {
  const appMesh = appMeshDefaults(env);
  return {
    ...raw,
    node: raw.node ?? appMesh.node,
    xdsAddr: raw.xdsAddr ?? appMesh.xds,
    adminAddr: raw.adminAddr ?? appMesh.adminAddr ?? '127.0.0.1:9901',
    logLevel: raw.logLevel ?? appMesh.logLevel ?? 'info',
  };
}

/** The pino level of `--log-level` (Envoy's names or pino's). */
export function parseLogLevel(value: string): string {
  const level = pinoLevel(value);
  if (!level)
    throw new CliError(
      `--log-level must be one of trace, debug, info, warn, error, critical, off, got ${JSON.stringify(value)}`,
    );
  return level;
}

function parseSettings(raw: RawProxyOptions): SidecarSettings {
  if (raw.node === undefined)
    throw new CliError(
      `--node is required (or SWITCHYARD_NODE, or App Mesh's ${appMeshVariables.node.join(' / ')})`,
    );
  if (raw.xdsAddr === undefined)
    throw new CliError(
      `--xds-addr is required (or SWITCHYARD_XDS_ADDR, or App Mesh's ${appMeshVariables.xds.join(' / ')})`,
    );
  const node = parseNode(raw.node);
  // Several replicas: `a:15010,b:15010`; the xDS client moves to the next when a stream fails.
  const xdsEntries = listValues([raw.xdsAddr]).map((entry) => {
    const xds = parseHostPort(entry, '--xds-addr');
    if (xds.port === 0) throw new CliError('--xds-addr needs a real port');
    return `${xds.host.includes(':') ? `[${xds.host}]` : xds.host}:${xds.port}`;
  });
  if (xdsEntries.length === 0) throw new CliError('--xds-addr must be HOST:PORT[,HOST:PORT…], got ""');
  const inboundPort = parsePort(raw.inboundPort, '--inbound-port');
  const outboundPort = parsePort(raw.outboundPort, '--outbound-port');
  if (inboundPort === outboundPort) throw new CliError('--inbound-port and --outbound-port must differ');
  // Without --api the sidecar registers where the control plane's xDS responses say its API is.
  const apiUrl = raw.api === undefined ? undefined : parseApiUrls(raw.api);
  const drainMs = Number(raw.drainMs);
  if (!Number.isInteger(drainMs) || drainMs < 0)
    throw new CliError(
      `--drain-ms must be a whole number of milliseconds, got ${JSON.stringify(raw.drainMs)}`,
    );
  const metricsIntervalMs = Number(raw.metricsIntervalMs);
  if (!/^\d+$/.test(raw.metricsIntervalMs) || (metricsIntervalMs > 0 && metricsIntervalMs < 100))
    throw new CliError(
      `--metrics-interval-ms must be 0 (off) or a whole number of milliseconds from 100, got ${JSON.stringify(raw.metricsIntervalMs)}`,
    );
  const backendPorts = new Map<number, number>();
  for (const pair of listValues(raw.backendPort)) {
    const m = /^(\d+)=(\d+)$/.exec(pair);
    if (!m) throw new CliError(`--backend-port must be BACKEND_PORT=LOCAL_PORT, got ${JSON.stringify(pair)}`);
    backendPorts.set(parsePort(m[1]!, '--backend-port'), parsePort(m[2]!, '--backend-port'));
  }
  const httpBackends = new Map<string, number>();
  for (const pair of listValues(raw.backend)) {
    const m = /^([^=\s]+)=(\d+)$/.exec(pair);
    if (!m) throw new CliError(`--backend must be SERVICE[:PORT]=LOCAL_PORT, got ${JSON.stringify(pair)}`);
    httpBackends.set(m[1]!, parsePort(m[2]!, '--backend'));
  }
  const allowedHosts = listValues(raw.allowedHost);
  for (const name of allowedHosts) {
    const problem = invalidAllowedHost(name);
    if (problem !== undefined) throw new CliError(problem);
  }
  return {
    node,
    nodeId: raw.node,
    ...accessTokenSettings(raw),
    ...xdsTlsSettings(raw),
    backendPorts,
    httpBackends,
    xds: xdsEntries.join(','),
    admin: { ...parseHostPort(raw.adminAddr ?? '127.0.0.1:9901', '--admin-addr'), allowedHosts },
    inboundPort,
    outboundPort,
    appHost: raw.appHost,
    apiUrl,
    registerAddress: raw.registerAddress,
    listenHost: raw.listenHost,
    outboundHost: parseHost(raw.outboundHost, '--outbound-host'),
    accessLog: raw.accessLog,
    accessLogFormat: raw.accessLogFormat,
    drainMs,
    metricsIntervalMs,
    version: packageVersion(),
    tracing: parseTracingSettings(raw, process.env, node.name),
  };
}

/** `--token-file` (read now, checked, and again on every reconnect) or SWITCHYARD_TOKEN. */
function accessTokenSettings(raw: RawProxyOptions): Pick<SidecarSettings, 'accessToken' | 'accessTokenFile'> {
  if (raw.tokenFile !== undefined && raw.token !== undefined)
    throw new CliError(
      '--token-file (SWITCHYARD_TOKEN_FILE) and SWITCHYARD_TOKEN both give a token: give one',
    );
  if (raw.token !== undefined) {
    const problem = tokenValueProblem(raw.token.trim());
    if (problem !== undefined) throw new CliError(`SWITCHYARD_TOKEN ${problem}`);
    return { accessToken: raw.token.trim() };
  }
  if (raw.tokenFile === undefined) return {};
  try {
    return { accessToken: readTokenFile(raw.tokenFile), accessTokenFile: raw.tokenFile };
  } catch (error) {
    if (error instanceof TokenFileError)
      throw new CliError(`--token-file: ${error.message}`, { cause: error });
    throw error;
  }
}

function readPem(file: string, flag: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    throw new CliError(`${flag}: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (!pem.toString('latin1').includes('-----BEGIN '))
    throw new CliError(`${flag}: ${file} is not a PEM file (no -----BEGIN line)`);
  return pem;
}

/** `--xds-ca` turns TLS to the xDS server on; `--xds-cert` and `--xds-key` add a client identity (both or none). */
function xdsTlsSettings(raw: RawProxyOptions): Pick<SidecarSettings, 'xdsTls'> {
  if ((raw.xdsCert === undefined) !== (raw.xdsKey === undefined))
    throw new CliError('--xds-cert and --xds-key go together: give both or neither');
  if (raw.xdsCa === undefined) {
    if (raw.xdsCert !== undefined)
      throw new CliError('--xds-cert needs --xds-ca: a client certificate is only presented over TLS');
    return {};
  }
  const ca = readPem(raw.xdsCa, '--xds-ca');
  if (raw.xdsCert === undefined || raw.xdsKey === undefined) return { xdsTls: { ca } };
  return { xdsTls: { ca, cert: readPem(raw.xdsCert, '--xds-cert'), key: readPem(raw.xdsKey, '--xds-key') } };
}

function packageVersion(): string {
  try {
    const file = path.resolve(import.meta.dirname, '../../package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Parses the flags and starts the sidecar; a refusal becomes a CliError (and a fatal log line). */
async function startFromFlags(raw: RawProxyOptions, logger: Logger): Promise<Sidecar> {
  try {
    return await startSidecar(parseSettings(raw), logger);
  } catch (error) {
    const refusal =
      error instanceof SidecarStartError ? new CliError(error.message, { cause: error }) : error;
    logger.fatal({ err: refusal }, (refusal as Error).message);
    throw refusal;
  }
}

async function runProxy(raw: RawProxyOptions, logger: Logger): Promise<void> {
  routeGrpcLogs(logger);
  const sidecar = await startFromFlags(raw, logger);
  // The process belongs to the command: its signals stop the sidecar, whose end decides the exit code.
  const stop = (signal: NodeJS.Signals): void => void sidecar.stop(signal);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const exit = await sidecar.closed;
  // The sidecar has logged why it ended; the command adds the one line on stderr and the exit code.
  if (exit.kind === 'failed') throw new CliError(exit.message);
}

/** `switchyard --endpoint URL proxy` (or `proxy --endpoint URL`): the global spelling of `--api`, when given. */
function explicitEndpoint(command: Command): string | undefined {
  const source = command.getOptionValueSourceWithGlobals('endpoint');
  if (source !== 'cli' && source !== 'env') return undefined;
  return command.optsWithGlobals<{ endpoint?: string }>().endpoint;
}

/** An option that also reads `SWITCHYARD_<NAME>`; App Mesh's variable (if any) is applied after parsing. */
function envOption(flags: string, description: string, env: string): Option {
  return new Option(flags, description).env(env);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function proxyCommand(): Command {
  return new Command('proxy')
    .description(
      'run the sidecar proxy for a virtual node (or gateway), configured by the control plane over xDS; ' +
        'every flag also reads the environment variable named in its help',
    )
    .addOption(
      envOption(
        '--node <id>',
        'mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the resource ARN ' +
          `(also ${appMeshVariables.node.join(', ')})`,
        'SWITCHYARD_NODE',
      ),
    )
    .addOption(
      envOption(
        '--xds-addr <host:port>',
        'the control plane xDS address; several replicas separated by commas, tried in turn when a stream ' +
          `fails (alias --xds, SWITCHYARD_XDS; also ${appMeshVariables.xds.join(', ')})`,
        'SWITCHYARD_XDS_ADDR',
      ),
    )
    .addOption(aliasOption(xdsAliasSpelling, xdsAddrSpelling))
    .addOption(
      envOption(
        '--admin-addr <host:port>',
        'admin interface (default 127.0.0.1:9901; ENVOY_ADMIN_ACCESS_PORT sets the port on 127.0.0.1)',
        'SWITCHYARD_ADMIN_ADDR',
      ),
    )
    .addOption(
      envOption(
        '--log-level <level>',
        'trace, debug, info, warn, error, critical or off (default info; also ENVOY_LOG_LEVEL)',
        'SWITCHYARD_LOG_LEVEL',
      ),
    )
    .addOption(
      envOption(
        '--inbound-port <port>',
        'port of the inbound listener (traffic to this node)',
        'SWITCHYARD_INBOUND_PORT',
      ).default('15000'),
    )
    .addOption(
      envOption(
        '--outbound-port <port>',
        'port of the outbound listener (HTTP_PROXY for the local app)',
        'SWITCHYARD_OUTBOUND_PORT',
      ).default('15001'),
    )
    .addOption(
      envOption('--app-host <host>', 'where the local app listens', 'SWITCHYARD_APP_HOST').default(
        '127.0.0.1',
      ),
    )
    .addOption(
      envOption(
        '--api <url>',
        'control plane API, for registration; several separated by commas (alias --endpoint; default: the ' +
          'API the connected control plane names, else the --xds-addr host on port 9080)',
        'SWITCHYARD_ENDPOINT',
      ),
    )
    .addOption(
      envOption(
        '--register-address <ip>',
        'address peers reach this sidecar on (registered in the registry)',
        'SWITCHYARD_REGISTER_ADDRESS',
      ).default('127.0.0.1'),
    )
    .addOption(
      envOption(
        '--listen-host <host>',
        "bind the inbound listeners here instead of the control plane's address (0.0.0.0)",
        'SWITCHYARD_LISTEN_HOST',
      ),
    )
    .addOption(
      envOption(
        '--outbound-host <host>',
        'bind the outbound and local backend listeners (only the local app should reach them) here',
        'SWITCHYARD_OUTBOUND_HOST',
      ).default('127.0.0.1'),
    )
    .addOption(
      envOption(
        '--access-log <stdout|FILE>',
        'also write an access log of every request here',
        'SWITCHYARD_ACCESS_LOG',
      ),
    )
    .addOption(
      envOption('--access-log-format <format>', 'access log format', 'SWITCHYARD_ACCESS_LOG_FORMAT')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addOption(
      envOption(
        '--backend-port <port=local>',
        'serve the TCP backend on virtual service port <port> on local port <local> (repeatable; the variable takes a comma-separated list)',
        'SWITCHYARD_BACKEND_PORTS',
      ).argParser(collect),
    )
    .addOption(
      envOption(
        '--backend <service=local>',
        'serve the HTTP/gRPC virtual service <service> (as `name:port`) on local port <local> (repeatable; the variable takes a comma-separated list)',
        'SWITCHYARD_BACKENDS',
      ).argParser(collect),
    )
    .addOption(
      envOption(
        '--drain-ms <ms>',
        'how long shutdown lets in-flight requests finish',
        'SWITCHYARD_DRAIN_MS',
      ).default('5000'),
    )
    .addOption(
      envOption(
        '--metrics-interval-ms <ms>',
        'how often golden metrics per mesh pair are pushed to the control plane (MetricsService on the xDS port); 0 turns reporting off',
        'SWITCHYARD_METRICS_INTERVAL_MS',
      ).default('10000'),
    )
    .addOption(
      envOption(
        '--allowed-host <name>',
        'a name the admin interface accepts in the Host header besides IP addresses and localhost (repeatable; the variable takes a comma-separated list)',
        'SWITCHYARD_ALLOWED_HOSTS',
      ).argParser(collect),
    )
    .addOption(
      envOption(
        '--token-file <file>',
        'proxy access token (switchyard token issue) to present to the control plane on xDS and registry ' +
          'calls; read again on every reconnect; mode 0600 (SWITCHYARD_TOKEN may hold the token itself)',
        'SWITCHYARD_TOKEN_FILE',
      ),
    )
    .addOption(
      envOption(
        '--xds-ca <file>',
        'connect to the xDS server over TLS, trusting this CA (PEM; the control plane CA for --xds-tls)',
        'SWITCHYARD_XDS_CA',
      ),
    )
    .addOption(
      envOption(
        '--xds-cert <file>',
        'client certificate (PEM) presented to the xDS server, e.g. from switchyard ca issue; with --xds-key',
        'SWITCHYARD_XDS_CERT',
      ),
    )
    .addOption(envOption('--xds-key <file>', 'private key of --xds-cert (PEM)', 'SWITCHYARD_XDS_KEY'))
    .addOption(
      new Option(
        '--otlp-endpoint <url>',
        'export traces (OTLP/HTTP protobuf) to this URL, e.g. http://127.0.0.1:4318/v1/traces (also ' +
          'OTEL_EXPORTER_OTLP_ENDPOINT with /v1/traces appended); tracing is off without one',
      ).env('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
    )
    .addOption(
      new Option(
        '--trace-sampler <name>',
        'always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or ' +
          'parentbased_traceidratio (default parentbased_traceidratio, ratio 0.01)',
      ).env('OTEL_TRACES_SAMPLER'),
    )
    .addOption(
      new Option('--trace-sampler-arg <ratio>', "the ratio sampler's ratio, 0 to 1 (default 0.01)").env(
        'OTEL_TRACES_SAMPLER_ARG',
      ),
    )
    .addOption(
      new Option('--service-name <name>', "the traces' service.name (default: the node's name)").env(
        'OTEL_SERVICE_NAME',
      ),
    )
    .addOption(
      new Option(
        '--trace-batch-delay-ms <ms>',
        'how long a finished span may wait for its batch to fill (default 5000)',
      ).env('OTEL_BSP_SCHEDULE_DELAY'),
    )
    .action(async (raw: RawProxyOptions, command: Command) => {
      await runAction(async () => {
        const xdsAddr = aliasedValue(command, xdsAddrSpelling, xdsAliasSpelling);
        const options = withAppMeshDefaults(
          {
            ...raw,
            xdsAddr,
            api: raw.api ?? explicitEndpoint(command),
            ...(process.env.SWITCHYARD_TOKEN ? { token: process.env.SWITCHYARD_TOKEN } : {}),
          },
          process.env,
        );
        await runProxy(options, createLogger('switchyard-proxy', parseLogLevel(options.logLevel!)));
      })();
      // Exit now rather than when the event loop empties: nothing left open may keep a stopped sidecar alive.
      process.exit();
    });
}
