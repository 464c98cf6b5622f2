// `switchyard control-plane`: runs the control plane until SIGINT/SIGTERM.

import { Command, Option } from 'commander';
import {
  ConfigError,
  controlPlaneDefaults,
  parseControlPlaneConfig,
  type RawControlPlaneOptions,
} from '../controlplane/control-plane-config.ts';
import { StartupError, startControlPlane } from '../controlplane/control-plane.ts';
import { createLogger } from '../util/logger.ts';
import { CliError } from './cli-error.ts';
import { routeGrpcLogs } from './grpc-log-routing.ts';
import { parseMeshTracing } from './otel-environment.ts';
import { aliasedValue, aliasOption, xdsAddrSpelling, xdsAliasSpelling } from './option-alias.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** What commander hands the action: repeatable flags arrive as one string when they come from the env. */
type ControlPlaneFlags = RawControlPlaneOptions & {
  quota?: string[] | string;
  allowedHost?: string[] | string;
  xdsTlsSan?: string[] | string;
  otlpEndpoint?: string;
};

/** The OTEL settings' problems are configuration errors like any other flag's. */
function meshTracing(flag: string | undefined) {
  try {
    return parseMeshTracing(flag, process.env);
  } catch (error) {
    if (error instanceof CliError) throw new ConfigError(error.message, { cause: error });
    throw error;
  }
}

const asList = (value: string[] | string | undefined): string[] | undefined =>
  typeof value === 'string' ? [value] : value;

