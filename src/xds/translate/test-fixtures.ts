// Builders for translation unit tests: records of one mesh from bare specs (only tests import this).
import { resourceKey } from '../../model/resource-key.ts';
import type { KindName } from '../../model/resource-kinds.ts';
import type { ResourceRecord } from '../../model/resource-record.ts';
import { unpackAny, type AnyLike, type KnownTypeUrl, type OutputMessages } from '../protos/index.ts';
import { buildMeshState, type MeshState } from './mesh-state.ts';

export const testMesh = 'm';

export function record(kind: KindName, name: string, spec: object, parentName = ''): ResourceRecord {
  return {
    ...resourceKey(kind, testMesh, name, parentName),
    arn: `arn:aws:appmesh:us-east-1:111122223333:mesh/${testMesh}/${kind}/${name}`,
    uid: name,
    version: 1,
    createdAtMs: 0,
    lastUpdatedAtMs: 0,
    meshOwner: '111122223333',
    resourceOwner: '111122223333',
    spec: spec as Record<string, unknown>,
    tags: [],
  };
}

export function meshState(meshSpec: object, ...records: ResourceRecord[]): MeshState {
  return buildMeshState([record('mesh', testMesh, meshSpec), ...records]);
}

export const httpNode = (name: string, port = 8080, extra: object = {}) =>
  record('virtualNode', name, {
    listeners: [{ portMapping: { port, protocol: 'http' }, ...extra }],
    serviceDiscovery: { dns: { hostname: `${name}.local` } },
  });

export const clientNode = (name: string, backends: string[]) =>
  record('virtualNode', name, {
    backends: backends.map((virtualServiceName) => ({ virtualService: { virtualServiceName } })),
  });

export const routerService = (name: string, router: string) =>
  record('virtualService', name, { provider: { virtualRouter: { virtualRouterName: router } } });

export const router = (name: string, ...listeners: [number, string][]) =>
  record('virtualRouter', name, {
    listeners: listeners.map(([port, protocol]) => ({ portMapping: { port, protocol } })),
  });

export const route = (routerName: string, name: string, spec: object) =>
  record('route', name, spec, routerName);

/** Decodes an Any field of a translated resource (always packed by packTyped, so never the '@type' form). */
export function decodeAny<U extends KnownTypeUrl>(any: unknown, typeUrl: U): OutputMessages[U] {
  return unpackAny(any as AnyLike, typeUrl);
}
