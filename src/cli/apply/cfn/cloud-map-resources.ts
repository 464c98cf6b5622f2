// AWS::ServiceDiscovery namespaces and services of a template, mapped onto Switchyard's instance registry.
// The registry knows namespaces and services by name only, so a Cloud Map id here *is* the name: `!Ref
// Namespace` (an id in AWS) and `NamespaceId: !Ref Namespace` both give the namespace's name, which is what a
// virtual node's `awsCloudMap.namespaceName` must hold.

import type { AccountScope } from '../../../model/arn.ts';
import { CfnError } from './cfn-intrinsics.ts';

export const cloudMapNamespaceTypes = [
  'AWS::ServiceDiscovery::PrivateDnsNamespace',
  'AWS::ServiceDiscovery::PublicDnsNamespace',
  'AWS::ServiceDiscovery::HttpNamespace',
] as const;
export const cloudMapServiceType = 'AWS::ServiceDiscovery::Service';

/** CloudFormation's properties of each type (CloudFormation refuses any other, and so does apply). */
const knownProperties: Readonly<Record<string, readonly string[]>> = {
  'AWS::ServiceDiscovery::PrivateDnsNamespace': ['Name', 'Vpc', 'Description', 'Properties', 'Tags'],
  'AWS::ServiceDiscovery::PublicDnsNamespace': ['Name', 'Description', 'Properties', 'Tags'],
  'AWS::ServiceDiscovery::HttpNamespace': ['Name', 'Description', 'Tags'],
  [cloudMapServiceType]: [
    'Name',
    'NamespaceId',
    'Description',
    'DnsConfig',
    'HealthCheckConfig',
    'HealthCheckCustomConfig',
    'Type',
    'Tags',
    'ServiceAttributes',
  ],
};

export function isCloudMapType(type: string): boolean {
  return Object.hasOwn(knownProperties, type);
}

export function unknownCloudMapProperty(type: string, props: object): string | undefined {
  const allowed = knownProperties[type] ?? [];
  return Object.keys(props).find((property) => !allowed.includes(property));
}

/** A namespace, or a service in its namespace, that the registry should hold. */
export interface CloudMapName {
  readonly namespaceName: string;
  readonly serviceName?: string;
}

// The registry's rule for names: printable ASCII without spaces or '/' (they are URL path segments).
const registryName = /^[\x21-\x2e\x30-\x7e]{1,1024}$/;

export function checkRegistryName(name: string, path: string): string {
  if (!registryName.test(name)) {
    throw new CfnError(
      path,
      `${JSON.stringify(name)} cannot be a registry name (1–1024 printable ASCII characters, no spaces or '/')`,
    );
  }
  return name;
}

/** Ref of a Cloud Map resource: its id, which is its name here. */
export function cloudMapRef(name: CloudMapName): string {
  return name.serviceName ?? name.namespaceName;
}

/** Fn::GetAtt of a Cloud Map resource; undefined for an attribute the registry cannot know (HostedZoneId). */
export function cloudMapAttribute(
  type: string,
  name: CloudMapName,
  attribute: string,
  scope: AccountScope,
): string | undefined {
  const arn = (resource: string) =>
    `arn:${scope.partition}:servicediscovery:${scope.region}:${scope.accountId}:${resource}`;
  if (type === cloudMapServiceType) {
    if (attribute === 'Id' || attribute === 'Name') return name.serviceName;
    if (attribute === 'Arn') return arn(`service/${name.serviceName}`);
    return undefined;
  }
  if (attribute === 'Id') return name.namespaceName;
  if (attribute === 'Arn') return arn(`namespace/${name.namespaceName}`);
  return undefined;
}
