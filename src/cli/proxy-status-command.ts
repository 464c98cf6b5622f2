// `switchyard proxy-status`: the control plane's xDS clients as a table, SYNCED / STALE / NACKED per type.

import { Command, Option } from 'commander';
import { runAction } from './cli-error.ts';
import { clientFor } from './endpoint-option.ts';
import { formatAge } from './output/age.ts';
import { formatDocument, parseOutputFormat } from './output/print-document.ts';
import { renderTable } from './output/table.ts';

interface TypeStatus {
  readonly typeUrl: string;
  readonly lastSentVersion?: string;
  readonly lastAckedVersion?: string;
  readonly lastNack?: { readonly message: string };
}

export interface ClientView {
  readonly nodeId: string;
  readonly protocol: string;
  readonly userAgentName: string;
  readonly userAgentVersion: string;
  readonly connectionAgeMs: number;
  readonly waiting: boolean;
  readonly types: readonly TypeStatus[];
}

export interface RejectedView {
  readonly nodeId: string;
  readonly userAgent: string;
  readonly code: string;
  readonly reason: string;
  readonly attempts: number;
  readonly lastAt: string;
}

const shortTypes: Readonly<Record<string, string>> = {
  'type.googleapis.com/envoy.config.cluster.v3.Cluster': 'CDS',
  'type.googleapis.com/envoy.config.listener.v3.Listener': 'LDS',
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': 'EDS',
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': 'RDS',
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': 'SDS',
};

/** SYNCED: the client ACKed what it was sent last; STALE: it has not yet; NACKED: it rejected the last one. */
export function syncState(type: TypeStatus | undefined): string {
  if (!type || type.lastSentVersion === undefined) return '-';
  if (type.lastNack) return 'NACKED';
  return type.lastAckedVersion === type.lastSentVersion ? 'SYNCED' : 'STALE';
}

export function proxyStatusRows(clients: readonly ClientView[]): string[][] {
  return clients.map((client) => {
    const byShort = new Map(client.types.map((t) => [shortTypes[t.typeUrl] ?? t.typeUrl, t]));
    const states = ['CDS', 'LDS', 'EDS', 'RDS'].map((short) =>
      client.waiting ? 'WAITING' : syncState(byShort.get(short)),
    );
    return [
      client.nodeId,
      `${client.userAgentName} ${client.userAgentVersion}`.trim(),
      client.protocol,
      ...states,
      formatAge((Date.now() - client.connectionAgeMs) / 1000),
    ];
  });
}

export function rejectedRows(rejected: readonly RejectedView[], nowMs: number = Date.now()): string[][] {
  return rejected.map((r) => [
    r.nodeId,
    r.userAgent === '' ? '-' : r.userAgent,
    r.code,
    String(r.attempts),
    formatAge(Date.parse(r.lastAt) / 1000, nowMs),
    r.reason,
  ]);
}

/** The table form: connected proxies, then (when any) the node ids the control plane refused and why. */
/** Which store revision the answering replica has applied, against the store's own. */
export interface ControlPlaneView {
  readonly appliedRevision: number;
  readonly storeRevision: number;
}

export function renderProxyStatus(
  clients: readonly ClientView[],
  rejected: readonly RejectedView[],
  controlPlane?: ControlPlaneView,
): string {
  const header = ['NODE', 'CLIENT', 'PROTOCOL', 'CDS', 'LDS', 'EDS', 'RDS', 'AGE'];
  let text = clients.length === 0 ? 'no proxies connected\n' : renderTable(header, proxyStatusRows(clients));
  if (rejected.length > 0) {
    text += `\nrejected by the control plane (the proxies retry):\n${renderTable(
      ['NODE', 'CLIENT', 'CODE', 'ATTEMPTS', 'LAST', 'REASON'],
      rejectedRows(rejected),
    )}`;
  }
  if (controlPlane) {
    const { appliedRevision, storeRevision } = controlPlane;
    const behind = storeRevision - appliedRevision;
    text += `
control plane: revision ${appliedRevision} applied${behind > 0 ? `, ${behind} behind the store (${storeRevision})` : ' (caught up with the store)'}
`;
  }
  return text;
}

export function proxyStatusCommand(): Command {
  return new Command('proxy-status')
    .description(
      'list the proxies connected to the control plane and whether they run the latest configuration',
    )
    .addOption(new Option('-o, --output <format>', 'table, json or yaml').default('table'))
    .action(
      runAction(async (options: { output: string }, command: Command) => {
        const format = parseOutputFormat(options.output);
        const answer = await clientFor(command).request('GET', '/switchyard/v1/xds/clients');
        const clients = answer.clients as ClientView[];
        const rejected = (answer.rejected ?? []) as RejectedView[];
        const controlPlane = answer.controlPlane as ControlPlaneView | undefined;
        process.stdout.write(
          format === 'table'
            ? renderProxyStatus(clients, rejected, controlPlane)
            : formatDocument({ clients, rejected, ...(controlPlane ? { controlPlane } : {}) }, format),
        );
      }),
    );
}
