// Answers a template's references for the CloudFormation converter: Ref and Fn::GetAtt of parameters, pseudo
// parameters and resources (App Mesh, Cloud Map, or unmanaged ones given with --resource-attribute), conditions,
// Mappings and other stacks' exports; and the names of its App Mesh and Cloud Map resources.

import { arnOf } from '../../../model/arn.ts';
import { kinds, type KindName } from '../../../model/resource-kinds.ts';
import { resourceKey, type ResourceKey } from '../../../model/resource-key.ts';
import type { CfnConditions } from './cfn-conditions.ts';
import { CfnError, noValue, resolveIntrinsics, type CfnResolver } from './cfn-intrinsics.ts';
import { findInMappings } from './cfn-mappings.ts';
import {
  checkRegistryName,
  cloudMapAttribute,
  cloudMapRef,
  cloudMapServiceType,
  isCloudMapType,
  type CloudMapName,
} from './cloud-map-resources.ts';
import type { CfnOptions } from './convert-cfn.ts';
import { camelToPascal } from './pascal-case.ts';

export interface TemplateResource {
  readonly Type?: unknown;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: unknown;
}

export const appMeshTypes: Readonly<Record<string, KindName>> = Object.fromEntries(
  Object.values(kinds)
    .filter((d) => d.appMesh)
    .map((d) => [`AWS::AppMesh::${d.title}`, d.kind]),
);

export const nameProperty = (kind: KindName): string => camelToPascal(kinds[kind].nameMember);
export const parentNameProperty = (kind: KindName): string | undefined => {
  const parentKind = kinds[kind].parentKind;
  return parentKind ? nameProperty(parentKind) : undefined;
};

/** The sections of one template that references are answered from. */
export interface TemplateSections {
  readonly resources: Readonly<Record<string, TemplateResource>>;
  readonly mappings: unknown;
  readonly conditions: CfnConditions;
  /** Values of the parameters that have one. */
  readonly parameters: ReadonlyMap<string, unknown>;
  /** Every declared parameter, with a value or not. */
  readonly declaredParameters: ReadonlySet<string>;
}

export class CfnTemplateResolver implements CfnResolver {
  private readonly sections: TemplateSections;
  private readonly options: CfnOptions;
  private readonly pseudo: Readonly<Record<string, string>>;
  private readonly keys = new Map<string, ResourceKey>();
  private readonly cloudMapNames = new Map<string, CloudMapName>();
  private readonly resolving = new Set<string>();

  constructor(sections: TemplateSections, options: CfnOptions) {
    this.sections = sections;
    this.options = options;
    const { scope } = options;
    this.pseudo = {
      'AWS::Region': scope.region,
      'AWS::AccountId': scope.accountId,
      'AWS::Partition': scope.partition,
      'AWS::StackName': options.stackName ?? 'switchyard',
      'AWS::URLSuffix': scope.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    };
  }

  ref(name: string, path: string): unknown {
    const { parameters, declaredParameters } = this.sections;
    if (parameters.has(name)) return parameters.get(name);
    if (declaredParameters.has(name)) throw new CfnError(path, `parameter ${name} has no value`);
    if (Object.hasOwn(this.pseudo, name)) return this.pseudo[name];
    if (name.startsWith('AWS::')) throw new CfnError(path, `pseudo parameter ${name} is not supported`);
    const type = this.typeOf(name, path);
    if (appMeshTypes[type]) return arnOf(this.options.scope, this.keyOf(name));
    if (isCloudMapType(type)) return cloudMapRef(this.cloudMapNameOf(name));
    return this.externalValue(name, type, undefined, path);
  }

  getAtt(logicalId: string, attribute: string, path: string): unknown {
    const type = this.typeOf(logicalId, path);
    const kind = appMeshTypes[type];
    if (kind) return this.appMeshAttribute(logicalId, kind, attribute, path);
    if (isCloudMapType(type)) {
      const name = this.cloudMapNameOf(logicalId);
      const value = cloudMapAttribute(type, name, attribute, this.options.scope);
      return value ?? this.externalValue(logicalId, type, attribute, path);
    }
    return this.externalValue(logicalId, type, attribute, path);
  }

  condition(name: string, path: string): boolean {
    return this.sections.conditions.evaluate(name, this, path);
  }

  findInMap(mapName: string, topKey: string, secondKey: string, path: string): unknown {
    return findInMappings(this.sections.mappings, mapName, topKey, secondKey, path);
  }

  importValue(exportName: string, path: string): unknown {
    const value = this.options.imports?.get(exportName);
    if (value === undefined) {
      throw new CfnError(
        path,
        `Fn::ImportValue: no value for the export ${exportName} of another stack; give it with --import ${exportName}=VALUE`,
      );
    }
    return value;
  }

  /** A property's value with its intrinsics evaluated; undefined when absent or AWS::NoValue. */
  propertyValue(props: Record<string, unknown>, property: string, path: string): unknown {
    if (props[property] === undefined) return undefined;
    const value = resolveIntrinsics(props[property], this, `${path}.${property}`);
    return value === noValue ? undefined : value;
  }

