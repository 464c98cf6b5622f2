// Names the IAM action and resource ARN a request is checked against, as AWS would for App Mesh and Cloud Map.

import type { AccountScope } from '../../model/arn.ts';
import { resourceKey, resourcePath } from '../../model/resource-key.ts';
import { kinds } from '../../model/resource-kinds.ts';
import { routeOperation, operationName, type Operation } from '../operation-router.ts';
import { parseJsonBody } from '../request-body.ts';
import { matchRegistryPath, registryPrefix } from '../../registry/http/registry-paths.ts';
import { trafficPermissionAction } from '../traffic-permission-action.ts';

export interface RequestAction {
  /** `appmesh:CreateMesh`, `servicediscovery:RegisterInstance`, `switchyard:GetXdsClients`, … */
  readonly action: string;
  /** The ARN the policy's Resource must match; `*` for actions AWS does not scope to a resource. */
  readonly resource: string;
}

export const switchyardPrefix = '/switchyard/v1/';

function splitUrl(rawUrl: string): { path: string; query: URLSearchParams } {
  const mark = rawUrl.indexOf('?');
  return mark === -1
    ? { path: rawUrl, query: new URLSearchParams() }
    : { path: rawUrl.slice(0, mark), query: new URLSearchParams(rawUrl.slice(mark + 1)) };
}

/** Shared meshes live in their owner's account: the ARN names the meshOwner when the request gives one. */
function accountFor(scope: AccountScope, query: URLSearchParams): AccountScope {
  const owner = query.get('meshOwner');
  return owner && /^\d{12}$/.test(owner) ? { ...scope, accountId: owner } : scope;
}

function appMeshArn(scope: AccountScope, path: string): string {
  return `arn:${scope.partition}:appmesh:${scope.region}:${scope.accountId}:${path}`;
}

/**
 * Create* names its resource in the body; a body that names none is checked as `*` and then refused by its handler.
 * It is read by the handler's own decoder: one that read it differently (a byte order mark, which the handler
 * skips) would check one name and create another.
 */
function createdName(body: Buffer | undefined, member: string): string {
  try {
    const name = parseJsonBody(body)?.[member];
    return typeof name === 'string' && name !== '' ? name : '*';
  } catch {
    return '*';
  }
}

function appMeshResource(
  operation: Operation,
  scope: AccountScope,
  query: URLSearchParams,
  body: Buffer | undefined,
): string {
  // Tag operations act on the resource their resourceArn names.
  if (!('kind' in operation)) return query.get('resourceArn') ?? '*';
  const account = accountFor(scope, query);
  if (operation.verb === 'list') {
    if (operation.kind === 'mesh') return '*';
    // List* is checked on the parent: the mesh, or the router/gateway that holds routes.
    const parent =
      operation.kind === 'route'
        ? resourceKey('virtualRouter', operation.meshName, operation.parentName)
        : operation.kind === 'gatewayRoute'
          ? resourceKey('virtualGateway', operation.meshName, operation.parentName)
          : resourceKey('mesh', operation.meshName, operation.meshName);
    return appMeshArn(account, resourcePath(parent));
  }
  const labelled = operation.kind === 'mesh' ? operation.meshName : operation.name;
  const name = operation.verb === 'create' ? createdName(body, kinds[operation.kind].nameMember) : labelled;
  if (operation.verb === 'create' && operation.kind === 'mesh') return appMeshArn(account, `mesh/${name}`);
  return appMeshArn(
    account,
    resourcePath(resourceKey(operation.kind, operation.meshName, name, operation.parentName)),
  );
}

const registryActions = {
  listNamespaces: 'ListNamespaces',
  putNamespace: 'CreateHttpNamespace',
  getNamespace: 'GetNamespace',
  deleteNamespace: 'DeleteNamespace',
  listServices: 'ListServices',
  putService: 'CreateService',
  getService: 'GetService',
  deleteService: 'DeleteService',
  listInstances: 'DiscoverInstances',
  putInstance: 'RegisterInstance',
  getInstance: 'GetInstance',
  deleteInstance: 'DeregisterInstance',
  putInstanceHealth: 'UpdateInstanceCustomHealthStatus',
  putInstanceHeartbeat: 'UpdateInstanceCustomHealthStatus',
  putNodeInstance: 'RegisterInstance',
} as const;

function registryAction(method: string, path: string, scope: AccountScope): RequestAction | undefined {
  const match = matchRegistryPath(method, path);
  if ('error' in match) return undefined;
  const action = `servicediscovery:${registryActions[match.operation]}`;
  const [first = '', second = ''] = match.labels;
  if (match.operation === 'putNodeInstance') {
    // Registering by virtual node is scoped to that node, the resource a proxy token will also name.
    return { action, resource: appMeshArn(scope, resourcePath(resourceKey('virtualNode', first, second))) };
  }
  const base = `arn:${scope.partition}:servicediscovery:${scope.region}:${scope.accountId}`;
  if (match.labels.length === 0) return { action, resource: '*' };
  if (match.labels.length === 1) return { action, resource: `${base}:namespace/${first}` };
  return { action, resource: `${base}:service/${first}/${second}` };
}

const pascal = (segment: string): string =>
  segment
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

const methodVerbs: Readonly<Record<string, string>> = {
  GET: 'Get',
  // fastify answers HEAD from every GET route by running its handler: it needs what GET needs.
  HEAD: 'Get',
  PUT: 'Put',
  POST: 'Post',
  DELETE: 'Delete',
  PATCH: 'Patch',
};

/**
 * The action for a request, or undefined when no operation matches (the handler then answers its own 404).
 * Other /switchyard/v1/ paths map to `switchyard:<Verb><Area><Collection>` from the method and the first two
 * path segments: GET /switchyard/v1/xds/clients is `switchyard:GetXdsClients` on resource `*`.
 * `routeUrl` is the pattern of the route the router picked for the request, when it picked one.
 */
export function requestAction(
  method: string,
  rawUrl: string,
  scope: AccountScope,
  body?: Buffer,
  routeUrl?: string,
): RequestAction | undefined {
  const { path, query } = splitUrl(rawUrl);
  if (path === registryPrefix || path.startsWith(`${registryPrefix}/`))
    return registryAction(method, path, scope);
  // The router decodes a path before matching its own routes (`/switchyard/v1/%63a/rotate` is served by
  // `/switchyard/v1/ca/rotate`): the action is named from the route it picked, never from the bytes as sent.
  const routed = routeUrl?.startsWith(switchyardPrefix) && !routeUrl.includes('*') ? routeUrl : undefined;
  const permission = trafficPermissionAction(method, path, routed, scope, body);
  if (permission) return permission;
  if (routed !== undefined || path.startsWith(switchyardPrefix)) {
    const [area = '', segment = ''] = (routed ?? path).slice(switchyardPrefix.length).split('/');
    // A parameter is no collection: DELETE /switchyard/v1/tokens/:id is `switchyard:DeleteTokens`.
    const collection = routed !== undefined && segment.startsWith(':') ? '' : segment;
    const verb = methodVerbs[method];
    if (!verb || !area) return undefined;
    return { action: `switchyard:${verb}${pascal(area)}${pascal(collection)}`, resource: '*' };
  }
  let operation: Operation;
  try {
    operation = routeOperation(method, path);
  } catch {
    return undefined;
  }
  return {
    action: `appmesh:${operationName(operation)}`,
    resource: appMeshResource(operation, scope, query, body),
  };
}
