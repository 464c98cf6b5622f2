// Converts the spec of each App Mesh controller custom resource into the App Mesh API spec: references become
// names, `…ARN` spellings become `…Arn`, controller-only fields (awsName, selectors, meshRef) are dropped.

import type { K8sIndex, Report } from './k8s-index.ts';
import type { K8sManifest } from './k8s-manifest.ts';

type Obj = Record<string, unknown>;

export interface SpecContext {
  readonly index: K8sIndex;
  readonly manifest: K8sManifest;
  readonly meshName: string;
  readonly report: Report;
}

const isObj = (value: unknown): value is Obj =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `certificateARN` → `certificateArn`, `certificateAuthorityARNs` → `certificateAuthorityArns`, everywhere. */
export function renameArnKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renameArnKeys);
  if (!isObj(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [key.replace(/ARN(s?)$/, 'Arn$1'), renameArnKeys(member)]),
  );
}

function without(spec: Obj, keys: readonly string[]): Obj {
  return Object.fromEntries(Object.entries(spec).filter(([key]) => !keys.includes(key)));
}

const controllerOnly = ['awsName', 'meshRef', 'podSelector', 'namespaceSelector', 'gatewayRouteSelector'];

export function meshSpec(manifest: K8sManifest): Obj {
  const { egressFilter, meshServiceDiscovery } = manifest.spec;
  const spec: Obj = {};
  if (egressFilter !== undefined) spec.egressFilter = egressFilter;
  if (meshServiceDiscovery !== undefined) spec.serviceDiscovery = meshServiceDiscovery;
  const unknown = Object.keys(manifest.spec).filter(
    (key) =>
      !['awsName', 'namespaceSelector', 'egressFilter', 'meshServiceDiscovery', 'meshOwner'].includes(key),
  );
  for (const key of unknown) spec[key] = manifest.spec[key];
  return spec;
}

/** Replaces `<prefix>Ref`/`<prefix>ARN` in `holder` by `nameKey: <App Mesh name>`. */
function withResolvedTarget(
  ctx: SpecContext,
  holder: unknown,
  prefix: string,
  nameKey: string,
  field: string,
): unknown {
  if (!isObj(holder)) return holder;
  const name = ctx.index.resolveTarget(holder, prefix, ctx.manifest, ctx.meshName, field, ctx.report);
  return { [nameKey]: name, ...without(holder, [`${prefix}Ref`, `${prefix}ARN`]) };
}

function backendGroupServices(ctx: SpecContext, groups: unknown): Obj[] {
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((group: Obj, i) => {
    const field = `spec.backendGroups[${i}]`;
    const namespace = typeof group?.namespace === 'string' ? group.namespace : ctx.manifest.namespace;
    const found = ctx.index.find('BackendGroup', namespace, String(group?.name));
    if (!found) {
      ctx.report(field, `BackendGroup ${namespace}/${String(group?.name)} is not in the applied files`);
      return [];
    }
    const services = (found.spec.virtualservices ?? []) as Obj[];
    return services.map((ref, j) => ({
      virtualService: {
        virtualServiceName: ctx.index.refName(
          'VirtualService',
          ref,
          found.namespace,
          `${field} → virtualservices[${j}]`,
          ctx.report,
        ),
      },
    }));
  });
}

export function virtualNodeSpec(ctx: SpecContext): Obj {
  const spec = without(ctx.manifest.spec, [...controllerOnly, 'backendGroups']);
  const backends = Array.isArray(spec.backends) ? (spec.backends as unknown[]) : [];
  const converted = backends.map((backend, i) =>
    isObj(backend) && isObj(backend.virtualService)
      ? {
          ...backend,
          virtualService: withResolvedTarget(
            ctx,
            backend.virtualService,
            'virtualService',
            'virtualServiceName',
            `spec.backends[${i}].virtualService`,
          ),
        }
      : backend,
  );
  const all = [...converted, ...backendGroupServices(ctx, ctx.manifest.spec.backendGroups)];
  const seen = new Set<string>();
  const unique = all.filter((backend) => {
    const name = (backend as { virtualService?: { virtualServiceName?: string } })?.virtualService
      ?.virtualServiceName;
    if (name === undefined) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  const result = renameArnKeys(spec) as Obj;
  if (unique.length > 0 || spec.backends !== undefined) result.backends = renameArnKeys(unique);
  return result;
}

export function virtualServiceSpec(ctx: SpecContext): Obj {
  const spec = without(ctx.manifest.spec, controllerOnly);
  const provider = spec.provider;
  if (!isObj(provider)) return spec;
  const converted: Obj = { ...provider };
  if (provider.virtualNode !== undefined) {
    converted.virtualNode = withResolvedTarget(
      ctx,
      provider.virtualNode,
      'virtualNode',
      'virtualNodeName',
      'spec.provider.virtualNode',
    );
  }
  if (provider.virtualRouter !== undefined) {
    converted.virtualRouter = withResolvedTarget(
      ctx,
      provider.virtualRouter,
      'virtualRouter',
      'virtualRouterName',
      'spec.provider.virtualRouter',
    );
  }
  return { ...spec, provider: converted };
}

export function virtualRouterSpec(ctx: SpecContext): Obj {
  return renameArnKeys(without(ctx.manifest.spec, [...controllerOnly, 'routes'])) as Obj;
}

const routeTypes = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'];

export interface EmbeddedRoute {
  readonly index: number;
  readonly name: string;
  readonly spec: Obj;
}

/** One App Mesh route spec per `spec.routes[]` entry of a VirtualRouter. */
export function embeddedRoutes(ctx: SpecContext): EmbeddedRoute[] {
  const routes = ctx.manifest.spec.routes;
  if (routes === undefined) return [];
  if (!Array.isArray(routes)) {
    ctx.report('spec.routes', 'must be a list');
    return [];
  }
  return routes.flatMap((entry: unknown, i) => {
    if (!isObj(entry) || typeof entry.name !== 'string' || entry.name === '') {
      ctx.report(`spec.routes[${i}].name`, 'is required');
      return [];
    }
    const spec: Obj = without(entry, ['name']);
    for (const type of routeTypes) {
      const variant = spec[type];
      if (!isObj(variant) || !isObj(variant.action) || !Array.isArray(variant.action.weightedTargets))
        continue;
      const targets = variant.action.weightedTargets.map((target, j) =>
        withResolvedTarget(
          ctx,
          target,
          'virtualNode',
          'virtualNode',
          `spec.routes[${i}].${type}.action.weightedTargets[${j}]`,
        ),
      );
      spec[type] = { ...variant, action: { ...variant.action, weightedTargets: targets } };
    }
    return [{ index: i, name: entry.name, spec }];
  });
}

export function virtualGatewaySpec(ctx: SpecContext): Obj {
  return renameArnKeys(without(ctx.manifest.spec, controllerOnly)) as Obj;
}

export function gatewayRouteSpec(ctx: SpecContext): Obj {
  const spec = without(ctx.manifest.spec, [...controllerOnly, 'virtualGatewayRef']);
  for (const type of routeTypes.slice(0, 3)) {
    const variant = spec[type];
    if (!isObj(variant) || !isObj(variant.action) || !isObj(variant.action.target)) continue;
    const target = variant.action.target;
    const virtualService = withResolvedTarget(
      ctx,
      target.virtualService,
      'virtualService',
      'virtualServiceName',
      `spec.${type}.action.target.virtualService`,
    );
    spec[type] = { ...variant, action: { ...variant.action, target: { ...target, virtualService } } };
  }
  return spec;
}
