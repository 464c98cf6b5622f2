// Names the IAM action and resource of a TrafficPermission request: `switchyard:PutTrafficPermission` on
// `arn:…:appmesh:…:mesh/M/trafficPermission/N`, `switchyard:ListTrafficPermissions` on the mesh's ARN.

import { arnOf, type AccountScope } from '../model/arn.ts';
import { meshKey, resourceKey } from '../model/resource-key.ts';
import { parseJsonBody } from './request-body.ts';
import { trafficPermissionPath, trafficPermissionsPath } from './traffic-permission-routes.ts';

export interface PermissionAction {
  readonly action: string;
  readonly resource: string;
}

const itemVerbs: Readonly<Record<string, string>> = {
  GET: 'Get',
  HEAD: 'Get',
  PUT: 'Put',
  DELETE: 'Delete',
};

function createdName(body: Buffer | undefined): string | undefined {
  try {
    const name = parseJsonBody(body)?.trafficPermissionName;
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

function decoded(label: string): string | undefined {
  try {
    return decodeURIComponent(label);
  } catch {
    return undefined;
  }
}

/**
 * The action for a request to the TrafficPermission routes, or undefined for any other request. `routeUrl`,
 * when given, is the route the router picked (it decodes the path before matching, so that decides, not the
 * bytes as sent); the labels are read per segment, decoded, as the router reads them.
 */
export function trafficPermissionAction(
  method: string,
  path: string,
  routeUrl: string | undefined,
  scope: AccountScope,
  body?: Buffer,
): PermissionAction | undefined {
  const segments = path.split('/').map(decoded);
  const [empty, area, version, meshes, mesh, collection, name] = segments;
  const shaped =
    empty === '' &&
    area === 'switchyard' &&
    version === 'v1' &&
    meshes === 'meshes' &&
    collection === 'trafficPermissions';
  const isItem =
    routeUrl === undefined ? shaped && segments.length === 7 : routeUrl === trafficPermissionPath;
  const isCollection =
    routeUrl === undefined ? shaped && segments.length === 6 : routeUrl === trafficPermissionsPath;
  if (isItem) {
    const verb = itemVerbs[method];
    if (!verb) return undefined;
    const resource =
      mesh === undefined || name === undefined
        ? '*'
        : arnOf(scope, resourceKey('trafficPermission', mesh, name));
    return { action: `switchyard:${verb}TrafficPermission`, resource };
  }
  if (isCollection && method === 'PUT') {
    // Created by name from the body, read as its handler reads it; a body that names none is checked as `*`.
    const named = createdName(body);
    const resource =
      mesh === undefined ? '*' : arnOf(scope, resourceKey('trafficPermission', mesh, named ?? '*'));
    return { action: 'switchyard:PutTrafficPermission', resource };
  }
  if (isCollection) {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    return {
      action: 'switchyard:ListTrafficPermissions',
      resource: mesh === undefined ? '*' : arnOf(scope, meshKey(mesh)),
    };
  }
  return undefined;
}
