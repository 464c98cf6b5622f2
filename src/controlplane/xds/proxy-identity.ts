// Who an xDS client is: the virtual node or gateway its Envoy node id names, and which resource form it needs.

import { parseArn, parseResourcePath } from '../../model/arn.ts';
import type { Node__Output } from '../../xds/protos/index.ts';
import { nodeMetadataKeys } from '../../xds/protos/node-metadata.ts';

export type ProxyForm = 'sidecar' | 'grpc';

export interface ProxyIdentity {
  readonly meshName: string;
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
  /** Proxyless gRPC clients get api_listeners and EDS-only clusters; Envoy and our sidecar get listeners. */
  readonly form: ProxyForm;
  readonly inboundPort: number;
  readonly outboundPort: number;
  readonly appHost: string;
  /** One inbound listener per node listener on consecutive ports (our sidecar; Envoy relies on iptables). */
  readonly inboundPortPerListener: boolean;
}

interface StructValue {
  readonly number_value?: number;
  readonly string_value?: string;
  readonly numberValue?: number;
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly bool_value?: boolean;
  readonly kind?: string;
}

function metadataValue(node: Node__Output, key: string): string | undefined {
  const fields = (node.metadata as { fields?: Record<string, StructValue> } | null)?.fields;
  const value = fields?.[key];
  if (value === undefined) return undefined;
  // google.protobuf.Struct decodes with camelCase members (the shared Root loads it without keepCase).
  const text = value.stringValue ?? value.string_value;
  const number = value.numberValue ?? value.number_value;
  const member =
    value.kind ??
    (text !== undefined
      ? 'stringValue'
      : number !== undefined
        ? 'numberValue'
        : (value.boolValue ?? value.bool_value) !== undefined
          ? 'boolValue'
          : undefined);
  const bool = value.boolValue ?? value.bool_value;
  const raw =
    member === 'stringValue' || member === 'string_value'
      ? text
      : member === 'numberValue' || member === 'number_value'
        ? number
        : member === 'boolValue' || member === 'bool_value'
          ? bool
          : undefined;
  return raw === undefined ? undefined : String(raw);
}

function portFrom(node: Node__Output, key: string, fallback: number): number | string {
  const raw = metadataValue(node, key);
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? port
    : `node metadata ${key} must be a port, got ${raw}`;
}

/** The resource path part of a node id: short form, `mesh/m@owner/...` (shared meshes) or a full ARN. */
function resourcePathOf(nodeId: string): string {
  const arn = parseArn(nodeId);
  if (arn) return nodeId.slice(nodeId.indexOf(':mesh/') + 1);
  return nodeId.replace(/^mesh\/([^/@]+)@\d{12}\//, 'mesh/$1/');
}

export function parseProxyIdentity(node: Node__Output): ProxyIdentity | { readonly error: string } {
  const nodeId = node.id;
  if (!nodeId)
    return {
      error: 'node.id is required: mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualGateway/<name>',
    };
  const key = parseResourcePath(resourcePathOf(nodeId));
  if (!key || (key.kind !== 'virtualNode' && key.kind !== 'virtualGateway')) {
    return {
      error: `node.id ${JSON.stringify(nodeId)} names no virtual node or gateway: use mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the resource ARN`,
    };
  }
  const inboundPort = portFrom(node, nodeMetadataKeys.inboundPort, 15000);
  const outboundPort = portFrom(node, nodeMetadataKeys.outboundPort, 15001);
  if (typeof inboundPort === 'string') return { error: inboundPort };
  if (typeof outboundPort === 'string') return { error: outboundPort };
  return {
    meshName: key.meshName,
    kind: key.kind,
    name: key.name,
    form: /^grpc/i.test(node.user_agent_name) ? 'grpc' : 'sidecar',
    inboundPort,
    outboundPort,
    appHost: metadataValue(node, nodeMetadataKeys.appHost) ?? '127.0.0.1',
    inboundPortPerListener: ['true', '1'].includes(
      metadataValue(node, nodeMetadataKeys.inboundPortPerListener) ?? '',
    ),
  };
}

/** Nodes with the same identity share one snapshot. */
export function snapshotKeyOf(identity: ProxyIdentity): string {
  const { meshName, kind, name, form, inboundPort, outboundPort, appHost, inboundPortPerListener } = identity;
  return JSON.stringify([
    meshName,
    kind,
    name,
    form,
    inboundPort,
    outboundPort,
    appHost,
    inboundPortPerListener,
  ]);
}

export function identityOfKey(key: string): ProxyIdentity {
  const [meshName, kind, name, form, inboundPort, outboundPort, appHost, inboundPortPerListener] = JSON.parse(
    key,
  ) as [string, ProxyIdentity['kind'], string, ProxyForm, number, number, string, boolean];
  return { meshName, kind, name, form, inboundPort, outboundPort, appHost, inboundPortPerListener };
}
