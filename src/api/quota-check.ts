// Enforces the service quotas on create and update with LimitExceededException.

import { kinds, type KindName } from '../model/resource-kinds.ts';
import type { ResourceKey } from '../model/resource-key.ts';
import { kindSpec } from '../model/typed-record.ts';
import type { ReadTx } from '../store/store.ts';
import type { ApiContext } from './api-context.ts';
import { limitExceeded } from './api-error.ts';
import type { QuotaName } from './quotas.ts';

const perParentQuota: Partial<Record<KindName, QuotaName>> = {
  mesh: 'meshesPerAccount',
  virtualService: 'virtualServicesPerMesh',
  virtualNode: 'virtualNodesPerMesh',
  virtualRouter: 'virtualRoutersPerMesh',
  route: 'routesPerVirtualRouter',
  virtualGateway: 'virtualGatewaysPerMesh',
  gatewayRoute: 'gatewayRoutesPerVirtualGateway',
};

/** Checks that creating one more resource like `key` stays within its quota. */
export async function checkCreateQuota(tx: ReadTx, ctx: ApiContext, key: ResourceKey): Promise<void> {
  const quota = perParentQuota[key.kind];
  if (!quota) return;
  const scope = { kind: key.kind, meshName: key.meshName, parentName: key.parentName };
  const count = await tx.count(scope);
  if (count >= ctx.quotas[quota]) {
    const where =
      key.kind === 'mesh'
        ? `account ${ctx.account.accountId}`
        : `this ${kinds[key.kind].parentKind ?? 'mesh'}`;
    throw limitExceeded(
      `Cannot create ${kinds[key.kind].title} ${key.name}: ${where} already has ${count} (quota ${quota} = ${ctx.quotas[quota]})`,
    );
  }
}

/** Limits that depend on the spec itself (backends per virtual node); `spec` passed `specShapes[key.kind]`. */
export function checkSpecQuota(ctx: ApiContext, key: ResourceKey, spec: unknown): void {
  const written = kindSpec(key.kind, spec);
  if (written.kind !== 'virtualNode') return;
  const backends = written.spec.backends?.length ?? 0;
  if (backends > ctx.quotas.backendsPerVirtualNode) {
    throw limitExceeded(
      `VirtualNode ${key.name} declares ${backends} backends; the quota backendsPerVirtualNode is ${ctx.quotas.backendsPerVirtualNode}`,
    );
  }
}
