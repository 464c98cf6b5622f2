// Paths of the App Mesh REST API per resource kind, and the list/describe walks the CLI commands share.

import { kinds, type KindName } from '../model/resource-kinds.ts';
import { resourceKey, type ResourceKey } from '../model/resource-key.ts';
import { ApiClientError, type AppMeshClient } from './api-client.ts';

/** Describe* answer: names, metadata, spec and status. */
export type ResourceData = Record<string, unknown> & {
  readonly metadata: { readonly arn: string; readonly version: number; readonly lastUpdatedAt: number };
  readonly spec: Record<string, unknown>;
};

export interface TagRef {
  readonly key: string;
  readonly value: string;
}

const enc = encodeURIComponent;

export function collectionPath(kind: KindName, meshName: string, parentName = ''): string {
  if (kind === 'mesh') return '/meshes';
  const descriptor = kinds[kind];
  // Switchyard's own kinds live beside App Mesh's API, under /switchyard/v1/ (AppMeshClient.call knows).
  if (!descriptor.appMesh) return `/switchyard/v1/meshes/${enc(meshName)}/${descriptor.collectionSegment}`;
  const parent = descriptor.parentKind
    ? `/${kinds[descriptor.parentKind].arnSegment}/${enc(parentName)}`
    : '';
  return `/meshes/${enc(meshName)}${parent}/${descriptor.collectionSegment}`;
}

export function itemPath(key: ResourceKey): string {
  return `${collectionPath(key.kind, key.meshName, key.parentName)}/${enc(key.name)}`;
}

/** The key of a List* item or Describe* answer of `kind`. */
export function keyOfItem(kind: KindName, item: Record<string, unknown>): ResourceKey {
  const descriptor = kinds[kind];
  const parent = descriptor.parentKind ? String(item[kinds[descriptor.parentKind].nameMember]) : '';
  return resourceKey(kind, String(item.meshName), String(item[descriptor.nameMember]), parent);
}

/** Every item of one List* operation, following `nextToken` to the end. */
export async function listAll(
  client: AppMeshClient,
  kind: KindName,
  meshName = '',
  parentName = '',
): Promise<ResourceKey[]> {
  const keys: ResourceKey[] = [];
  let nextToken: string | undefined;
  do {
    const query = nextToken ? `?nextToken=${enc(nextToken)}` : '';
    const page = await client.call('GET', `${collectionPath(kind, meshName, parentName)}${query}`);
    for (const item of (page[kinds[kind].listMember] ?? []) as Record<string, unknown>[]) {
      keys.push(keyOfItem(kind, item));
    }
    nextToken = typeof page.nextToken === 'string' && page.nextToken ? page.nextToken : undefined;
  } while (nextToken);
  return keys;
}

export interface ListScope {
  readonly meshName?: string;
  /** Router (for routes) or gateway (for gateway routes); every one when absent. */
  readonly parentName?: string;
}

/** Keys of `kind` within the scope; walks all meshes (and all routers/gateways) the scope leaves open. */
export async function listKeys(
  client: AppMeshClient,
  kind: KindName,
  scope: ListScope = {},
): Promise<ResourceKey[]> {
  if (kind === 'mesh') {
    const meshes = await listAll(client, 'mesh');
    return scope.meshName ? meshes.filter((key) => key.name === scope.meshName) : meshes;
  }
  const meshNames = scope.meshName
    ? [scope.meshName]
    : (await listAll(client, 'mesh')).map((key) => key.name);
  const keys: ResourceKey[] = [];
  for (const meshName of meshNames) {
    const parentKind = kinds[kind].parentKind;
    if (!parentKind) {
      keys.push(...(await listAll(client, kind, meshName)));
      continue;
    }
    const parents = scope.parentName
      ? [scope.parentName]
      : (await listAll(client, parentKind, meshName)).map((key) => key.name);
    for (const parentName of parents) keys.push(...(await listAll(client, kind, meshName, parentName)));
  }
  return keys;
}

/** Describe*; `undefined` when the resource does not exist. */
export async function describeResource(
  client: AppMeshClient,
  key: ResourceKey,
): Promise<ResourceData | undefined> {
  try {
    return (await client.call('GET', itemPath(key))) as ResourceData;
  } catch (error) {
    if (error instanceof ApiClientError && error.type === 'NotFoundException') return undefined;
    throw error;
  }
}

export async function listTags(client: AppMeshClient, arn: string): Promise<TagRef[]> {
  const tags: TagRef[] = [];
  let nextToken: string | undefined;
  do {
    const token = nextToken ? `&nextToken=${enc(nextToken)}` : '';
    const page = await client.call('GET', `/tags?resourceArn=${enc(arn)}${token}`);
    tags.push(...((page.tags ?? []) as TagRef[]));
    nextToken = typeof page.nextToken === 'string' && page.nextToken ? page.nextToken : undefined;
  } while (nextToken);
  return tags;
}
