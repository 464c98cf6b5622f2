// What the control plane already holds in the meshes an apply touches, read through the public API.

import { kindNames } from '../../model/resource-kinds.ts';
import { meshKey, resourcePath, type ResourceKey } from '../../model/resource-key.ts';
import type { AppMeshClient } from '../api-client.ts';
import { describeResource, listKeys } from '../resource-api.ts';

export interface ExistingResource {
  readonly key: ResourceKey;
  readonly arn: string;
  readonly spec: Record<string, unknown>;
}

/** Existing resources by resource path (`mesh/m/virtualNode/n`). */
export type ClusterState = ReadonlyMap<string, ExistingResource>;

async function describeExisting(
  client: AppMeshClient,
  key: ResourceKey,
): Promise<ExistingResource | undefined> {
  const data = await describeResource(client, key);
  return data ? { key, arn: data.metadata.arn, spec: data.spec ?? {} } : undefined;
}

export async function loadClusterState(
  client: AppMeshClient,
  meshNames: Iterable<string>,
): Promise<ClusterState> {
  const state = new Map<string, ExistingResource>();
  for (const meshName of new Set(meshNames)) {
    const mesh = await describeExisting(client, meshKey(meshName));
    if (!mesh) continue;
    state.set(resourcePath(mesh.key), mesh);
    for (const kind of kindNames.filter((name) => name !== 'mesh')) {
      const keys = await listKeys(client, kind, { meshName });
      const found = await Promise.all(keys.map((key) => describeExisting(client, key)));
      for (const resource of found) if (resource) state.set(resourcePath(resource.key), resource);
    }
  }
  return state;
}
