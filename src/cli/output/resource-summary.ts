// The kind-specific columns of `switchyard get` tables: what a resource does, in a few words.

import type { KindName } from '../../model/resource-kinds.ts';

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SummaryColumn {
  readonly header: string;
  value(spec: Spec): string;
}

const dash = (text: string): string => (text === '' ? '-' : text);

function listeners(spec: Spec): string {
  const all = (spec.listeners ?? []) as Spec[];
  return dash(all.map((l) => `${l.portMapping?.protocol}:${l.portMapping?.port}`).join(','));
}

function routeVariant(spec: Spec, types: readonly string[]): [string, Spec] | undefined {
  const type = types.find((name) => spec[name]);
  return type ? [type.replace(/Route$/, ''), spec[type] as Spec] : undefined;
}

function matchOf(route: Spec): string {
  const match = (route.match ?? {}) as Spec;
  const parts: string[] = [];
  if (match.prefix !== undefined) parts.push(`prefix ${match.prefix}`);
  if (match.path?.exact !== undefined) parts.push(`path ${match.path.exact}`);
  if (match.path?.regex !== undefined) parts.push(`path ~${match.path.regex}`);
  if (match.serviceName !== undefined) parts.push(`service ${match.serviceName}`);
  if (match.methodName !== undefined) parts.push(`method ${match.methodName}`);
  if (match.hostname?.exact !== undefined) parts.push(`host ${match.hostname.exact}`);
  if (match.hostname?.suffix !== undefined) parts.push(`host *${match.hostname.suffix}`);
  if (match.method !== undefined) parts.push(String(match.method));
  if (match.port !== undefined) parts.push(`port ${match.port}`);
  return dash(parts.join(' '));
}

const routeTypes = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'];

export const summaryColumns: Readonly<Record<KindName, readonly SummaryColumn[]>> = {
  mesh: [
    { header: 'EGRESS', value: (spec) => spec.egressFilter?.type ?? 'DROP_ALL' },
    { header: 'IP-PREFERENCE', value: (spec) => spec.serviceDiscovery?.ipPreference ?? '-' },
  ],
  virtualService: [
    {
      header: 'PROVIDER',
      value: (spec) => {
        const provider = (spec.provider ?? {}) as Spec;
        if (provider.virtualNode) return `virtual-node/${provider.virtualNode.virtualNodeName}`;
        if (provider.virtualRouter) return `virtual-router/${provider.virtualRouter.virtualRouterName}`;
        return '-';
      },
    },
  ],
  virtualNode: [
    { header: 'LISTENERS', value: listeners },
    {
      header: 'DISCOVERY',
      value: (spec) => {
        const discovery = (spec.serviceDiscovery ?? {}) as Spec;
        if (discovery.dns) return `dns:${discovery.dns.hostname}`;
        if (discovery.awsCloudMap) {
          return `cloudmap:${discovery.awsCloudMap.serviceName}.${discovery.awsCloudMap.namespaceName}`;
        }
        return '-';
      },
    },
    {
      header: 'BACKENDS',
      value: (spec) =>
        dash(((spec.backends ?? []) as Spec[]).map((b) => b.virtualService?.virtualServiceName).join(',')),
    },
  ],
  virtualRouter: [{ header: 'LISTENERS', value: listeners }],
  route: [
    { header: 'TYPE', value: (spec) => routeVariant(spec, routeTypes)?.[0] ?? '-' },
    { header: 'MATCH', value: (spec) => matchOf(routeVariant(spec, routeTypes)?.[1] ?? {}) },
    {
      header: 'TARGETS',
      value: (spec) => {
        const route = routeVariant(spec, routeTypes)?.[1];
        const targets = (route?.action?.weightedTargets ?? []) as Spec[];
        return dash(
          targets
            .map((t) => `${t.virtualNode}${t.port === undefined ? '' : `:${t.port}`}=${t.weight}`)
            .join(','),
        );
      },
    },
    { header: 'PRIORITY', value: (spec) => (spec.priority === undefined ? '-' : String(spec.priority)) },
  ],
  virtualGateway: [{ header: 'LISTENERS', value: listeners }],
  gatewayRoute: [
    { header: 'TYPE', value: (spec) => routeVariant(spec, routeTypes)?.[0] ?? '-' },
    { header: 'MATCH', value: (spec) => matchOf(routeVariant(spec, routeTypes)?.[1] ?? {}) },
    {
      header: 'TARGET',
      value: (spec) => {
        const target = (routeVariant(spec, routeTypes)?.[1]?.action?.target ?? {}) as Spec;
        const name = target.virtualService?.virtualServiceName;
        if (name === undefined) return '-';
        return target.port === undefined ? name : `${name}:${target.port}`;
      },
    },
  ],
  trafficPermission: [
    { header: 'SERVICE', value: (spec) => dash(String(spec.virtualServiceName ?? '')) },
    {
      header: 'FROM',
      value: (spec) =>
        dash(
          ((spec.allow ?? []) as Spec[])
            .flatMap((entry) => (entry.from ?? []) as Spec[])
            .map((source) =>
              source.virtualNodeName !== undefined
                ? `virtual-node/${source.virtualNodeName}`
                : source.virtualGatewayName !== undefined
                  ? `virtual-gateway/${source.virtualGatewayName}`
                  : String(source.spiffeId),
            )
            .join(','),
        ),
    },
  ],
};
