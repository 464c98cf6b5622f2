// Maps a raw request (method + path) onto one of the 38 App Mesh operations, percent-decoding each
// path label after splitting on '/', as the SDKs encode '/' inside a label as %2F.

import { kinds, type KindName } from '../model/resource-kinds.ts';
import { badRequest, notFound } from './api-error.ts';

export const apiVersionSegment = 'v20190125';

export type ResourceVerb = 'create' | 'describe' | 'update' | 'delete' | 'list';
export type TagVerb = 'tagResource' | 'untagResource' | 'listTagsForResource';

export interface ResourceOperation {
  readonly verb: ResourceVerb;
  readonly kind: KindName;
  /** Mesh label; '' for CreateMesh and ListMeshes. */
  readonly meshName: string;
  /** Router or gateway label for routes and gateway routes, else ''. */
  readonly parentName: string;
  /** Resource label for describe/update/delete, else ''. */
  readonly name: string;
}

export interface TagOperation {
  readonly verb: TagVerb;
}

export type Operation = ResourceOperation | TagOperation;

export function operationName(op: Operation): string {
  if (!('kind' in op)) return op.verb[0]!.toUpperCase() + op.verb.slice(1);
  const title = kinds[op.kind].title;
  const verb = op.verb[0]!.toUpperCase() + op.verb.slice(1);
  return op.verb === 'list' ? `List${title}s`.replace('Meshs', 'Meshes') : `${verb}${title}`;
}

const meshChildCollections = new Map<string, KindName>(
  (['virtualService', 'virtualNode', 'virtualRouter', 'virtualGateway'] as const).map((k) => [
    kinds[k].collectionSegment,
    k,
  ]),
);
const nestedParents = new Map<string, KindName>([
  [kinds.virtualRouter.arnSegment, 'route'],
  [kinds.virtualGateway.arnSegment, 'gatewayRoute'],
]);

function decodeLabel(raw: string, member: string): string {
  let label: string;
  try {
    label = decodeURIComponent(raw);
  } catch (error) {
    throw badRequest(`The path label for ${member} is not valid percent-encoding: ${raw}`, { cause: error });
  }
  if (label === '') throw badRequest(`${member} must not be empty`);
  return label;
}

function unknownOperation(method: string, path: string): Error {
  return notFound(`No App Mesh operation matches ${method} ${path}`);
}

function collectionVerb(method: string): ResourceVerb | undefined {
  return method === 'PUT' ? 'create' : method === 'GET' ? 'list' : undefined;
}

function itemVerb(method: string): ResourceVerb | undefined {
  return ({ GET: 'describe', PUT: 'update', DELETE: 'delete' } as const)[method as 'GET'];
}

/** Resolves `method` + `path` (no query string) to an operation, or throws an ApiError. */
export function routeOperation(method: string, path: string): Operation {
  const segments = path.split('/').slice(1);
  if (segments[0] !== apiVersionSegment) throw unknownOperation(method, path);
  const rest = segments.slice(1);
  if (rest.length === 1) {
    const tagVerb = (
      { 'PUT tag': 'tagResource', 'PUT untag': 'untagResource', 'GET tags': 'listTagsForResource' } as const
    )[`${method} ${rest[0]}` as 'PUT tag'];
    if (tagVerb) return { verb: tagVerb };
  }
  if (rest[0] !== kinds.mesh.collectionSegment) throw unknownOperation(method, path);

  const resource = (verb: ResourceVerb | undefined, kind: KindName, labels: Partial<ResourceOperation>) => {
    if (!verb) throw unknownOperation(method, path);
    return { verb, kind, meshName: '', parentName: '', name: '', ...labels };
  };

  switch (rest.length) {
    case 1:
      return resource(collectionVerb(method), 'mesh', {});
    case 2:
      return resource(itemVerb(method), 'mesh', { meshName: decodeLabel(rest[1]!, 'meshName') });
    case 3:
    case 4: {
      const kind = meshChildCollections.get(rest[2]!);
      if (!kind) throw unknownOperation(method, path);
      const meshName = decodeLabel(rest[1]!, 'meshName');
      if (rest.length === 3) return resource(collectionVerb(method), kind, { meshName });
      return resource(itemVerb(method), kind, {
        meshName,
        name: decodeLabel(rest[3]!, kinds[kind].nameMember),
      });
    }
    case 5:
    case 6: {
      const kind = nestedParents.get(rest[2]!);
      if (!kind || rest[4] !== kinds[kind].collectionSegment) throw unknownOperation(method, path);
      const parentKind = kinds[kind].parentKind!;
      const meshName = decodeLabel(rest[1]!, 'meshName');
      const parentName = decodeLabel(rest[3]!, kinds[parentKind].nameMember);
      if (rest.length === 5) return resource(collectionVerb(method), kind, { meshName, parentName });
      return resource(itemVerb(method), kind, {
        meshName,
        parentName,
        name: decodeLabel(rest[5]!, kinds[kind].nameMember),
      });
    }
    default:
      throw unknownOperation(method, path);
  }
}
