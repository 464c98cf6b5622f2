// `switchyard envoy-bootstrap`: an Envoy v3 bootstrap that connects a stock Envoy to this control plane over ADS.

import { isIP } from 'node:net';
import path from 'node:path';
import { Command, Option } from 'commander';
import { parseArn, parseResourcePath } from '../model/arn.ts';
import { parseHostPort } from '../controlplane/control-plane-config.ts';
import { nodeMetadataKeys } from '../xds/protos/node-metadata.ts';
import type { ResourceKey } from '../model/resource-key.ts';
import { kinds } from '../model/resource-kinds.ts';
import { readTokenFile, TokenFileError } from '../util/token-file.ts';
import { CliError, runAction } from './cli-error.ts';
import { aliasedValue, aliasOption, xdsAddrSpelling, xdsAliasSpelling } from './option-alias.ts';
import { clientFor } from './endpoint-option.ts';
import { formatDocument } from './output/print-document.ts';
import { describeResource } from './resource-api.ts';

export interface BootstrapOptions {
  readonly node: string;
  readonly xdsAddr: string;
  readonly adminAddr: string;
  readonly inboundPort?: string;
  readonly outboundPort?: string;
  /** Presented as `authorization: Bearer …` initial metadata on the ADS stream (the bootstrap then holds it). */
  readonly accessToken?: string;
  /** TLS to the xDS server: files Envoy reads (CA to trust, and optionally a client certificate and key). */
  readonly xdsTls?: { readonly caFile: string; readonly certFile?: string; readonly keyFile?: string };
}

interface BootstrapFlags extends BootstrapOptions {
  readonly output: 'yaml' | 'json';
  readonly tokenFile?: string;
  readonly xdsCa?: string;
  readonly xdsCert?: string;
  readonly xdsKey?: string;
}

const xdsClusterName = 'switchyard_xds';

function socketAddress(hostPort: string, what: string) {
  const { host, port } = parseHostPort(hostPort, what);
  return { socket_address: { address: host, port_value: port } };
}

function nodeKey(node: string): ResourceKey {
  const path = parseArn(node) ? node.slice(node.indexOf(':mesh/') + 1) : node;
  const key = parseResourcePath(path);
  if (!key || (key.kind !== 'virtualNode' && key.kind !== 'virtualGateway')) {
    throw new CliError(`--node ${JSON.stringify(node)} names no virtual node or gateway`, {
      hint: 'use mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the resource ARN',
    });
  }
  return key;
}

/**
 * A bootstrap for a node the control plane does not know is valid (the node may be created later), but an
 * Envoy started with it gets no configuration: one line on stderr says so, or that it could not be checked.
 */
async function warningAboutNode(command: Command, key: ResourceKey): Promise<string | undefined> {
  const what = `${kinds[key.kind].cliNoun} ${key.name} in mesh ${key.meshName}`;
  try {
    const client = clientFor(command);
    if (await describeResource(client, key)) return undefined;
    return `warning: ${what} does not exist at ${client.endpoint}; an Envoy with this bootstrap gets no configuration until it is created`;
  } catch (error) {
    return `warning: could not check that ${what} exists: ${(error as Error).message}`;
  }
}

/** TLS to the xDS cluster: the server certificate must chain to the CA and name the --xds-addr host. */
function xdsTransportSocket(options: BootstrapOptions): Record<string, unknown> {
  const tls = options.xdsTls!;
  const { host } = parseHostPort(options.xdsAddr, '--xds-addr');
  const ip = isIP(host) !== 0;
  const identity =
    tls.certFile === undefined || tls.keyFile === undefined
      ? {}
      : {
          tls_certificates: [
            { certificate_chain: { filename: tls.certFile }, private_key: { filename: tls.keyFile } },
          ],
        };
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
      ...(ip ? {} : { sni: host }),
      common_tls_context: {
        ...identity,
        validation_context: {
          trusted_ca: { filename: tls.caFile },
          match_typed_subject_alt_names: [{ san_type: ip ? 'IP_ADDRESS' : 'DNS', matcher: { exact: host } }],
        },
      },
    },
  };
}

/** The token of `--token-file` and the TLS files, checked; what `envoyBootstrap` takes. */
function secureOptions(flags: BootstrapFlags): Pick<BootstrapOptions, 'accessToken' | 'xdsTls'> {
  if ((flags.xdsCert === undefined) !== (flags.xdsKey === undefined))
    throw new CliError('--xds-cert and --xds-key go together: give both or neither');
  if (flags.xdsCert !== undefined && flags.xdsCa === undefined)
    throw new CliError('--xds-cert needs --xds-ca: a client certificate is only presented over TLS');
  let accessToken: string | undefined;
  if (flags.tokenFile !== undefined) {
    try {
      accessToken = readTokenFile(flags.tokenFile);
    } catch (error) {
      if (error instanceof TokenFileError)
        throw new CliError(`--token-file: ${error.message}`, { cause: error });
      throw error;
    }
  }
  const absolute = (file: string) => path.resolve(file);
  return {
    ...(accessToken === undefined ? {} : { accessToken }),
    ...(flags.xdsCa === undefined
      ? {}
      : {
          xdsTls: {
            caFile: absolute(flags.xdsCa),
            ...(flags.xdsCert === undefined ? {} : { certFile: absolute(flags.xdsCert) }),
            ...(flags.xdsKey === undefined ? {} : { keyFile: absolute(flags.xdsKey) }),
          },
        }),
  };
}

