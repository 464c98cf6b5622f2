// CloudFormation templates: each AWS::AppMesh::* resource becomes the App Mesh resource it would create.

import { arnOf, type AccountScope } from '../../../model/arn.ts';
import { kinds, type KindName } from '../../../model/resource-kinds.ts';
import { resourceKey, type ResourceKey } from '../../../model/resource-key.ts';
import type { TagRef } from '../../resource-api.ts';
import type { ApplyProblem } from '../apply-problem.ts';
import type { Conversion, DesiredResource } from '../desired-resource.ts';
import type { SourceDocument } from '../source-document.ts';
import { CfnError, resolveIntrinsics, type CfnResolver } from './cfn-intrinsics.ts';
import { resolveParameters } from './cfn-parameters.ts';
import { camelPathToPascal, camelToPascal, convertKeys } from './pascal-case.ts';

export interface CfnOptions {
  readonly parameters: ReadonlyMap<string, string>;
  /** Partition, region and account that Ref/Arn answers carry. */
  readonly scope: AccountScope;
}

const appMeshTypes: Readonly<Record<string, KindName>> = Object.fromEntries(
  Object.values(kinds).map((d) => [`AWS::AppMesh::${d.title}`, d.kind]),
);

interface TemplateResource {
  readonly Type?: unknown;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: unknown;
}

const nameProperty = (kind: KindName): string => camelToPascal(kinds[kind].nameMember);
const parentNameProperty = (kind: KindName): string | undefined => {
  const parentKind = kinds[kind].parentKind;
  return parentKind ? nameProperty(parentKind) : undefined;
};

function knownProperties(kind: KindName): Set<string> {
  const names = ['MeshName', 'MeshOwner', nameProperty(kind), 'Spec', 'Tags'];
  const parent = parentNameProperty(kind);
  if (parent) names.push(parent);
  return new Set(names);
}

export function isCloudFormationTemplate(value: object): boolean {
  return 'Resources' in value || 'AWSTemplateFormatVersion' in value;
}

