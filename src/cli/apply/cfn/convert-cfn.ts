// CloudFormation templates: each AWS::AppMesh::* resource becomes the App Mesh resource it would create, and each
// AWS::ServiceDiscovery namespace or service the registry entry it stands for. Conditions, Mappings, other
// stacks' exports (`--import`) and values of resources Switchyard does not manage (`--resource-attribute`) are
// evaluated as CloudFormation would.

import { arnOf, type AccountScope } from '../../../model/arn.ts';
import { kinds, type KindName } from '../../../model/resource-kinds.ts';
import { resourceKey, type ResourceKey } from '../../../model/resource-key.ts';
import type { TagRef } from '../../resource-api.ts';
import type { ApplyProblem } from '../apply-problem.ts';
import type { Conversion, DesiredResource } from '../desired-resource.ts';
import type { DocumentOrigin, SourceDocument } from '../source-document.ts';
import { CfnConditions } from './cfn-conditions.ts';
import { CfnError, noValue, resolveIntrinsics, type CfnResolver } from './cfn-intrinsics.ts';
import { findInMappings } from './cfn-mappings.ts';
import { resolveParameters } from './cfn-parameters.ts';
import {
  checkRegistryName,
  cloudMapAttribute,
  cloudMapRef,
  cloudMapServiceType,
  isCloudMapType,
  unknownCloudMapProperty,
  type CloudMapName,
} from './cloud-map-resources.ts';
import { camelPathToPascal, camelToPascal, convertKeys } from './pascal-case.ts';

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
  const parameters = resolveParameters(template.Parameters, options.parameters, origin, problems);
  const declaredParameters = new Set(Object.keys((template.Parameters ?? {}) as object));
  const keys = new Map<string, ResourceKey>();
  const cloudMapNames = new Map<string, CloudMapName>();
  const resolving = new Set<string>();
  const imports = options.imports ?? new Map<string, string>();
  const attributes = options.resourceAttributes ?? new Map<string, string>();

  const pseudo: Record<string, string> = {
    'AWS::Region': options.scope.region,
    'AWS::AccountId': options.scope.accountId,
    'AWS::Partition': options.scope.partition,
    'AWS::StackName': options.stackName ?? 'switchyard',
    'AWS::URLSuffix': options.scope.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
  };

  /** The resource `logicalId` names, once checked to exist and to be created under its condition. */
  const resourceOf = (logicalId: string, path: string): TemplateResource & { type: string } => {
    const resource = Object.hasOwn(templateResources, logicalId) ? templateResources[logicalId] : undefined;
    if (!resource)
      throw new CfnError(path, `${logicalId} is neither a parameter nor a resource of the template`);
    if (typeof resource.Condition === 'string' && !conditions.evaluate(resource.Condition, resolver, path)) {
      throw new CfnError(path, `${logicalId} is not created: its condition ${resource.Condition} is false`);
    }
    return { ...resource, type: String(resource.Type) };
  };

  /** A value of a resource Switchyard does not manage, from `--resource-attribute`. */
  const externalValue = (logicalId: string, type: string, attribute: string | undefined, path: string) => {
    const key = attribute === undefined ? logicalId : `${logicalId}.${attribute}`;
    const given = attributes.get(key);
    if (given !== undefined) return given;
    const what = attribute === undefined ? `Ref ${logicalId}` : `Fn::GetAtt ${key}`;
    throw new CfnError(
      path,
      `${logicalId} is a ${type}, which switchyard does not manage, so it cannot know ${what}; give it with --resource-attribute ${key}=VALUE`,
    );
  };

  const resolver: CfnResolver = {
    ref(name, path) {
      if (parameters.has(name)) return parameters.get(name);
      if (declaredParameters.has(name)) throw new CfnError(path, `parameter ${name} has no value`);
      if (name in pseudo) return pseudo[name];
      if (name.startsWith('AWS::')) throw new CfnError(path, `pseudo parameter ${name} is not supported`);
      const { type } = resourceOf(name, path);
      if (appMeshTypes[type]) return arnOf(options.scope, keyOf(name));
      if (isCloudMapType(type)) return cloudMapRef(cloudMapNameOf(name));
      return externalValue(name, type, undefined, path);
    },
    getAtt(logicalId, attribute, path) {
      const { type } = resourceOf(logicalId, path);
      const kind = appMeshTypes[type];
      if (kind) return appMeshAttribute(logicalId, kind, attribute, path);
      if (isCloudMapType(type)) {
        const value = cloudMapAttribute(type, cloudMapNameOf(logicalId), attribute, options.scope);
        return value ?? externalValue(logicalId, type, attribute, path);
      }
      return externalValue(logicalId, type, attribute, path);
    },
    condition: (name, path) => conditions.evaluate(name, resolver, path),
    findInMap: (mapName, topKey, secondKey, path) =>
      findInMappings(template.Mappings, mapName, topKey, secondKey, path),
    importValue(exportName, path) {
      const value = imports.get(exportName);
      if (value === undefined) {
        throw new CfnError(
          path,
          `Fn::ImportValue: no value for the export ${exportName} of another stack; give it with --import ${exportName}=VALUE`,
        );
      }
      return value;
    },
  };

  function appMeshAttribute(logicalId: string, kind: KindName, attribute: string, path: string): unknown {
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
  }

  /** A property's value with its intrinsics evaluated; undefined when absent or AWS::NoValue. */
  function propertyValue(props: Record<string, unknown>, property: string, path: string): unknown {
    if (props[property] === undefined) return undefined;
    const value = resolveIntrinsics(props[property], resolver, `${path}.${property}`);
    return value === noValue ? undefined : value;
  }

  function nameValue(
    props: Record<string, unknown>,
    property: string,
    path: string,
    fallback?: string,
  ): string {
    const value = propertyValue(props, property, path);
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      throw new CfnError(`${path}.${property}`, 'is required');
    }
    if (typeof value !== 'string') throw new CfnError(`${path}.${property}`, 'must be a string');
    return value;
  }

  /** Guards name evaluation against names that refer (through Ref/GetAtt) to themselves. */
  function once<T>(cache: Map<string, T>, logicalId: string, compute: () => T): T {
    const known = cache.get(logicalId);
    if (known) return known;
    if (resolving.has(logicalId)) {
      throw new CfnError(
        `Resources.${logicalId}.Properties`,
        `the names of ${logicalId} refer to themselves`,
      );
    }
    resolving.add(logicalId);
    try {
      const value = compute();
      cache.set(logicalId, value);
      return value;
    } finally {
      resolving.delete(logicalId);
    }
  }

  function keyOf(logicalId: string): ResourceKey {
    return once(keys, logicalId, () => {
      const path = `Resources.${logicalId}.Properties`;
      const kind = appMeshTypes[String(templateResources[logicalId]!.Type)]!;
      const props = templateResources[logicalId]!.Properties ?? {};
      // Names CloudFormation would generate are the logical id here, so that re-applying finds the same resource.
      const fallback = kind === 'virtualService' ? undefined : logicalId;
      const name = nameValue(props, nameProperty(kind), path, fallback);
      const meshName = kind === 'mesh' ? name : nameValue(props, 'MeshName', path);
      const parentProperty = parentNameProperty(kind);
      const parentName = parentProperty ? nameValue(props, parentProperty, path) : '';
      return resourceKey(kind, meshName, name, parentName);
    });
  }

  function cloudMapNameOf(logicalId: string): CloudMapName {
    return once(cloudMapNames, logicalId, () => {
      const path = `Resources.${logicalId}.Properties`;
      const resource = templateResources[logicalId]!;
      const props = resource.Properties ?? {};
      if (resource.Type !== cloudMapServiceType) {
        return { namespaceName: checkRegistryName(nameValue(props, 'Name', path), `${path}.Name`) };
      }
      // As CloudFormation: a service without a Name gets a generated one; here, its logical id.
      const serviceName = checkRegistryName(nameValue(props, 'Name', path, logicalId), `${path}.Name`);
      const dnsConfig = propertyValue(props, 'DnsConfig', path) as Record<string, unknown> | undefined;
      const namespaceId = propertyValue(props, 'NamespaceId', path) ?? dnsConfig?.NamespaceId;
      if (typeof namespaceId !== 'string') {
        throw new CfnError(
          `${path}.NamespaceId`,
          'is required: the registry keeps every service in a namespace (set NamespaceId or DnsConfig.NamespaceId)',
        );
      }
      return { namespaceName: checkRegistryName(namespaceId, `${path}.NamespaceId`), serviceName };
    });
  }

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
        if (!conditions.evaluate(resource.Condition, resolver, conditionPath)) {
          notes.push(
            `${origin.file}: skipped Resources.${logicalId} (${type}): its condition ${resource.Condition} is false`,
          );
          continue;
        }
      }
      if (isCloudMapType(type)) {
        const unknown = unknownCloudMapProperty(type, props);
        if (unknown) throw new CfnError(`${path}.${unknown}`, `is not a property of ${type}`);
        registry.push({ ...cloudMapNameOf(logicalId), origin, label });
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
      const key = keyOf(logicalId);
      const spec = convertKeys(propertyValue(props, 'Spec', path) ?? {});
      const tags = convertKeys(propertyValue(props, 'Tags', path) ?? []);
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