export function envoyBootstrap(options: BootstrapOptions): Record<string, unknown> {
  nodeKey(options.node);
  const metadata: Record<string, number> = {};
  if (options.inboundPort) metadata[nodeMetadataKeys.inboundPort] = Number(options.inboundPort);
  if (options.outboundPort) metadata[nodeMetadataKeys.outboundPort] = Number(options.outboundPort);
  const xds = socketAddress(options.xdsAddr, '--xds-addr');
  // A fresh object per use: a shared one would print as a YAML anchor and alias.
  const xdsService = () => ({
    envoy_grpc: { cluster_name: xdsClusterName },
    ...(options.accessToken === undefined
      ? {}
      : { initial_metadata: [{ key: 'authorization', value: `Bearer ${options.accessToken}` }] }),
  });
  return {
    node: { id: options.node, cluster: options.node, ...(Object.keys(metadata).length ? { metadata } : {}) },
    admin: { address: socketAddress(options.adminAddr, '--admin-addr') },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [xdsService()],
      },
      cds_config: { ads: {}, resource_api_version: 'V3' },
      lds_config: { ads: {}, resource_api_version: 'V3' },
    },
    // Golden metrics: Envoy's cluster stats go to the control plane's MetricsService on the xDS port.
    stats_flush_interval: '10s',
    stats_sinks: [
      {
        name: 'envoy.stat_sinks.metrics_service',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.config.metrics.v3.MetricsServiceConfig',
          transport_api_version: 'V3',
          // The same credentials as the ADS stream: with authentication on, reports must prove their node too.
          grpc_service: xdsService(),
          histogram_emit_mode: 'HISTOGRAM',
        },
      },
    ],
    static_resources: {
      clusters: [
        {
          name: xdsClusterName,
          type: isIP(xds.socket_address.address) ? 'STATIC' : 'STRICT_DNS',
          connect_timeout: '1s',
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
          load_assignment: {
            cluster_name: xdsClusterName,
            endpoints: [{ lb_endpoints: [{ endpoint: { address: xds } }] }],
          },
          ...(options.xdsTls === undefined ? {} : { transport_socket: xdsTransportSocket(options) }),
        },
      ],
    },
  };
}

export function envoyBootstrapCommand(): Command {
  return (
    new Command('envoy-bootstrap')
      .description('print an Envoy bootstrap that connects a stock Envoy to this control plane')
      // The same variables as `switchyard proxy`, so one environment describes the node to both.
      .addOption(
        new Option(
          '--node <id>',
          'mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the ARN',
        )
          .env('SWITCHYARD_NODE')
          .makeOptionMandatory(),
      )
      .addOption(
        new Option('--xds-addr <host:port>', 'the control plane xDS address (alias --xds, SWITCHYARD_XDS)')
          .env('SWITCHYARD_XDS_ADDR')
          .default('127.0.0.1:15010'),
      )
      .addOption(aliasOption(xdsAliasSpelling, xdsAddrSpelling))
      .addOption(
        new Option('--admin-addr <host:port>', 'Envoy admin address')
          .env('SWITCHYARD_ADMIN_ADDR')
          .default('127.0.0.1:9901'),
      )
      .addOption(
        new Option('--inbound-port <port>', 'inbound listener port (default 15000)').env(
          'SWITCHYARD_INBOUND_PORT',
        ),
      )
      .addOption(
        new Option('--outbound-port <port>', 'outbound listener port (default 15001)').env(
          'SWITCHYARD_OUTBOUND_PORT',
        ),
      )
      .addOption(
        new Option(
          '--token-file <file>',
          'proxy access token (mode 0600) written as initial_metadata of the ADS stream: keep the bootstrap as private as the token',
        ).env('SWITCHYARD_TOKEN_FILE'),
      )
      .option('--xds-ca <file>', 'reach the xDS server over TLS, trusting this CA (PEM file Envoy reads)')
      .option('--xds-cert <file>', 'client certificate (PEM file Envoy reads) presented to the xDS server')
      .option('--xds-key <file>', 'private key of --xds-cert (PEM file Envoy reads)')
      .addOption(
        new Option('-o, --output <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'),
      )
      .action(
        runAction(async (options: BootstrapFlags, command: Command) => {
          let bootstrap;
          try {
            bootstrap = envoyBootstrap({
              ...options,
              ...secureOptions(options),
              xdsAddr: aliasedValue(command, xdsAddrSpelling, xdsAliasSpelling)!,
            });
          } catch (error) {
            if (error instanceof CliError) throw error;
            throw new CliError((error as Error).message, { cause: error });
          }
          process.stdout.write(formatDocument(bootstrap, options.output));
          const warning = await warningAboutNode(command, nodeKey(options.node));
          if (warning) process.stderr.write(`${warning}\n`);
        }),
      )
  );
}
