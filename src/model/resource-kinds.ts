// The one descriptor per App Mesh resource kind that the API, store, CLI and ARN code all read.

/** The seven kinds of App Mesh's API (its 38 operations serve these and nothing else). */
export const appMeshKindNames = [
  'mesh',
  'virtualService',
  'virtualNode',
  'virtualRouter',
  'route',
  'virtualGateway',
  'gatewayRoute',
] as const;

export type AppMeshKindName = (typeof appMeshKindNames)[number];

/**
 * Every kind the store holds: App Mesh's, then Switchyard's own (served under /switchyard/v1/, never by the
 * App Mesh API). Code that speaks App Mesh iterates `appMeshKindNames`.
 */
export const kindNames = [...appMeshKindNames, 'trafficPermission'] as const;

export type KindName = (typeof kindNames)[number];

export interface KindDescriptor {
  readonly kind: KindName;
  /** PascalCase name used in operation names and error messages (`VirtualNode`). */
  readonly title: string;
  /** Body/Data member carrying the resource's own name (`virtualNodeName`). */
  readonly nameMember: string;
  /** The kind that contains this one below the mesh (routes live in routers), if any. */
  readonly parentKind?: 'virtualRouter' | 'virtualGateway';
  /** Path segment of the collection under its parent (`virtualNodes`, `routes`). */
  readonly collectionSegment: string;
  /** Member of List* answers holding the items (`virtualNodes`). */
  readonly listMember: string;
  /** Segment in ARNs and node ids (`virtualNode`). */
  readonly arnSegment: string;
  /** Noun the CLI uses (`virtual-node`). */
  readonly cliNoun: string;
  /** Whether create and update requests must carry a spec (CreateMesh and UpdateMesh may omit it). */
  readonly specRequired: boolean;
  /** Whether App Mesh's API serves the kind (false: a Switchyard extension under /switchyard/v1/). */
  readonly appMesh: boolean;
}

export const kinds: Readonly<Record<KindName, KindDescriptor>> = {
  mesh: {
    kind: 'mesh',
    title: 'Mesh',
    nameMember: 'meshName',
    collectionSegment: 'meshes',
    listMember: 'meshes',
    arnSegment: 'mesh',
    cliNoun: 'mesh',
    specRequired: false,
    appMesh: true,
  },
  virtualService: {
    kind: 'virtualService',
    title: 'VirtualService',
    nameMember: 'virtualServiceName',
    collectionSegment: 'virtualServices',
    listMember: 'virtualServices',
    arnSegment: 'virtualService',
    cliNoun: 'virtual-service',
    specRequired: true,
    appMesh: true,
  },
  virtualNode: {
    kind: 'virtualNode',
    title: 'VirtualNode',
    nameMember: 'virtualNodeName',
    collectionSegment: 'virtualNodes',
    listMember: 'virtualNodes',
    arnSegment: 'virtualNode',
    cliNoun: 'virtual-node',
    specRequired: true,
    appMesh: true,
  },
  virtualRouter: {
    kind: 'virtualRouter',
    title: 'VirtualRouter',
    nameMember: 'virtualRouterName',
    collectionSegment: 'virtualRouters',
    listMember: 'virtualRouters',
    arnSegment: 'virtualRouter',
    cliNoun: 'virtual-router',
    specRequired: true,
    appMesh: true,
  },
  route: {
    kind: 'route',
    title: 'Route',
    nameMember: 'routeName',
    parentKind: 'virtualRouter',
    collectionSegment: 'routes',
    listMember: 'routes',
    arnSegment: 'route',
    cliNoun: 'route',
    specRequired: true,
    appMesh: true,
  },
  virtualGateway: {
    kind: 'virtualGateway',
    title: 'VirtualGateway',
    nameMember: 'virtualGatewayName',
    collectionSegment: 'virtualGateways',
    listMember: 'virtualGateways',
    arnSegment: 'virtualGateway',
    cliNoun: 'virtual-gateway',
    specRequired: true,
    appMesh: true,
  },
  gatewayRoute: {
    kind: 'gatewayRoute',
    title: 'GatewayRoute',
    nameMember: 'gatewayRouteName',
    parentKind: 'virtualGateway',
    collectionSegment: 'gatewayRoutes',
    listMember: 'gatewayRoutes',
    arnSegment: 'gatewayRoute',
    cliNoun: 'gateway-route',
    specRequired: true,
    appMesh: true,
  },
  trafficPermission: {
    kind: 'trafficPermission',
    title: 'TrafficPermission',
    nameMember: 'trafficPermissionName',
    collectionSegment: 'trafficPermissions',
    listMember: 'trafficPermissions',
    arnSegment: 'trafficPermission',
    cliNoun: 'traffic-permission',
    specRequired: true,
    appMesh: false,
  },
};

export function isKindName(value: string): value is KindName {
  return (kindNames as readonly string[]).includes(value);
}
