// The Envoy node the sidecar presents to the control plane: its identity, user agent and port metadata.
import type { Node } from '../../xds/protos/index.ts';

/** Keys the control plane reads to shape a sidecar's listeners (mirrors its proxy identity parser). */
export const nodeMetadataKeys = {
  inboundPort: 'switchyard.inbound_port',
  outboundPort: 'switchyard.outbound_port',
  appHost: 'switchyard.app_host',
  /** Asks for one inbound listener per node listener (inbound port + index): no iptables to pick chains. */
  inboundPortPerListener: 'switchyard.inbound_port_per_listener',
} as const;

export const proxyUserAgent = 'switchyard-proxy';

export interface SidecarNodeOptions {
  /** `mesh/<mesh>/virtualNode/<name>` or `mesh/<mesh>/virtualGateway/<name>`. */
  readonly id: string;
  readonly inboundPort: number;
  readonly outboundPort: number;
  readonly appHost: string;
  readonly version: string;
}

export function createSidecarNode(options: SidecarNodeOptions): Node {
  return {
    id: options.id,
    cluster: options.id.split('/').at(-1) ?? options.id,
    user_agent_name: proxyUserAgent,
    user_agent_version: options.version,
    // The shared Root keeps proto field names (snake_case); the generated Struct typing says camelCase.
    metadata: {
      fields: {
        [nodeMetadataKeys.inboundPort]: { numberValue: options.inboundPort },
        [nodeMetadataKeys.outboundPort]: { numberValue: options.outboundPort },
        [nodeMetadataKeys.appHost]: { stringValue: options.appHost },
        [nodeMetadataKeys.inboundPortPerListener]: { boolValue: true },
      },
    } as unknown as Node['metadata'],
  };
}
