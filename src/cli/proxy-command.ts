// `switchyard proxy`: runs the sidecar for one virtual node (or gateway), fed by the control plane over delta ADS.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import { SidecarStartError, startSidecar } from '../proxy/sidecar/index.ts';
import type { Sidecar, SidecarNodeRef, SidecarSettings } from '../proxy/sidecar/index.ts';
import { createLogger } from '../util/logger.ts';
import { CliError, runAction } from './cli-error.ts';

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

function parseNode(value: string): SidecarNodeRef {
  const m = /^mesh\/([^/@]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(value);
  if (!m)
    throw new CliError(
      `--node must be mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualGateway/<name>, got ${JSON.stringify(value)}`,
    );
  return { meshName: m[1]!, kind: m[2] as SidecarNodeRef['kind'], name: m[3]! };
}

function parsePort(value: string, flag: string, allowZero = false): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535 || (port === 0 && !allowZero))
    throw new CliError(
      `${flag} must be a port number (${allowZero ? 0 : 1}-65535), got ${JSON.stringify(value)}`,
    );
  return port;
}

function parseHostPort(value: string, flag: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(value);
  if (!m || m[1] === '') throw new CliError(`${flag} must be HOST:PORT, got ${JSON.stringify(value)}`);
  return { host: m[1]!, port: parsePort(m[2]!, flag, true) };
}

function parseSettings(raw: RawProxyOptions): SidecarSettings {
  const node = parseNode(raw.node);
  const xds = parseHostPort(raw.xds, '--xds');
  if (xds.port === 0) throw new CliError('--xds needs a real port');
  const inboundPort = parsePort(raw.inboundPort, '--inbound-port');
  const outboundPort = parsePort(raw.outboundPort, '--outbound-port');
  if (inboundPort === outboundPort) throw new CliError('--inbound-port and --outbound-port must differ');
  // Without --api the sidecar registers where the control plane's xDS responses say its API is.
  const apiUrl = raw.api?.replace(/\/+$/, '');
  if (apiUrl !== undefined && !/^https?:\/\/[^/]+$/.test(apiUrl))
    throw new CliError(
      `--api must be an http(s) URL like http://127.0.0.1:9080, got ${JSON.stringify(apiUrl)}`,
    );
  const drainMs = Number(raw.drainMs);
  if (!Number.isInteger(drainMs) || drainMs < 0)
    throw new CliError(
      `--drain-ms must be a whole number of milliseconds, got ${JSON.stringify(raw.drainMs)}`,
    );
  const backendPorts = new Map<number, number>();
  for (const pair of raw.backendPort ?? []) {
    const m = /^(\d+)=(\d+)$/.exec(pair);
    if (!m) throw new CliError(`--backend-port must be BACKEND_PORT=LOCAL_PORT, got ${JSON.stringify(pair)}`);
    backendPorts.set(parsePort(m[1]!, '--backend-port'), parsePort(m[2]!, '--backend-port'));
  }
  const httpBackends = new Map<string, number>();
  for (const pair of raw.backend ?? []) {
    const m = /^([^=\s]+)=(\d+)$/.exec(pair);
    if (!m) throw new CliError(`--backend must be SERVICE[:PORT]=LOCAL_PORT, got ${JSON.stringify(pair)}`);
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
    version: packageVersion(),
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
  const sidecar = await startFromFlags(raw, logger);
  // The process belongs to the command: its signals stop the sidecar, whose end decides the exit code.
  const stop = (signal: NodeJS.Signals): void => void sidecar.stop(signal);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const exit = await sidecar.closed;
  // The sidecar has logged why it ended; the command adds the one line on stderr and the exit code.
  if (exit.kind === 'failed') throw new CliError(exit.message);
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
      await runAction(runProxy)(raw, createLogger('switchyard-proxy'));
      // Exit now rather than when the event loop empties: nothing left open may keep a stopped sidecar alive.
      process.exit();
    });
}
