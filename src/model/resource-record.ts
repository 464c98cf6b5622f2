// A stored App Mesh resource and its two wire forms: the `XxxData` envelope and the `XxxRef` list item.

import { kinds, type KindName } from './resource-kinds.ts';
import type { ResourceKey } from './resource-key.ts';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export type ResourceStatus = 'ACTIVE' | 'INACTIVE' | 'DELETED';

export interface ResourceRecord extends ResourceKey {
  readonly arn: string;
  readonly uid: string;
  /** App Mesh's metadata.version: 1 on create, +1 on each update. */
  readonly version: number;
  /** Epoch milliseconds. */
  readonly createdAtMs: number;
  readonly lastUpdatedAtMs: number;
  readonly meshOwner: string;
  readonly resourceOwner: string;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly tags: readonly Tag[];
}

/** A record as the store hands it back: with the global revision of its last write. */
export interface StoredRecord extends ResourceRecord {
  readonly revision: number;
}

function nameMembers(record: ResourceRecord): Record<string, string> {
  const descriptor = kinds[record.kind];
  const names: Record<string, string> = { meshName: record.meshName };
  if (descriptor.parentKind) names[kinds[descriptor.parentKind].nameMember] = record.parentName;
  names[descriptor.nameMember] = record.name;
  return names;
}

const epochSeconds = (ms: number): number => ms / 1000;

export function toData(record: ResourceRecord, status: ResourceStatus = 'ACTIVE'): Record<string, unknown> {
  return {
    ...nameMembers(record),
    metadata: {
      arn: record.arn,
      uid: record.uid,
      version: record.version,
      createdAt: epochSeconds(record.createdAtMs),
      lastUpdatedAt: epochSeconds(record.lastUpdatedAtMs),
      meshOwner: record.meshOwner,
      resourceOwner: record.resourceOwner,
    },
    spec: record.spec,
    status: { status },
  };
}

export function toRef(record: ResourceRecord): Record<string, unknown> {
  return {
    ...nameMembers(record),
    arn: record.arn,
    version: record.version,
    createdAt: epochSeconds(record.createdAtMs),
    lastUpdatedAt: epochSeconds(record.lastUpdatedAtMs),
    meshOwner: record.meshOwner,
    resourceOwner: record.resourceOwner,
  };
}

export function describeKey(kind: KindName, name: string): string {
  return `${kinds[kind].title} with name ${name}`;
}
