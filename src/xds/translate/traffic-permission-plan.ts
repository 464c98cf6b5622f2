// Which TrafficPermissions a virtual node must enforce: those of the virtual services it serves, directly as
// their provider or as a route target of their router. Pure; records every record it read as a dependency.
import { resourceKey } from '../../model/resource-key.ts';
import type { TypedRecord } from '../../model/typed-record.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import type { MeshState } from './mesh-state.ts';

/** One virtual service the node serves that has at least one permission. */
export interface ProtectedService {
  readonly virtualServiceName: string;
  /** Sorted by name, so the output does not depend on the store's order. */
  readonly permissions: readonly TypedRecord<'trafficPermission'>[];
}

function servedBy(state: MeshState, serviceName: string, nodeName: string, out: ResourceCollector): boolean {
  const meshName = state.mesh.meshName;
  out.dependOn(resourceKey('virtualService', meshName, serviceName));
  const provider = state.virtualServices.get(serviceName)?.spec.provider;
  if (provider?.virtualNode) return provider.virtualNode.virtualNodeName === nodeName;
  if (!provider?.virtualRouter) return false;
  const routerName = provider.virtualRouter.virtualRouterName;
  // A route written later is seen through its router (the publisher marks a route's router on every write).
  out.dependOn(resourceKey('virtualRouter', meshName, routerName));
  for (const route of state.routes.get(routerName) ?? []) {
    const spec = route.spec;
    const action = (spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute ?? spec.tcpRoute)?.action;
    if (action?.weightedTargets.some((target) => target.virtualNode === nodeName)) return true;
  }
  return false;
}

/**
 * The permitted services `nodeName` serves, by service name. A permission written later is noticed through the
 * mesh record, which every translation reads (the control plane recomputes a mesh's proxies on such a write).
 */
export function protectedServicesOf(
  state: MeshState,
  nodeName: string,
  out: ResourceCollector,
): ProtectedService[] {
  const byService = new Map<string, TypedRecord<'trafficPermission'>[]>();
  for (const permission of state.trafficPermissions?.values() ?? []) {
    out.dependOn(permission);
    const name = permission.spec.virtualServiceName;
    const list = byService.get(name);
    if (list) list.push(permission);
    else byService.set(name, [permission]);
  }
  const served: ProtectedService[] = [];
  for (const [virtualServiceName, permissions] of [...byService].sort(([a], [b]) => compare(a, b))) {
    if (!servedBy(state, virtualServiceName, nodeName, out)) continue;
    served.push({
      virtualServiceName,
      permissions: [...permissions].sort((a, b) => compare(a.name, b.name)),
    });
  }
  return served;
}

/**
 * The services `nodeName` serves that have no permission, sorted: the only names its RBAC filter lets anyone
 * reach, so a caller cannot get past a permission by sending the node some other authority.
 */
export function openServicesOf(
  state: MeshState,
  nodeName: string,
  protectedServices: readonly ProtectedService[],
  out: ResourceCollector,
): string[] {
  const permitted = new Set(protectedServices.map((s) => s.virtualServiceName));
  return [...state.virtualServices.keys()]
    .filter((name) => !permitted.has(name) && servedBy(state, name, nodeName, out))
    .sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
