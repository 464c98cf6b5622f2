// Loading the resources an operation addresses, with App Mesh's NotFoundException messages.

import { kinds, type KindName } from '../model/resource-kinds.ts';
import { meshKey, resourceKey, type ResourceKey } from '../model/resource-key.ts';
import type { StoredRecord } from '../model/resource-record.ts';
import type { ReadTx } from '../store/store.ts';
import type { ApiContext } from './api-context.ts';
import { badRequest, notFound } from './api-error.ts';

export function notPresentMessage(ctx: ApiContext, key: ResourceKey): string {
  const title = kinds[key.kind].title;
  if (key.kind === 'mesh')
    return `Mesh with name ${key.meshName} is not present for account ${ctx.account.accountId}`;
  const parentKind = kinds[key.kind].parentKind;
  const parent = parentKind ? ` and ${kinds[parentKind].title} ${key.parentName}` : '';
  return `${title} with name ${key.name} is not present under mesh ${key.meshName}${parent} for account ${ctx.account.accountId}`;
}

export async function requireRecord(tx: ReadTx, ctx: ApiContext, key: ResourceKey): Promise<StoredRecord> {
  const record = await tx.get(key);
  if (!record) throw notFound(notPresentMessage(ctx, key));
  return record;
}

/** Checks the mesh (and the router or gateway, for routes and gateway routes) that holds `kind` exists. */
export async function requireParents(
  tx: ReadTx,
  ctx: ApiContext,
  kind: KindName,
  meshName: string,
  parentName: string,
): Promise<void> {
  if (kind === 'mesh') return;
  await requireRecord(tx, ctx, meshKey(meshName));
  const parentKind = kinds[kind].parentKind;
  if (parentKind) await requireRecord(tx, ctx, resourceKey(parentKind, meshName, parentName));
}

/** A mesh owner other than our account names a mesh that is not here. */
export function checkMeshOwner(ctx: ApiContext, query: URLSearchParams, meshName: string): void {
  const owner = query.get('meshOwner');
  if (owner !== null && !/^\d{12}$/.test(owner)) {
    throw badRequest(`meshOwner must be a 12-digit account id, got ${JSON.stringify(owner)}`);
  }
  if (owner !== null && owner !== ctx.account.accountId) {
    throw notFound(`Mesh with name ${meshName} is not present for account ${owner}`);
  }
}
