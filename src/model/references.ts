// The hard references a resource's spec makes to other resources: they must exist when the spec is
// written, and they block deleting what they point at. Backends of virtual nodes are soft (not listed).

import { resourceKey, type ResourceKey } from './resource-key.ts';

interface ProviderSpec {
  readonly provider?: {
    readonly virtualNode?: { readonly virtualNodeName: string };
    readonly virtualRouter?: { readonly virtualRouterName: string };
  };
}

interface WeightedTargets {
  readonly action: { readonly weightedTargets: readonly { readonly virtualNode: string }[] };
}

interface RouteSpecTargets {
  readonly httpRoute?: WeightedTargets;
  readonly http2Route?: WeightedTargets;
  readonly grpcRoute?: WeightedTargets;
  readonly tcpRoute?: WeightedTargets;
}

interface GatewayTarget {
  readonly action: { readonly target: { readonly virtualService: { readonly virtualServiceName: string } } };
}

interface GatewayRouteSpecTargets {
  readonly httpRoute?: GatewayTarget;
  readonly http2Route?: GatewayTarget;
  readonly grpcRoute?: GatewayTarget;
}

/** Keys this spec points at, deduplicated; `key` is the resource that owns the spec. */
export function referencesOf(key: ResourceKey, spec: unknown): ResourceKey[] {
  const found = new Map<string, ResourceKey>();
  const add = (target: ResourceKey): void => {
    found.set(`${target.kind}/${target.name}`, target);
  };
  switch (key.kind) {
    case 'virtualService': {
      const provider = (spec as ProviderSpec).provider;
      if (provider?.virtualNode)
        add(resourceKey('virtualNode', key.meshName, provider.virtualNode.virtualNodeName));
      if (provider?.virtualRouter) {
        add(resourceKey('virtualRouter', key.meshName, provider.virtualRouter.virtualRouterName));
      }
      break;
    }
    case 'route': {
      const route = spec as RouteSpecTargets;
      for (const variant of [route.httpRoute, route.http2Route, route.grpcRoute, route.tcpRoute]) {
        for (const target of variant?.action.weightedTargets ?? []) {
          add(resourceKey('virtualNode', key.meshName, target.virtualNode));
        }
      }
      break;
    }
    case 'gatewayRoute': {
      const route = spec as GatewayRouteSpecTargets;
      for (const variant of [route.httpRoute, route.http2Route, route.grpcRoute]) {
        if (variant)
          add(
            resourceKey(
              'virtualService',
              key.meshName,
              variant.action.target.virtualService.virtualServiceName,
            ),
          );
      }
      break;
    }
    default:
      break;
  }
  return [...found.values()];
}
