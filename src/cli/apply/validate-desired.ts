// Checks the whole applied set before anything is written: shapes, duplicates, references to resources that
// exist neither in the files nor in the control plane, and the cross-resource rules App Mesh enforces.

import {
  checkGatewayRouteAgainstGateway,
  checkGatewayRoutesAgainstGateway,
  checkGatewayRouteTarget,
  checkRouteAgainstRouter,
  checkRouterAgainstRoutes,
  checkRouteTargets,
} from '../../model/consistency.ts';
import { resourceNameShape, serviceNameShape, tagListShape } from '../../model/names.ts';
import { referenceFields } from '../../model/references.ts';
import { kinds, type KindName } from '../../model/resource-kinds.ts';
import { parentKeyOf, resourceKey, resourcePath, type ResourceKey } from '../../model/resource-key.ts';
import { validate, type Violation } from '../../model/shape.ts';
import {
  specShapes,
  type GatewayRouteSpec,
  type SpecOf,
  type VirtualNodeSpec,
} from '../../model/specs/index.ts';
import { kindSpec, specOfKind } from '../../model/typed-record.ts';
import type { ApplyProblem } from './apply-problem.ts';
import type { ClusterState } from './cluster-state.ts';
import type { DesiredResource } from './desired-resource.ts';

interface WorldEntry {
  readonly key: ResourceKey;
  readonly spec: Record<string, unknown>;
  /** Whether the spec passed shape validation (only then do cross-resource rules read it). */
  readonly valid: boolean;
  readonly desired: boolean;
}

/** The spec at `key` typed as `kind`'s when it exists, is of that kind and passed shape validation. */
type ValidSpec = <K extends KindName>(kind: K, key: ResourceKey) => SpecOf<K> | undefined;

export interface ValidateOptions {
  /** With --prune, what the files do not contain in their meshes is about to go away. */
  readonly prune: boolean;
}

function nameViolations(key: ResourceKey): Violation[] {
  const descriptor = kinds[key.kind];
  const out = validate(
    key.kind === 'virtualService' ? serviceNameShape : resourceNameShape,
    key.name,
    descriptor.nameMember,
  );
  if (key.kind !== 'mesh') out.push(...validate(resourceNameShape, key.meshName, 'meshName'));
  if (descriptor.parentKind)
    out.push(...validate(resourceNameShape, key.parentName, kinds[descriptor.parentKind].nameMember));
  return out;
}

function shapeProblems(resource: DesiredResource): ApplyProblem[] {
  const { origin, label } = resource;
  const violations = [
    ...nameViolations(resource.key),
    ...validate(specShapes[resource.key.kind], resource.spec, 'spec'),
    ...(resource.tags === undefined ? [] : validate(tagListShape, resource.tags, 'tags')),
  ];
  return violations.map((v) => ({
    origin,
    resource: label,
    field: v.path.startsWith('spec') || v.path.startsWith('tags') ? resource.sourcePath(v.path) : v.path,
    message: v.message,
  }));
}

function describeTarget(key: ResourceKey): string {
  const where = key.kind === 'mesh' ? '' : ` in mesh ${key.meshName}`;
  return `${kinds[key.kind].title} ${key.name}${where}`;
}

