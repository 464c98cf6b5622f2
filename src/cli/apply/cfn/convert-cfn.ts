// CloudFormation templates: each AWS::AppMesh::* resource becomes the App Mesh resource it would create, and each
// AWS::ServiceDiscovery namespace or service the registry entry it stands for. Conditions, Mappings, other
// stacks' exports (`--import`) and values of resources Switchyard does not manage (`--resource-attribute`) are
// evaluated as CloudFormation would.

import type { AccountScope } from '../../../model/arn.ts';
import type { KindName } from '../../../model/resource-kinds.ts';
import type { TagRef } from '../../resource-api.ts';
import type { ApplyProblem } from '../apply-problem.ts';
import type { Conversion, DesiredResource } from '../desired-resource.ts';
import type { DocumentOrigin, SourceDocument } from '../source-document.ts';
import { CfnConditions } from './cfn-conditions.ts';
import { CfnError } from './cfn-intrinsics.ts';
import { resolveParameters } from './cfn-parameters.ts';
import {
  appMeshTypes,
  CfnTemplateResolver,
  nameProperty,
  parentNameProperty,
  type TemplateResource,
} from './cfn-template-resolver.ts';
import { isCloudMapType, unknownCloudMapProperty, type CloudMapName } from './cloud-map-resources.ts';
import { camelPathToPascal, convertKeys } from './pascal-case.ts';

export interface CfnOptions {
  readonly parameters: ReadonlyMap<string, string>;
  /** Partition, region and account that Ref/Arn answers carry. */
  readonly scope: AccountScope;
  /** Values of other stacks' exports, for Fn::ImportValue (`--import Name=Value`). */
  readonly imports?: ReadonlyMap<string, string>;
  /** Values of resources Switchyard does not manage: `LogicalId` (Ref) or `LogicalId.Attribute` (GetAtt). */
  readonly resourceAttributes?: ReadonlyMap<string, string>;
  /** AWS::StackName; `switchyard` when absent. */
  readonly stackName?: string;
}

/** A registry namespace or service a template's Cloud Map resource asks for. */
export interface RegistryEntry extends CloudMapName {
  readonly origin: DocumentOrigin;
  /** `AWS::ServiceDiscovery::Service ColorService`, for messages. */
  readonly label: string;
}

export interface CfnConversion extends Conversion {
  readonly registry: RegistryEntry[];
}

function knownProperties(kind: KindName): Set<string> {
  const names = ['MeshName', 'MeshOwner', nameProperty(kind), 'Spec', 'Tags'];
  const parent = parentNameProperty(kind);
  if (parent) names.push(parent);
  return new Set(names);
}

export function isCloudFormationTemplate(value: object): boolean {
  return 'Resources' in value || 'AWSTemplateFormatVersion' in value;
}

export function convertCfnTemplate(doc: SourceDocument, options: CfnOptions): CfnConversion {
  const origin = doc.origin;
  const problems: ApplyProblem[] = [];
  const notes: string[] = [];
  const resources: DesiredResource[] = [];
  const registry: RegistryEntry[] = [];
  const template = doc.value as Record<string, unknown>;
  const declared = template.Resources;
  if (declared === null || typeof declared !== 'object' || Array.isArray(declared)) {
    return {
      resources,
      notes,
      registry,
      problems: [{ origin, field: 'Resources', message: 'must be a map of resources' }],
    };
  }
  let conditions: CfnConditions;
  try {
    conditions = new CfnConditions(template.Conditions);
  } catch (error) {
    if (!(error instanceof CfnError)) throw error;
    return { resources, notes, registry, problems: [{ origin, field: error.path, message: error.message }] };
  }
  const templateResources = declared as Record<string, TemplateResource>;
  const resolver = new CfnTemplateResolver(
    {
      resources: templateResources,
      mappings: template.Mappings,
      conditions,
      parameters: resolveParameters(template.Parameters, options.parameters, origin, problems),
      declaredParameters: new Set(Object.keys((template.Parameters ?? {}) as object)),
    },
    options,
  );

  const report = (error: unknown, label: string) => {
    if (!(error instanceof CfnError)) throw error;
    // A bad name or parameter is reported once, not again by every resource that refers to it.
    if (!problems.some((p) => p.field === error.path && p.message === error.message)) {
      problems.push({ origin, resource: label, field: error.path, message: error.message });
    }
  };

  for (const [logicalId, resource] of Object.entries(templateResources)) {
    const type = String(resource?.Type);
    const kind = appMeshTypes[type];
    const label = `${type} ${logicalId}`;
    const path = `Resources.${logicalId}.Properties`;
    const props = resource?.Properties ?? {};
    try {
      if (resource?.Condition !== undefined) {
        const conditionPath = `Resources.${logicalId}.Condition`;
        if (typeof resource.Condition !== 'string')
          throw new CfnError(conditionPath, 'must be the name of a condition');
        if (!resolver.condition(resource.Condition, conditionPath)) {
          notes.push(
            `${origin.file}: skipped Resources.${logicalId} (${type}): its condition ${resource.Condition} is false`,
          );
          continue;
        }
      }
      if (isCloudMapType(type)) {
        const unknown = unknownCloudMapProperty(type, props);
        if (unknown) throw new CfnError(`${path}.${unknown}`, `is not a property of ${type}`);
        registry.push({ ...resolver.cloudMapNameOf(logicalId), origin, label });
        continue;
      }
      if (!kind) {
        notes.push(`${origin.file}: skipped Resources.${logicalId} (${type}): not an App Mesh resource`);
        continue;
      }
      const allowed = knownProperties(kind);
      const unknown = Object.keys(props).find((property) => !allowed.has(property));
      if (unknown) throw new CfnError(`${path}.${unknown}`, `is not a property of ${type}`);
      if (props.Spec === undefined && kind !== 'mesh') throw new CfnError(`${path}.Spec`, 'is required');
      const key = resolver.keyOf(logicalId);
      const spec = convertKeys(resolver.propertyValue(props, 'Spec', path) ?? {});
      const tags = convertKeys(resolver.propertyValue(props, 'Tags', path) ?? []);
      resources.push({
        key,
        spec: spec as Record<string, unknown>,
        tags: tags as TagRef[],
        origin,
        label,
        sourcePath: (apiPath) => `${path}.${camelPathToPascal(apiPath)}`,
      });
    } catch (error) {
      report(error, label);
    }
  }
  return { resources, notes, problems, registry };
}
