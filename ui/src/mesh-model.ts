// Reads one mesh through the App Mesh API into the few facts the console draws: its resources and the links
// between them (gateway → service → router → node, node → backend service).

import { callApi } from './api-client.ts';
import { graphNodeId, type GraphLink, type GraphNodeId } from './graph-ids.ts';

export type ResourceKind =
  'virtualService' | 'virtualRouter' | 'route' | 'virtualNode' | 'virtualGateway' | 'gatewayRoute';

/** A described resource as the API answers it (spec kept as JSON: the console shows it, never interprets all of it). */
export interface ResourceData {
  readonly meshName: string;
  readonly spec: Record<string, unknown>;
  readonly metadata: {
    readonly version: number;
    readonly createdAt: number;
    readonly lastUpdatedAt: number;
    readonly arn?: string;
    readonly uid?: string;
  };
  readonly status?: { readonly status?: string };
  readonly [member: string]: unknown;
}

export interface WeightedTarget {
  readonly virtualNode: string;
  readonly weight: number;
  readonly port?: number;
}

export interface RouteFacts {
  readonly name: string;
  readonly routerName: string;
  /** `httpRoute`, `http2Route`, `grpcRoute` or `tcpRoute`: the member that holds the action. */
  readonly protocol: string;
  readonly targets: readonly WeightedTarget[];
  readonly data: ResourceData;
}

export interface MeshModel {
  readonly meshName: string;
  readonly services: ReadonlyMap<string, ResourceData>;
  readonly routers: ReadonlyMap<string, ResourceData>;
  readonly routes: readonly RouteFacts[];
  readonly nodes: ReadonlyMap<string, ResourceData>;
  readonly gateways: ReadonlyMap<string, ResourceData>;
  readonly gatewayRoutes: readonly { readonly gatewayName: string; readonly data: ResourceData }[];
}

export const kindPaths: Readonly<Record<ResourceKind, { collection: string; nameMember: string }>> = {
  virtualService: { collection: 'virtualServices', nameMember: 'virtualServiceName' },
  virtualRouter: { collection: 'virtualRouters', nameMember: 'virtualRouterName' },
  route: { collection: 'routes', nameMember: 'routeName' },
  virtualNode: { collection: 'virtualNodes', nameMember: 'virtualNodeName' },
  virtualGateway: { collection: 'virtualGateways', nameMember: 'virtualGatewayName' },
  gatewayRoute: { collection: 'gatewayRoutes', nameMember: 'gatewayRouteName' },
};

const enc = encodeURIComponent;

/** The API path of one resource; routes and gateway routes live under their router or gateway. */
export function resourcePath(
  meshName: string,
  kind: ResourceKind,
  name: string,
  parentName?: string,
): string {
  const mesh = `/v20190125/meshes/${enc(meshName)}`;
  if (kind === 'route') return `${mesh}/virtualRouter/${enc(parentName ?? '')}/routes/${enc(name)}`;
  if (kind === 'gatewayRoute')
    return `${mesh}/virtualGateway/${enc(parentName ?? '')}/gatewayRoutes/${enc(name)}`;
  return `${mesh}/${kindPaths[kind].collection}/${enc(name)}`;
}

/** Every name of a List* answer, following nextToken. */
async function listNames(collectionPath: string, listMember: string, nameMember: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  // A bounded walk: the API pages at 100 by default and meshes have quotas far below this.
  for (let page = 0; page < 100; page++) {
    const query = token ? `?nextToken=${enc(token)}` : '';
    const answer = await callApi<Record<string, unknown>>('GET', `${collectionPath}${query}`);
    for (const item of (answer[listMember] as Record<string, unknown>[] | undefined) ?? []) {
      names.push(String(item[nameMember]));
    }
    token = typeof answer.nextToken === 'string' ? answer.nextToken : undefined;
    if (!token) break;
  }
  return names;
}

