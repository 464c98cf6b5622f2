// Referential rules (appmesh-spec §3.1): what a written spec must find in the mesh, and what blocks a delete.

import {
  checkGatewayRouteAgainstGateway,
  checkGatewayRoutesAgainstGateway,
  checkGatewayRouteTarget,
  checkRouteAgainstRouter,
  checkRouterAgainstRoutes,
  checkRouteTargets,
} from '../model/consistency.ts';
import { kinds, type KindName } from '../model/resource-kinds.ts';
import { resourceKey, resourcePath, type ResourceKey } from '../model/resource-key.ts';
import type { StoredRecord } from '../model/resource-record.ts';
import { referencesOf } from '../model/references.ts';
import type { VirtualNodeSpec } from '../model/specs/index.ts';
import { kindSpec, recordOfKind, type TypedRecord } from '../model/typed-record.ts';
import type { ReadTx } from '../store/store.ts';
import { notFound, resourceInUse } from './api-error.ts';
import { throwIfViolations } from './violations.ts';

const everything = { limit: Number.MAX_SAFE_INTEGER };

async function childrenOf<K extends 'route' | 'gatewayRoute'>(
  tx: ReadTx,
  kind: K,
  meshName: string,
  parentName: string,
): Promise<TypedRecord<K, StoredRecord>[]> {
  const records = await tx.list({ kind, meshName, parentName }, everything);
  return records.map((record) => recordOfKind(record, kind));
}

function missingReferenceMessage(target: ResourceKey, from: ResourceKey): string {
  return `${kinds[target.kind].title} with name ${target.name} is missing: ${kinds[from.kind].title} ${from.name} refers to it in mesh ${target.meshName}`;
}

/** Loads every resource `spec` refers to, failing with NotFoundException for the first missing one. */
async function loadReferences(
  tx: ReadTx,
  key: ResourceKey,
  spec: unknown,
): Promise<Map<string, StoredRecord>> {
  const found = new Map<string, StoredRecord>();
  for (const target of referencesOf(key, spec)) {
    const record = await tx.get(target);
    if (!record) throw notFound(missingReferenceMessage(target, key));
    found.set(`${target.kind}/${target.name}`, record);
  }
  return found;
}

/** Listener ports of a virtual service's provider, or undefined when it has no provider. */
async function providerListenerPorts(
  tx: ReadTx,
  service: TypedRecord<'virtualService', StoredRecord>,
): Promise<number[] | undefined> {
  const provider = service.spec.provider;
  const meshName = service.meshName;
  const portsOf = (listeners: readonly { portMapping: { port: number } }[] | undefined): number[] =>
    (listeners ?? []).map((listener) => listener.portMapping.port);
  if (provider?.virtualNode) {
    const key = resourceKey('virtualNode', meshName, provider.virtualNode.virtualNodeName);
    return portsOf(recordOfKind(await tx.get(key), 'virtualNode')?.spec.listeners);
  }
  if (provider?.virtualRouter) {
    const key = resourceKey('virtualRouter', meshName, provider.virtualRouter.virtualRouterName);
    return portsOf(recordOfKind(await tx.get(key), 'virtualRouter')?.spec.listeners);
  }
  return undefined;
}

/**
 * Checks a spec about to be written against the rest of the mesh; returns the keys it references
 * (to be stored with it). Throws NotFound for missing references and BadRequest for inconsistencies.
 */
export async function checkReferencesOnWrite(
  tx: ReadTx,
  key: ResourceKey,
  spec: unknown,
): Promise<ResourceKey[]> {
  const referenced = await loadReferences(tx, key, spec);
  const written = kindSpec(key.kind, spec);
  switch (written.kind) {
    case 'route': {
      const router = recordOfKind(
        await tx.get(resourceKey('virtualRouter', key.meshName, key.parentName)),
        'virtualRouter',
      );
      if (router) throwIfViolations(checkRouteAgainstRouter(written.spec, router.spec));
      const nodes = new Map<string, VirtualNodeSpec>();
      for (const record of referenced.values()) {
        nodes.set(record.name, recordOfKind(record, 'virtualNode').spec);
      }
      throwIfViolations(checkRouteTargets(written.spec, nodes));
      break;
    }
    case 'virtualRouter': {
      const routes = await childrenOf(tx, 'route', key.meshName, key.name);
      throwIfViolations(checkRouterAgainstRoutes(written.spec, routes));
      break;
    }
    case 'gatewayRoute': {
      const gateway = recordOfKind(
        await tx.get(resourceKey('virtualGateway', key.meshName, key.parentName)),
        'virtualGateway',
      );
      if (gateway) throwIfViolations(checkGatewayRouteAgainstGateway(written.spec, gateway.spec));
      const [service] = referenced.values();
      if (service) {
        const ports = await providerListenerPorts(tx, recordOfKind(service, 'virtualService'));
        throwIfViolations(checkGatewayRouteTarget(written.spec, ports));
      }
      break;
    }
    case 'virtualGateway': {
      const routes = await childrenOf(tx, 'gatewayRoute', key.meshName, key.name);
      throwIfViolations(checkGatewayRoutesAgainstGateway(written.spec, routes));
      break;
    }
    default:
      break;
  }
  return referencesOf(key, spec);
}

const meshContents: readonly KindName[] = [
  'virtualService',
  'virtualNode',
  'virtualRouter',
  'virtualGateway',
  'trafficPermission',
];

/** Throws ResourceInUseException when something still depends on the resource at `key`. */
export async function checkDeletable(tx: ReadTx, key: ResourceKey): Promise<void> {
  const title = kinds[key.kind].title;
  if (key.kind === 'mesh') {
    const held: string[] = [];
    for (const kind of meshContents) {
      const count = await tx.count({ kind, meshName: key.meshName });
      if (count > 0) held.push(`${count} ${kinds[kind].listMember}`);
    }
    if (held.length > 0) {
      throw resourceInUse(
        `Mesh with name ${key.name} cannot be deleted because it still contains resources: ${held.join(', ')}`,
      );
    }
    return;
  }
  if (
    key.kind === 'virtualRouter' &&
    (await tx.count({ kind: 'route', meshName: key.meshName, parentName: key.name })) > 0
  ) {
    throw resourceInUse(
      `VirtualRouter with name ${key.name} cannot be deleted because it has one or more routes`,
    );
  }
  if (
    key.kind === 'virtualGateway' &&
    (await tx.count({ kind: 'gatewayRoute', meshName: key.meshName, parentName: key.name })) > 0
  ) {
    throw resourceInUse(
      `VirtualGateway with name ${key.name} cannot be deleted because it has one or more gateway routes`,
    );
  }
  const referrers = await tx.referrers(key);
  if (referrers.some((r) => r.kind === 'route')) {
    throw resourceInUse(
      `${title} with name ${key.name} cannot be deleted because it is the target of one or more routes.`,
    );
  }
  if (referrers.some((r) => r.kind === 'virtualService')) {
    throw resourceInUse(
      `${title} with name ${key.name} cannot be deleted because it is a VirtualService provider`,
    );
  }
  const gatewayRoutes = referrers.filter((r) => r.kind === 'gatewayRoute');
  if (gatewayRoutes.length > 0) {
    const ids = gatewayRoutes.map((r) => resourcePath(r)).join(', ');
    throw resourceInUse(
      `VirtualService ${key.name} is being referenced in the following: GATEWAY_ROUTE: [${ids}]`,
    );
  }
}
