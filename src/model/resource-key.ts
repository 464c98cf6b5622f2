// Identity of a stored resource: its kind and the names that place it in the mesh hierarchy.

import { kinds, type KindName } from './resource-kinds.ts';

export interface ResourceKey {
  readonly kind: KindName;
  /** The mesh the resource lives in; for a mesh, its own name. */
  readonly meshName: string;
  /** Name of the router or gateway holding a route or gateway route; '' for every other kind. */
  readonly parentName: string;
  readonly name: string;
}

export function meshKey(meshName: string): ResourceKey {
  return { kind: 'mesh', meshName, parentName: '', name: meshName };
}

export function resourceKey(kind: KindName, meshName: string, name: string, parentName = ''): ResourceKey {
  return kind === 'mesh' ? meshKey(name) : { kind, meshName, parentName, name };
}

/** The key of the router or gateway that holds `key`, or of its mesh. */
export function parentKeyOf(key: ResourceKey): ResourceKey | undefined {
  if (key.kind === 'mesh') return undefined;
  const parentKind = kinds[key.kind].parentKind;
  return parentKind ? resourceKey(parentKind, key.meshName, key.parentName) : meshKey(key.meshName);
}

/** The resource part of the ARN, also the node-id form: `mesh/m/virtualRouter/r/route/n`. */
export function resourcePath(key: ResourceKey): string {
  if (key.kind === 'mesh') return `mesh/${key.meshName}`;
  const descriptor = kinds[key.kind];
  const parent = descriptor.parentKind ? `/${kinds[descriptor.parentKind].arnSegment}/${key.parentName}` : '';
  return `mesh/${key.meshName}${parent}/${descriptor.arnSegment}/${key.name}`;
}

export function sameKey(a: ResourceKey, b: ResourceKey): boolean {
  return a.kind === b.kind && a.meshName === b.meshName && a.parentName === b.parentName && a.name === b.name;
}
