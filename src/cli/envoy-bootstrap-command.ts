// `switchyard envoy-bootstrap`: an Envoy v3 bootstrap that connects a stock Envoy to this control plane over ADS.

import { isIP } from 'node:net';
import { Command, Option } from 'commander';
import { parseArn, parseResourcePath } from '../model/arn.ts';
import { parseHostPort } from '../controlplane/control-plane-config.ts';
import { nodeMetadataKeys } from '../xds/protos/node-metadata.ts';
import { CliError, runAction } from './cli-error.ts';
import { formatDocument } from './output/print-document.ts';

export interface BootstrapOptions {
  readonly node: string;
  readonly xdsAddr: string;
  readonly adminAddr: string;
  readonly inboundPort?: string;
  readonly outboundPort?: string;
}

const xdsClusterName = 'switchyard_xds';

function socketAddress(hostPort: string, what: string) {
  const { host, port } = parseHostPort(hostPort, what);
  return { socket_address: { address: host, port_value: port } };
}

export function envoyBootstrap(options: BootstrapOptions): Record<string, unknown> {
  const path = parseArn(options.node) ? options.node.slice(options.node.indexOf(':mesh/') + 1) : options.node;
  const key = parseResourcePath(path);
  if (!key || (key.kind !== 'virtualNode' && key.kind !== 'virtualGateway')) {
    throw new CliError(`--node ${JSON.stringify(options.node)} names no virtual node or gateway`, {
      hint: 'use mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the resource ARN',
    });
  }
  const metadata: Record<string, number> = {};
  if (options.inboundPort) metadata[nodeMetadataKeys.inboundPort] = Number(options.inboundPort);
  if (options.outboundPort) metadata[nodeMetadataKeys.outboundPort] = Number(options.outboundPort);
  const xds = socketAddress(options.xdsAddr, '--xds-addr');
  return {
    node: { id: options.node, cluster: options.node, ...(Object.keys(metadata).length ? { metadata } : {}) },
    admin: { address: socketAddress(options.adminAddr, '--admin-addr') },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: xdsClusterName } }],
      },
      cds_config: { ads: {}, resource_api_version: 'V3' },
      lds_config: { ads: {}, resource_api_version: 'V3' },
    },
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
        },
      ],
    },
  };
}

export function envoyBootstrapCommand(): Command {
  return new Command('envoy-bootstrap')
    .description('print an Envoy bootstrap that connects a stock Envoy to this control plane')
    .requiredOption(
      '--node <id>',
      'mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the ARN',
    )
    .addOption(
      new Option('--xds-addr <host:port>', 'the control plane xDS address')
        .env('SWITCHYARD_XDS_ADDR')
        .default('127.0.0.1:15010'),
    )
    .option('--admin-addr <host:port>', 'Envoy admin address', '127.0.0.1:9901')
    .option('--inbound-port <port>', 'inbound listener port (default 15000)')
    .option('--outbound-port <port>', 'outbound listener port (default 15001)')
    .addOption(new Option('-o, --output <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'))
    .action(
      runAction(async (options: BootstrapOptions & { output: 'yaml' | 'json' }) => {
        let bootstrap;
        try {
          bootstrap = envoyBootstrap(options);
        } catch (error) {
          if (error instanceof CliError) throw error;
          throw new CliError((error as Error).message, { cause: error });
        }
        process.stdout.write(formatDocument(bootstrap, options.output));
      }),
    );
}