export function controlPlaneCommand(): Command {
  return new Command('control-plane')
    .description('run the control plane: the App Mesh API and the xDS server')
    .addOption(
      new Option('--api-addr <host:port>', 'App Mesh API listen address')
        .env('SWITCHYARD_API_ADDR')
        .default(controlPlaneDefaults.apiAddr),
    )
    .addOption(
      new Option('--xds-addr <host:port>', 'xDS (gRPC) listen address (alias --xds, SWITCHYARD_XDS)')
        .env('SWITCHYARD_XDS_ADDR')
        .default(controlPlaneDefaults.xdsAddr),
    )
    .addOption(aliasOption(xdsAliasSpelling, xdsAddrSpelling))
    .addOption(
      new Option('--data-dir <dir>', 'where the embedded store keeps its data')
        .env('SWITCHYARD_DATA_DIR')
        .default(controlPlaneDefaults.dataDir),
    )
    .addOption(
      new Option(
        '--store <sqlite|postgres-url>',
        'where resources live: sqlite (in --data-dir) or postgres://…',
      )
        .env('SWITCHYARD_DATABASE_URL')
        .default('sqlite'),
    )
    .addOption(
      new Option('--region <region>', 'region used in ARNs')
        .env('SWITCHYARD_REGION')
        .default(controlPlaneDefaults.region),
    )
    .addOption(
      new Option('--account-id <id>', '12-digit account id used in ARNs and owners')
        .env('SWITCHYARD_ACCOUNT_ID')
        .default(controlPlaneDefaults.accountId),
    )
    .addOption(
      new Option('--quota <name=value>', 'override a service quota (repeatable, or comma-separated)')
        .env('SWITCHYARD_QUOTAS')
        .argParser(collect),
    )
    .addOption(
      new Option(
        '--instance-grace-ms <ms>',
        "how long a sidecar's registry instances outlive its last xDS stream before they are removed",
      )
        .env('SWITCHYARD_INSTANCE_GRACE_MS')
        .default(controlPlaneDefaults.instanceGraceMs),
    )
    .addOption(
      new Option(
        '--mtls <mode>',
        'mesh-wide mTLS for listeners and clients without their own TLS (permissive also accepts plaintext)',
      )
        .env('SWITCHYARD_MTLS')
        .choices(['off', 'permissive', 'strict'])
        .default(controlPlaneDefaults.mtls),
    )
    .addOption(
      new Option('--trust-domain <name>', 'SPIFFE trust domain of the built-in proxy identities')
        .env('SWITCHYARD_TRUST_DOMAIN')
        .default(controlPlaneDefaults.trustDomain),
    )
    .addOption(
      new Option(
        '--allowed-host <name>',
        'a name the API accepts in the Host header besides IP addresses and localhost (repeatable, or comma-separated)',
      )
        .env('SWITCHYARD_ALLOWED_HOSTS')
        .argParser(collect),
    )
    .addOption(
      new Option('--cert-ttl <duration>', 'life of built-in workload certificates (e.g. 24h, 90m, 10s)')
        .env('SWITCHYARD_CERT_TTL')
        .default(controlPlaneDefaults.certTtl),
    )
    .addOption(
      new Option(
        '--ca-cert <file>',
        'PEM of your CA (root or intermediate, then its chain) to sign with',
      ).env('SWITCHYARD_CA_CERT'),
    )
    .addOption(new Option('--ca-key <file>', 'PEM private key of --ca-cert').env('SWITCHYARD_CA_KEY'))
    .addOption(
      new Option(
        '--access-file <file>',
        'require AWS SigV4 on the API from the keys this YAML/JSON file lists, with their IAM-style policies (re-read on SIGHUP)',
      ).env('SWITCHYARD_ACCESS_FILE'),
    )
    .addOption(
      new Option(
        '--insecure-no-auth',
        'serve the API and xDS on non-loopback addresses without authentication',
      ).env('SWITCHYARD_INSECURE_NO_AUTH'),
    )
    .addOption(
      new Option(
        '--xds-tls',
        'serve xDS over TLS with a certificate from the built-in CA (or --ca-cert); proxies trust the CA ' +
          'bundle and may present a CA-issued client certificate in place of a token',
      ).env('SWITCHYARD_XDS_TLS'),
    )
    .addOption(
      new Option(
        '--xds-tls-san <name>',
        'a DNS name or IP the xDS server certificate carries besides the --xds-addr host (repeatable, or comma-separated)',
      )
        .env('SWITCHYARD_XDS_TLS_SANS')
        .argParser(collect),
    )
    .addOption(
      new Option(
        '--otlp-endpoint <url>',
        'configure Envoy sidecars and gateways to trace to this OTLP/HTTP collector URL (…/v1/traces; also ' +
          'OTEL_EXPORTER_OTLP_ENDPOINT with /v1/traces appended; sampling from OTEL_TRACES_SAMPLER(_ARG), default 1%)',
      ).env('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
    )
    .action(async (options: ControlPlaneFlags, command: Command) => {
      const logger = createLogger('switchyard-control-plane');
      routeGrpcLogs(logger);
      const quota = asList(options.quota);
      const allowedHost = asList(options.allowedHost);
      try {
        const tracing = meshTracing(options.otlpEndpoint);
        const xdsAddr = aliasedValue(command, xdsAddrSpelling, xdsAliasSpelling)!;
        const config = {
          ...parseControlPlaneConfig({
            ...options,
            xdsAddr,
            quota,
            allowedHost,
            xdsTlsSan: asList(options.xdsTlsSan),
          }),
          ...(tracing && { tracing }),
        };
        const running = await startControlPlane(config, logger);
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) {
            logger.warn({ signal }, 'second signal: exiting without a clean stop');
            process.exit(1);
          }
          stopping = true;
          // A stop that hangs (a peer that never closes, a dead stdout) must not leave the process behind.
          setTimeout(() => {
            logger.error('control plane did not stop within 10 s; exiting');
            process.exit(1);
          }, 10_000).unref();
          logger.info({ signal }, 'control plane stopping');
          running.close().then(
            () => {
              logger.info('control plane stopped');
              process.exit(0);
            },
            (error: unknown) => {
              logger.error({ err: error }, 'control plane did not stop cleanly');
              process.exit(1);
            },
          );
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
        // Reload failures are logged by the reload itself; the old keys stay in force.
        process.on('SIGHUP', () => {
          logger.info('SIGHUP: re-reading the access file');
          void running.reloadAccessFile();
        });
      } catch (error) {
        if (error instanceof ConfigError || error instanceof StartupError || error instanceof CliError) {
          // The one stderr line says what to do; the chain of causes is only for whoever debugs.
          logger.debug({ err: error }, error.message);
          process.stderr.write(`switchyard control-plane: ${error.message}\n`);
          process.exit(1);
        }
        throw error;
      }
    });
}
