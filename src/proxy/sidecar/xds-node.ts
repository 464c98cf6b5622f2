// The Envoy node the sidecar presents to the control plane: its identity, user agent and port metadata.
import type { Node } from '../../xds/protos/index.ts';
import { nodeMetadataKeys, proxyUserAgent } from '../../xds/protos/node-metadata.ts';

export interface SidecarNodeOptions {
  /** `mesh/<mesh>/virtualNode/<name>` or `mesh/<mesh>/virtualGateway/<name>`. */
  readonly id: string;
  readonly inboundPort: number;
  readonly outboundPort: number;
  readonly appHost: string;
  readonly version: string;
  /** This process's proxy token (see `nodeMetadataKeys.proxyToken`). */
  readonly proxyToken?: string;
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
        ...(options.proxyToken === undefined
          ? {}
          : { [nodeMetadataKeys.proxyToken]: { stringValue: options.proxyToken } }),
      },
    } as unknown as Node['metadata'],
  };
}
