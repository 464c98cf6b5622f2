// Decides, per resource, whether apply creates, updates, leaves or (with --prune) deletes it, in an order the
// API accepts: references point at resources created earlier and deleted later.

import { kinds, type KindName } from '../../model/resource-kinds.ts';
import { resourcePath, type ResourceKey } from '../../model/resource-key.ts';
import type { TagRef } from '../resource-api.ts';
import type { ClusterState, ExistingResource } from './cluster-state.ts';
import type { DesiredResource } from './desired-resource.ts';
import { diffValues, normalizeSpec, type FieldChange } from './spec-diff.ts';

export type PlanAction = 'create' | 'update' | 'unchanged' | 'delete';

export interface TagChanges {
  readonly set: readonly TagRef[];
  readonly remove: readonly string[];
}

export interface PlanStep {
  readonly action: PlanAction;
  readonly key: ResourceKey;
  readonly desired?: DesiredResource;
  readonly existing?: ExistingResource;
  readonly specChanged: boolean;
  readonly tagChanges: TagChanges;
  /** Spec and tag fields that differ (for update). */
  readonly changes: readonly FieldChange[];
}

/** Creation order: a virtual service may name a router, so routers (and their routes) come first. */
export const dependencyOrder: readonly KindName[] = [
  'mesh',
  'virtualNode',
  'virtualRouter',
  'route',
  'virtualService',
  'virtualGateway',
  'gatewayRoute',
  'trafficPermission',
];

const rank = (key: ResourceKey): number => dependencyOrder.indexOf(key.kind);

function tagChangesOf(desired: readonly TagRef[] | undefined, existing: readonly TagRef[]): TagChanges {
  if (desired === undefined) return { set: [], remove: [] };
  const wanted = new Map(desired.map((tag) => [tag.key, tag.value]));
  const current = new Map(existing.map((tag) => [tag.key, tag.value]));
  return {
    set: [...wanted]
      .filter(([key, value]) => current.get(key) !== value)
      .map(([key, value]) => ({ key, value })),
    remove: [...current.keys()].filter((key) => !wanted.has(key)),
  };
}

function tagFieldChanges(changes: TagChanges, existing: readonly TagRef[]): FieldChange[] {
  const current = new Map(existing.map((tag) => [tag.key, tag.value]));
  return [
    ...changes.set.map((tag) =>
      current.has(tag.key)
        ? { path: `tags.${tag.key}`, before: current.get(tag.key), after: tag.value }
        : { path: `tags.${tag.key}`, after: tag.value },
    ),
    ...changes.remove.map((key) => ({ path: `tags.${key}`, before: current.get(key) })),
  ];
}

/** `existingTags` holds the current tags of existing resources whose tags the files manage, by resource path. */
export function buildPlan(
  desired: readonly DesiredResource[],
  state: ClusterState,
  existingTags: ReadonlyMap<string, readonly TagRef[]>,
  prune: boolean,
): PlanStep[] {
  const steps: PlanStep[] = [];
  const wanted = new Set<string>();
  for (const resource of desired) {
    const path = resourcePath(resource.key);
    wanted.add(path);
    const existing = state.get(path);
    if (!existing) {
      steps.push({
        action: 'create',
        key: resource.key,
        desired: resource,
        specChanged: true,
        tagChanges: { set: [], remove: [] },
        changes: [],
      });
      continue;
    }
    const specChanges = diffValues(normalizeSpec(existing.spec), normalizeSpec(resource.spec), 'spec');
    const tags = existingTags.get(path) ?? [];
    const tagChanges = tagChangesOf(resource.tags, tags);
    const changes = [...specChanges, ...tagFieldChanges(tagChanges, tags)];
    steps.push({
      action: changes.length > 0 ? 'update' : 'unchanged',
      key: resource.key,
      desired: resource,
      existing,
      specChanged: specChanges.length > 0,
      tagChanges,
      changes,
    });
  }
  steps.sort((a, b) => rank(a.key) - rank(b.key));
  if (!prune) return steps;
  const meshes = new Set(desired.map((resource) => resource.key.meshName));
  const deletions = [...state.values()]
    .filter((e) => e.key.kind !== 'mesh' && meshes.has(e.key.meshName) && !wanted.has(resourcePath(e.key)))
    .sort((a, b) => rank(b.key) - rank(a.key))
    .map((existing): PlanStep => ({
      action: 'delete',
      key: existing.key,
      existing,
      specChanged: false,
      tagChanges: { set: [], remove: [] },
      changes: [],
    }));
  return [...steps, ...deletions];
}

export function describeStep(step: PlanStep): string {
  return `${kinds[step.key.kind].cliNoun} ${resourcePath(step.key)}`;
}
