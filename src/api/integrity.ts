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
import type {
  GatewayRouteSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../model/specs/index.ts';
import type { ReadTx } from '../store/store.ts';
import { notFound, resourceInUse } from './api-error.ts';
import { throwIfViolations } from './violations.ts';

const everything = { limit: Number.MAX_SAFE_INTEGER };

async function childrenOf(tx: ReadTx, kind: 'route' | 'gatewayRoute', meshName: string, parentName: string) {
  return tx.list({ kind, meshName, parentName }, everything);
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
async function providerListenerPorts(tx: ReadTx, service: StoredRecord): Promise<number[] | undefined> {
  const provider = (service.spec as VirtualServiceSpec).provider;
  const providerKey = provider?.virtualNode
    ? resourceKey('virtualNode', service.meshName, provider.virtualNode.virtualNodeName)
    : provider?.virtualRouter
      ? resourceKey('virtualRouter', service.meshName, provider.virtualRouter.virtualRouterName)
      : undefined;
  if (!providerKey) return undefined;
  const record = await tx.get(providerKey);
  const listeners = (record?.spec as VirtualNodeSpec | VirtualRouterSpec | undefined)?.listeners ?? [];
  return listeners.map((listener) => listener.portMapping.port);
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
  switch (key.kind) {
    case 'route': {
      const router = await tx.get(resourceKey('virtualRouter', key.meshName, key.parentName));
      const routeSpec = spec as RouteSpec;
      if (router) throwIfViolations(checkRouteAgainstRouter(routeSpec, router.spec as VirtualRouterSpec));
      const nodes = new Map<string, VirtualNodeSpec>();
      for (const record of referenced.values()) nodes.set(record.name, record.spec as VirtualNodeSpec);
      throwIfViolations(checkRouteTargets(routeSpec, nodes));
      break;
    }
    case 'virtualRouter': {
      const routes = await childrenOf(tx, 'route', key.meshName, key.name);
      const existing = routes.map((r) => ({ name: r.name, spec: r.spec as RouteSpec }));
      throwIfViolations(checkRouterAgainstRoutes(spec as VirtualRouterSpec, existing));
      break;
    }
    case 'gatewayRoute': {
      const gateway = await tx.get(resourceKey('virtualGateway', key.meshName, key.parentName));
      const routeSpec = spec as GatewayRouteSpec;
      if (gateway)
        throwIfViolations(checkGatewayRouteAgainstGateway(routeSpec, gateway.spec as VirtualGatewaySpec));
      const [service] = referenced.values();
      if (service)
        throwIfViolations(checkGatewayRouteTarget(routeSpec, await providerListenerPorts(tx, service)));
      break;
    }
    case 'virtualGateway': {
      const routes = await childrenOf(tx, 'gatewayRoute', key.meshName, key.name);
      const existing = routes.map((r) => ({ name: r.name, spec: r.spec as GatewayRouteSpec }));
      throwIfViolations(checkGatewayRoutesAgainstGateway(spec as VirtualGatewaySpec, existing));
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