async function describeAll(
  meshName: string,
  kind: ResourceKind,
  parentName?: string,
): Promise<Map<string, ResourceData>> {
  const { collection, nameMember } = kindPaths[kind];
  const base =
    kind === 'route'
      ? `/v20190125/meshes/${enc(meshName)}/virtualRouter/${enc(parentName!)}/routes`
      : kind === 'gatewayRoute'
        ? `/v20190125/meshes/${enc(meshName)}/virtualGateway/${enc(parentName!)}/gatewayRoutes`
        : `/v20190125/meshes/${enc(meshName)}/${collection}`;
  const names = await listNames(base, collection, nameMember);
  const described = await Promise.all(
    names.map((name) => callApi<ResourceData>('GET', resourcePath(meshName, kind, name, parentName))),
  );
  return new Map(names.map((name, at) => [name, described[at]!]));
}

const routeProtocols = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;

/** The weighted targets of a route, whichever protocol member holds them. */
export function routeTargets(spec: Record<string, unknown>): { protocol: string; targets: WeightedTarget[] } {
  for (const protocol of routeProtocols) {
    const route = spec[protocol] as { action?: { weightedTargets?: WeightedTarget[] } } | undefined;
    if (route) return { protocol, targets: route.action?.weightedTargets ?? [] };
  }
  return { protocol: 'httpRoute', targets: [] };
}

export async function loadMesh(meshName: string): Promise<MeshModel> {
  const [services, routers, nodes, gateways] = await Promise.all([
    describeAll(meshName, 'virtualService'),
    describeAll(meshName, 'virtualRouter'),
    describeAll(meshName, 'virtualNode'),
    describeAll(meshName, 'virtualGateway'),
  ]);
  const routeMaps = await Promise.all(
    [...routers.keys()].map(async (router) => ({
      router,
      routes: await describeAll(meshName, 'route', router),
    })),
  );
  const gatewayRouteMaps = await Promise.all(
    [...gateways.keys()].map(async (gateway) => ({
      gateway,
      routes: await describeAll(meshName, 'gatewayRoute', gateway),
    })),
  );
  return {
    meshName,
    services,
    routers,
    nodes,
    gateways,
    routes: routeMaps.flatMap(({ router, routes }) =>
      [...routes].map(([name, data]) => ({ name, routerName: router, data, ...routeTargets(data.spec) })),
    ),
    gatewayRoutes: gatewayRouteMaps.flatMap(({ gateway, routes }) =>
      [...routes.values()].map((data) => ({ gatewayName: gateway, data })),
    ),
  };
}

/** The configured links: who may send to whom, before any traffic is counted. */
export function meshLinks(model: MeshModel): GraphLink[] {
  const links = new Map<string, GraphLink>();
  const add = (from: GraphNodeId, to: GraphNodeId) => links.set(`${from}>${to}`, { from, to });
  for (const { gatewayName, data } of model.gatewayRoutes) {
    for (const protocol of ['httpRoute', 'http2Route', 'grpcRoute'] as const) {
      const route = data.spec[protocol] as
        { action?: { target?: { virtualService?: { virtualServiceName?: string } } } } | undefined;
      const service = route?.action?.target?.virtualService?.virtualServiceName;
      if (service) add(graphNodeId('virtualGateway', gatewayName), graphNodeId('virtualService', service));
    }
  }
  for (const [name, data] of model.services) {
    const provider = data.spec.provider as
      | { virtualRouter?: { virtualRouterName?: string }; virtualNode?: { virtualNodeName?: string } }
      | undefined;
    if (provider?.virtualRouter?.virtualRouterName)
      add(
        graphNodeId('virtualService', name),
        graphNodeId('virtualRouter', provider.virtualRouter.virtualRouterName),
      );
    if (provider?.virtualNode?.virtualNodeName)
      add(
        graphNodeId('virtualService', name),
        graphNodeId('virtualNode', provider.virtualNode.virtualNodeName),
      );
  }
  for (const route of model.routes) {
    for (const target of route.targets)
      add(graphNodeId('virtualRouter', route.routerName), graphNodeId('virtualNode', target.virtualNode));
  }
  for (const [name, data] of model.nodes) {
    const backends =
      (data.spec.backends as { virtualService?: { virtualServiceName?: string } }[] | undefined) ?? [];
    for (const backend of backends) {
      const service = backend.virtualService?.virtualServiceName;
      if (service) add(graphNodeId('virtualNode', name), graphNodeId('virtualService', service));
    }
  }
  return [...links.values()];
}