  /** The App Mesh key of an AWS::AppMesh::* resource of the template. */
  keyOf(logicalId: string): ResourceKey {
    return this.once(this.keys, logicalId, () => {
      const path = `Resources.${logicalId}.Properties`;
      const resource = this.sections.resources[logicalId]!;
      const kind = appMeshTypes[String(resource.Type)]!;
      const props = resource.Properties ?? {};
      // Names CloudFormation would generate are the logical id here, so that re-applying finds the same resource.
      const fallback = kind === 'virtualService' ? undefined : logicalId;
      const name = this.nameValue(props, nameProperty(kind), path, fallback);
      const meshName = kind === 'mesh' ? name : this.nameValue(props, 'MeshName', path);
      const parentProperty = parentNameProperty(kind);
      const parentName = parentProperty ? this.nameValue(props, parentProperty, path) : '';
      return resourceKey(kind, meshName, name, parentName);
    });
  }

  /** The registry namespace (and service) of an AWS::ServiceDiscovery::* resource of the template. */
  cloudMapNameOf(logicalId: string): CloudMapName {
    return this.once(this.cloudMapNames, logicalId, () => {
      const path = `Resources.${logicalId}.Properties`;
      const resource = this.sections.resources[logicalId]!;
      const props = resource.Properties ?? {};
      if (resource.Type !== cloudMapServiceType) {
        return { namespaceName: checkRegistryName(this.nameValue(props, 'Name', path), `${path}.Name`) };
      }
      // As CloudFormation: a service without a Name gets a generated one; here, its logical id.
      const serviceName = checkRegistryName(this.nameValue(props, 'Name', path, logicalId), `${path}.Name`);
      const dnsConfig = this.propertyValue(props, 'DnsConfig', path) as Record<string, unknown> | undefined;
      const namespaceId = this.propertyValue(props, 'NamespaceId', path) ?? dnsConfig?.NamespaceId;
      if (typeof namespaceId !== 'string') {
        throw new CfnError(
          `${path}.NamespaceId`,
          'is required: the registry keeps every service in a namespace (set NamespaceId or DnsConfig.NamespaceId)',
        );
      }
      return { namespaceName: checkRegistryName(namespaceId, `${path}.NamespaceId`), serviceName };
    });
  }

  /** The type of the resource `logicalId`, once checked to exist and to be created under its condition. */
  private typeOf(logicalId: string, path: string): string {
    const resources = this.sections.resources;
    const resource = Object.hasOwn(resources, logicalId) ? resources[logicalId] : undefined;
    if (!resource)
      throw new CfnError(path, `${logicalId} is neither a parameter nor a resource of the template`);
    if (typeof resource.Condition === 'string' && !this.condition(resource.Condition, path)) {
      throw new CfnError(path, `${logicalId} is not created: its condition ${resource.Condition} is false`);
    }
    return String(resource.Type);
  }

  private appMeshAttribute(logicalId: string, kind: KindName, attribute: string, path: string): unknown {
    const key = this.keyOf(logicalId);
    if (attribute === 'Arn') return arnOf(this.options.scope, key);
    if (attribute === 'MeshName') return key.meshName;
    if (attribute === 'MeshOwner' || attribute === 'ResourceOwner') return this.options.scope.accountId;
    if (attribute === nameProperty(kind)) return key.name;
    if (attribute === parentNameProperty(kind)) return key.parentName;
    throw new CfnError(
      path,
      `Fn::GetAtt ${logicalId}.${attribute} is not supported (use Arn or a name attribute)`,
    );
  }

  /** A value of a resource Switchyard does not manage, from `--resource-attribute`. */
  private externalValue(logicalId: string, type: string, attribute: string | undefined, path: string) {
    const key = attribute === undefined ? logicalId : `${logicalId}.${attribute}`;
    const given = this.options.resourceAttributes?.get(key);
    if (given !== undefined) return given;
    const what = attribute === undefined ? `Ref ${logicalId}` : `Fn::GetAtt ${key}`;
    throw new CfnError(
      path,
      `${logicalId} is a ${type}, which switchyard does not manage, so it cannot know ${what}; give it with --resource-attribute ${key}=VALUE`,
    );
  }

  private nameValue(
    props: Record<string, unknown>,
    property: string,
    path: string,
    fallback?: string,
  ): string {
    const value = this.propertyValue(props, property, path);
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      throw new CfnError(`${path}.${property}`, 'is required');
    }
    if (typeof value !== 'string') throw new CfnError(`${path}.${property}`, 'must be a string');
    return value;
  }

  /** Computes a resource's names once, refusing names that refer (through Ref/GetAtt) to themselves. */
  private once<T>(cache: Map<string, T>, logicalId: string, compute: () => T): T {
    const known = cache.get(logicalId);
    if (known) return known;
    if (this.resolving.has(logicalId)) {
      throw new CfnError(
        `Resources.${logicalId}.Properties`,
        `the names of ${logicalId} refer to themselves`,
      );
    }
    this.resolving.add(logicalId);
    try {
      const value = compute();
      cache.set(logicalId, value);
      return value;
    } finally {
      this.resolving.delete(logicalId);
    }
  }
}