export function validateDesired(
  desired: readonly DesiredResource[],
  state: ClusterState,
  options: ValidateOptions,
): ApplyProblem[] {
  const problems: ApplyProblem[] = [];
  const world = new Map<string, WorldEntry>();
  const touchedMeshes = new Set(desired.map((r) => r.key.meshName));
  for (const [path, existing] of state) {
    const prunable =
      options.prune && existing.key.kind !== 'mesh' && touchedMeshes.has(existing.key.meshName);
    if (!prunable) world.set(path, { key: existing.key, spec: existing.spec, valid: true, desired: false });
  }
  const firstSeen = new Map<string, DesiredResource>();
  const valid: DesiredResource[] = [];
  for (const resource of desired) {
    const path = resourcePath(resource.key);
    const first = firstSeen.get(path);
    if (first) {
      const where = `${first.origin.file}, document ${first.origin.document}`;
      problems.push({
        origin: resource.origin,
        resource: resource.label,
        message: `${path} is already defined by ${where}`,
      });
      continue;
    }
    firstSeen.set(path, resource);
    const found = shapeProblems(resource);
    problems.push(...found);
    if (found.length === 0) valid.push(resource);
    world.set(path, { key: resource.key, spec: resource.spec, valid: found.length === 0, desired: true });
  }
  const lookup = (key: ResourceKey): WorldEntry | undefined => world.get(resourcePath(key));
  const validSpec: ValidSpec = (kind, key) => {
    const entry = lookup(key);
    return entry?.valid && entry.key.kind === kind ? specOfKind(kind, entry.spec) : undefined;
  };
  const missing = (key: ResourceKey): string => {
    const pruned = options.prune && state.has(resourcePath(key));
    return pruned
      ? `${describeTarget(key)} is not in the files, so --prune would delete it`
      : `${describeTarget(key)} does not exist (neither in the files nor in the control plane)`;
  };

  for (const resource of valid) {
    const { key, origin, label } = resource;
    const report = (field: string, message: string) =>
      problems.push({ origin, resource: label, field: resource.sourcePath(field), message });
    const parent = parentKeyOf(key);
    if (parent && !lookup(parent)) {
      const field = parent.kind === 'mesh' ? 'meshName' : kinds[parent.kind].nameMember;
      problems.push({ origin, resource: label, field, message: missing(parent) });
      continue;
    }
    for (const reference of referenceFields(key, resource.spec)) {
      if (!lookup(reference.target)) report(reference.field, missing(reference.target));
    }
    const addViolations = (violations: readonly Violation[]) => {
      for (const v of violations) report(v.path, v.message);
    };
    const nodeSpecs = (): Map<string, VirtualNodeSpec> => {
      const nodes = new Map<string, VirtualNodeSpec>();
      for (const entry of world.values()) {
        if (entry.valid && entry.key.kind === 'virtualNode' && entry.key.meshName === key.meshName) {
          nodes.set(entry.key.name, specOfKind('virtualNode', entry.spec));
        }
      }
      return nodes;
    };
    const children = <K extends 'route' | 'gatewayRoute'>(kind: K) =>
      [...world.values()]
        .filter(
          (e) =>
            e.key.kind === kind &&
            !e.desired &&
            e.key.meshName === key.meshName &&
            e.key.parentName === key.name,
        )
        .map((e) => ({ name: e.key.name, spec: specOfKind(kind, e.spec) }));
    const written = kindSpec(key.kind, resource.spec);
    switch (written.kind) {
      case 'route': {
        const router = validSpec('virtualRouter', parent!);
        if (router) addViolations(checkRouteAgainstRouter(written.spec, router));
        addViolations(checkRouteTargets(written.spec, nodeSpecs()));
        break;
      }
      case 'virtualRouter':
        addViolations(checkRouterAgainstRoutes(written.spec, children('route')));
        break;
      case 'gatewayRoute': {
        const gateway = validSpec('virtualGateway', parent!);
        if (gateway) addViolations(checkGatewayRouteAgainstGateway(written.spec, gateway));
        addViolations(
          checkGatewayRouteTarget(written.spec, providerPorts(written.spec, key.meshName, validSpec)),
        );
        break;
      }
      case 'virtualGateway':
        addViolations(checkGatewayRoutesAgainstGateway(written.spec, children('gatewayRoute')));
        break;
      default:
        break;
    }
  }
  return problems;
}

/** Listener ports of the provider behind a gateway route's target service, when known. */
function providerPorts(
  route: GatewayRouteSpec,
  meshName: string,
  validSpec: ValidSpec,
): number[] | undefined {
  const variant = route.httpRoute ?? route.http2Route ?? route.grpcRoute;
  const serviceName = variant?.action.target.virtualService.virtualServiceName;
  if (serviceName === undefined) return undefined;
  const service = validSpec('virtualService', resourceKey('virtualService', meshName, serviceName));
  const provider = service?.provider;
  if (!provider) return undefined;
  const spec = provider.virtualNode
    ? validSpec('virtualNode', resourceKey('virtualNode', meshName, provider.virtualNode.virtualNodeName))
    : provider.virtualRouter
      ? validSpec(
          'virtualRouter',
          resourceKey('virtualRouter', meshName, provider.virtualRouter.virtualRouterName),
        )
      : undefined;
  return spec ? (spec.listeners ?? []).map((listener) => listener.portMapping.port) : undefined;
}
