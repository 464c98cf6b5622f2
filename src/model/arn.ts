// App Mesh ARNs: `arn:aws:appmesh:<region>:<account>:mesh/<mesh>[/<kind>/<name>[/<kind>/<name>]]`.

import { kinds, type KindName } from './resource-kinds.ts';
import { resourceKey, resourcePath, type ResourceKey } from './resource-key.ts';

export interface AccountScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function arnOf(scope: AccountScope, key: ResourceKey): string {
  return `arn:${scope.partition}:appmesh:${scope.region}:${scope.accountId}:${resourcePath(key)}`;
}

export interface ParsedArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly key: ResourceKey;
}

// Only App Mesh's kinds have ARNs that App Mesh's API (tags, references) accepts.
const childKinds = new Map<string, KindName>(
  Object.values(kinds)
    .filter((d) => d.appMesh && d.kind !== 'mesh' && !d.parentKind)
    .map((d) => [d.arnSegment, d.kind]),
);
const grandchildKinds = new Map<string, KindName>(
  Object.values(kinds)
    .filter((d) => d.parentKind)
    .map((d) => [`${kinds[d.parentKind!].arnSegment}/${d.arnSegment}`, d.kind]),
);

/** Parses a resource path (`mesh/m/virtualNode/n`, the App Mesh node-id form) into a key. */
export function parseResourcePath(path: string): ResourceKey | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'mesh' || parts.some((part) => part === '')) return undefined;
  const [, meshName, segment, name, childSegment, childName] = parts;
  if (meshName === undefined) return undefined;
  if (parts.length === 2) return resourceKey('mesh', meshName, meshName);
  if (parts.length === 4 && segment !== undefined && name !== undefined) {
    const kind = childKinds.get(segment);
    return kind ? resourceKey(kind, meshName, name) : undefined;
  }
  if (parts.length === 6 && segment !== undefined && name !== undefined && childName !== undefined) {
    const kind = grandchildKinds.get(`${segment}/${childSegment}`);
    return kind ? resourceKey(kind, meshName, childName, name) : undefined;
  }
  return undefined;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const match = /^arn:([a-z-]+):appmesh:([a-z0-9-]*):(\d{12}):(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, region, accountId, path] = match as unknown as [string, string, string, string, string];
  const key = parseResourcePath(path);
  return key ? { partition, region, accountId, key } : undefined;
}
