// The hard references of a spec with the field that makes each, so a missing target can be named precisely.

import { resourceKey, type ResourceKey } from '../../model/resource-key.ts';

export interface ReferenceField {
  readonly field: string;
  readonly target: ResourceKey;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `spec` must be shape-valid for its kind. */
export function referenceFields(key: ResourceKey, spec: Obj): ReferenceField[] {
  const mesh = key.meshName;
  const out: ReferenceField[] = [];
  if (key.kind === 'virtualService') {
    const provider = spec.provider ?? {};
    if (provider.virtualNode) {
      out.push({
        field: 'spec.provider.virtualNode.virtualNodeName',
        target: resourceKey('virtualNode', mesh, provider.virtualNode.virtualNodeName),
      });
    }
    if (provider.virtualRouter) {
      out.push({
        field: 'spec.provider.virtualRouter.virtualRouterName',
        target: resourceKey('virtualRouter', mesh, provider.virtualRouter.virtualRouterName),
      });
    }
  }
  if (key.kind === 'route') {
    for (const type of ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute']) {
      (spec[type]?.action?.weightedTargets ?? []).forEach((target: Obj, i: number) =>
        out.push({
          field: `spec.${type}.action.weightedTargets[${i}].virtualNode`,
          target: resourceKey('virtualNode', mesh, target.virtualNode),
        }),
      );
    }
  }
  if (key.kind === 'gatewayRoute') {
    for (const type of ['httpRoute', 'http2Route', 'grpcRoute']) {
      const name = spec[type]?.action?.target?.virtualService?.virtualServiceName;
      if (name !== undefined) {
        out.push({
          field: `spec.${type}.action.target.virtualService.virtualServiceName`,
          target: resourceKey('virtualService', mesh, name),
        });
      }
    }
  }
  return out;
}
