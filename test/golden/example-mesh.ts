// Loads an example mesh (examples/<name>/mesh.json, a list of App Mesh create requests) as a MeshState, after
// checking every spec with the model's validation, plus deterministic endpoints for each node.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isKindName, kinds, type KindName } from '../../src/model/resource-kinds.ts';
import { resourceKey } from '../../src/model/resource-key.ts';
import { resourcePath } from '../../src/model/resource-key.ts';
import type { ResourceRecord } from '../../src/model/resource-record.ts';
import { validate } from '../../src/model/shape.ts';
import { specShapes } from '../../src/model/specs/index.ts';
import {
  buildMeshState,
  type EndpointsByNode,
  type MeshState,
  type ResolvedEndpoint,
} from '../../src/xds/translate/index.ts';

export const examplesDir = path.resolve(import.meta.dirname, '../../examples');

interface ApiRequest {
  readonly kind: string;
  readonly body: Record<string, unknown>;
  readonly virtualRouterName?: string;
  readonly virtualGatewayName?: string;
}

export interface Example {
  readonly name: string;
  readonly state: MeshState;
  readonly endpoints: EndpointsByNode;
  readonly nodeNames: readonly string[];
  readonly serviceNames: readonly string[];
  readonly gatewayNames: readonly string[];
}

export function exampleNames(): string[] {
  return readdirSync(examplesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(examplesDir, entry.name, 'mesh.json')))
    .map((entry) => entry.name)
    .sort();
}

function recordOf(meshName: string, request: ApiRequest, index: number): ResourceRecord {
  if (!isKindName(request.kind)) throw new Error(`request ${index}: unknown kind ${request.kind}`);
  const kind: KindName = request.kind;
  const name = request.body[kinds[kind].nameMember];
  if (typeof name !== 'string') throw new Error(`request ${index}: body lacks ${kinds[kind].nameMember}`);
  const parentName = request.virtualRouterName ?? request.virtualGatewayName ?? '';
  const key = resourceKey(kind, kind === 'mesh' ? name : meshName, name, parentName);
  const spec = (request.body.spec ?? {}) as Record<string, unknown>;
  const violations = validate(specShapes[kind], spec, 'spec');
  if (violations.length > 0) {
    throw new Error(`request ${index} (${resourcePath(key)}): ${JSON.stringify(violations)}`);
  }
  return {
    ...key,
    arn: `arn:aws:appmesh:us-east-1:111122223333:${resourcePath(key)}`,
    uid: `uid-${index}`,
    version: 1,
    createdAtMs: 1_700_000_000_000,
    lastUpdatedAtMs: 1_700_000_000_000,
    meshOwner: '111122223333',
    resourceOwner: '111122223333',
    spec,
    tags: [],
  };
}

/**
 * Two endpoints per node in two zones, the second unhealthy and weighted 2, in the node's 10.<i>.0.0/16 (i =
 * position of the node by name), on the node's first listener port.
 */
function syntheticEndpoints(state: MeshState): EndpointsByNode {
  const names = [...state.virtualNodes.keys()].sort();
  return new Map(
    names.map((name, i): [string, ResolvedEndpoint[]] => {
      const spec = state.virtualNodes.get(name)!.spec as { listeners?: { portMapping: { port: number } }[] };
      const port = spec.listeners?.[0]?.portMapping.port ?? 8080;
      return [
        name,
        [
          { address: `10.${i + 1}.0.11`, port, healthy: true, zone: 'us-east-1a' },
          { address: `10.${i + 1}.0.12`, port, healthy: false, zone: 'us-east-1b', weight: 2 },
        ],
      ];
    }),
  );
}

export function loadExample(name: string): Example {
  const requests = JSON.parse(
    readFileSync(path.join(examplesDir, name, 'mesh.json'), 'utf8'),
  ) as ApiRequest[];
  const meshName = requests.find((r) => r.kind === 'mesh')?.body.meshName;
  if (typeof meshName !== 'string') throw new Error(`example ${name}: no mesh request`);
  const state = buildMeshState(requests.map((request, index) => recordOf(meshName, request, index)));
  return {
    name,
    state,
    endpoints: syntheticEndpoints(state),
    nodeNames: [...state.virtualNodes.keys()].sort(),
    serviceNames: [...state.virtualServices.keys()].sort(),
    gatewayNames: [...state.virtualGateways.keys()].sort(),
  };
}