export function convertCfnTemplate(doc: SourceDocument, options: CfnOptions): Conversion {
  const origin = doc.origin;
  const problems: ApplyProblem[] = [];
  const notes: string[] = [];
  const resources: DesiredResource[] = [];
  const template = doc.value as Record<string, unknown>;
  const declared = template.Resources;
  if (declared === null || typeof declared !== 'object' || Array.isArray(declared)) {
    return {
      resources,
      notes,
      problems: [{ origin, field: 'Resources', message: 'must be a map of resources' }],
    };
  }
  const templateResources = declared as Record<string, TemplateResource>;
  const parameters = resolveParameters(template.Parameters, options.parameters, origin, problems);
  const declaredParameters = new Set(Object.keys((template.Parameters ?? {}) as object));
  const keys = new Map<string, ResourceKey>();
  const resolving = new Set<string>();

  const pseudo: Record<string, string> = {
    'AWS::Region': options.scope.region,
    'AWS::AccountId': options.scope.accountId,
    'AWS::Partition': options.scope.partition,
    'AWS::StackName': 'switchyard',
    'AWS::URLSuffix': 'amazonaws.com',
  };

  const appMeshKind = (logicalId: string, path: string): KindName => {
    const resource = templateResources[logicalId];
    if (!resource)
      throw new CfnError(path, `${logicalId} is neither a parameter nor a resource of the template`);
    const kind = appMeshTypes[String(resource.Type)];
    if (!kind) {
      throw new CfnError(
        path,
        `${logicalId} is a ${String(resource.Type)}, whose values switchyard cannot know (it manages AWS::AppMesh::* only)`,
      );
    }
    return kind;
  };

  const resolver: CfnResolver = {
    ref(name, path) {
      if (parameters.has(name)) return parameters.get(name);
      if (declaredParameters.has(name)) throw new CfnError(path, `parameter ${name} has no value`);
      if (name in pseudo) return pseudo[name];
      if (name.startsWith('AWS::')) throw new CfnError(path, `pseudo parameter ${name} is not supported`);
      appMeshKind(name, path);
      return arnOf(options.scope, keyOf(name));
    },
    getAtt(logicalId, attribute, path) {
      const kind = appMeshKind(logicalId, path);
      const key = keyOf(logicalId);
      if (attribute === 'Arn') return arnOf(options.scope, key);
      if (attribute === 'MeshName') return key.meshName;
      if (attribute === 'MeshOwner' || attribute === 'ResourceOwner') return options.scope.accountId;
      if (attribute === nameProperty(kind)) return key.name;
      if (attribute === parentNameProperty(kind)) return key.parentName;
      throw new CfnError(
        path,
        `Fn::GetAtt ${logicalId}.${attribute} is not supported (use Arn or a name attribute)`,
      );
    },
  };

  function nameValue(
    props: Record<string, unknown>,
    property: string,
    path: string,
    fallback?: string,
  ): string {
    const raw = props[property];
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      throw new CfnError(`${path}.${property}`, 'is required');
    }
    const value = resolveIntrinsics(raw, resolver, `${path}.${property}`);
    if (typeof value !== 'string') throw new CfnError(`${path}.${property}`, 'must be a string');
    return value;
  }

  function keyOf(logicalId: string): ResourceKey {
    const known = keys.get(logicalId);
    if (known) return known;
    const path = `Resources.${logicalId}.Properties`;
    if (resolving.has(logicalId)) throw new CfnError(path, `the names of ${logicalId} refer to themselves`);
    resolving.add(logicalId);
    try {
      const kind = appMeshKind(logicalId, `Resources.${logicalId}`);
      const props = templateResources[logicalId]!.Properties ?? {};
      // Names CloudFormation would generate are the logical id here, so that re-applying finds the same resource.
      const fallback = kind === 'virtualService' ? undefined : logicalId;
      const name = nameValue(props, nameProperty(kind), path, fallback);
      const meshName = kind === 'mesh' ? name : nameValue(props, 'MeshName', path);
      const parentProperty = parentNameProperty(kind);
      const parentName = parentProperty ? nameValue(props, parentProperty, path) : '';
      const key = resourceKey(kind, meshName, name, parentName);
      keys.set(logicalId, key);
      return key;
    } finally {
      resolving.delete(logicalId);
    }
  }

  for (const [logicalId, resource] of Object.entries(templateResources)) {
    const type = String(resource?.Type);
    const kind = appMeshTypes[type];
    const label = `${type} ${logicalId}`;
    if (!kind) {
      notes.push(`${origin.file}: skipped Resources.${logicalId} (${type}): not an App Mesh resource`);
      continue;
    }
    const path = `Resources.${logicalId}.Properties`;
    const props = resource.Properties ?? {};
    try {
      if (resource.Condition !== undefined) {
        throw new CfnError(
          `Resources.${logicalId}.Condition`,
          'conditions are not supported by switchyard apply',
        );
      }
      const allowed = knownProperties(kind);
      const unknown = Object.keys(props).find((property) => !allowed.has(property));
      if (unknown) throw new CfnError(`${path}.${unknown}`, `is not a property of ${type}`);
      if (props.Spec === undefined && kind !== 'mesh') throw new CfnError(`${path}.Spec`, 'is required');
      const key = keyOf(logicalId);
      const spec = convertKeys(resolveIntrinsics(props.Spec ?? {}, resolver, `${path}.Spec`));
      const tags = convertKeys(resolveIntrinsics(props.Tags ?? [], resolver, `${path}.Tags`));
      resources.push({
        key,
        spec: spec as Record<string, unknown>,
        tags: tags as TagRef[],
        origin,
        label,
        sourcePath: (apiPath) => `${path}.${camelPathToPascal(apiPath)}`,
      });
    } catch (error) {
      if (!(error instanceof CfnError)) throw error;
      // A bad name or parameter is reported once, not again by every resource that refers to it.
      if (!problems.some((p) => p.field === error.path && p.message === error.message)) {
        problems.push({ origin, resource: label, field: error.path, message: error.message });
      }
    }
  }
  return { resources, notes, problems };
}
