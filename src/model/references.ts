// The hard references a resource's spec makes to other resources, each with the field that makes it: they
// must exist when the spec is written, and they block deleting what they point at. Both the API's integrity
// checks and `switchyard apply`'s validation read them here. Backends of virtual nodes are soft (not listed).

import { resourceKey, type ResourceKey } from './resource-key.ts';
import { gatewayRouteTypes, routeTypes } from './specs/index.ts';
import { kindSpec } from './typed-record.ts';

export interface ReferenceField {
  /** Where the reference is made, as an API field path (`spec.httpRoute.action.weightedTargets[0].virtualNode`). */
  readonly field: string;
  readonly target: ResourceKey;
}

/**
 * Every reference `spec` makes, in field order (a target named twice is listed twice); `key` is the resource
 * that owns the spec, which must have passed `specShapes[key.kind]`.
 */
export function referenceFields(key: ResourceKey, spec: unknown): ReferenceField[] {
  const mesh = key.meshName;
  const owner = kindSpec(key.kind, spec);
  const out: ReferenceField[] = [];
  switch (owner.kind) {
    case 'virtualService': {
      const provider = owner.spec.provider;
      if (provider?.virtualNode) {
        out.push({
          field: 'spec.provider.virtualNode.virtualNodeName',
          target: resourceKey('virtualNode', mesh, provider.virtualNode.virtualNodeName),
        });
      }
      if (provider?.virtualRouter) {
        out.push({
          field: 'spec.provider.virtualRouter.virtualRouterName',
          target: resourceKey('virtualRouter', mesh, provider.virtualRouter.virtualRouterName),
        });
      }
      break;
    }
    case 'route':
      for (const type of routeTypes) {
        (owner.spec[type]?.action.weightedTargets ?? []).forEach((target, i) =>
          out.push({
            field: `spec.${type}.action.weightedTargets[${i}].virtualNode`,
            target: resourceKey('virtualNode', mesh, target.virtualNode),
          }),
        );
      }
      break;
    case 'gatewayRoute':
      for (const type of gatewayRouteTypes) {
        const name = owner.spec[type]?.action.target.virtualService.virtualServiceName;
        if (name !== undefined) {
          out.push({
            field: `spec.${type}.action.target.virtualService.virtualServiceName`,
            target: resourceKey('virtualService', mesh, name),
          });
        }
      }
      break;
    default:
      break;
  }
  return out;
}

/** The keys `spec` points at, each once, in the order first named (what the store indexes for deletes). */
export function referencesOf(key: ResourceKey, spec: unknown): ResourceKey[] {
  const found = new Map<string, ResourceKey>();
  for (const { target } of referenceFields(key, spec)) found.set(`${target.kind}/${target.name}`, target);
  return [...found.values()];
}
