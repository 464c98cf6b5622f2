// A walkthrough's resources (CLI input documents, later documents replacing earlier ones of the same resource)
// as the MeshState the translation takes, each spec checked by the model's validation, with one healthy
// endpoint per virtual node on its first listener port.
import { resourceKey, resourcePath } from '../../../src/model/resource-key.ts';
import { kinds, type KindName } from '../../../src/model/resource-kinds.ts';
import type { ResourceRecord } from '../../../src/model/resource-record.ts';
import { validate } from '../../../src/model/shape.ts';
import { specShapes } from '../../../src/model/specs/index.ts';
import {
  buildMeshState,
  type EndpointsByNode,
  type MeshState,
  type ResolvedEndpoint,
} from '../../../src/xds/translate/index.ts';
import { kindOf, type CliInput } from './walkthrough-files.ts';

function recordOf(doc: CliInput, index: number): ResourceRecord {
  const kind = kindOf(doc) as KindName;
  const descriptor = kinds[kind];
  const name = String(doc[descriptor.nameMember]);
  const parent = descriptor.parentKind ? String(doc[kinds[descriptor.parentKind].nameMember]) : '';
  const key = resourceKey(kind, doc.meshName, name, parent);
  const spec = (doc.spec ?? {}) as Record<string, unknown>;
  const violations = validate(specShapes[kind], spec, 'spec');
  if (violations.length > 0) throw new Error(`${resourcePath(key)}: ${JSON.stringify(violations)}`);
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

export interface WalkthroughState {
  readonly state: MeshState;
  readonly endpoints: EndpointsByNode;
  readonly gatewayNames: readonly string[];
}

export function walkthroughState(docs: readonly CliInput[]): WalkthroughState {
  const byPath = new Map<string, ResourceRecord>();
  docs.forEach((doc, i) => {
    const record = recordOf(doc, i);
    byPath.set(resourcePath(record), record);
  });
  const state = buildMeshState(byPath.values());
  const nodes = [...state.virtualNodes.keys()].sort();
  const endpoints = new Map(
    nodes.map((name, i): [string, ResolvedEndpoint[]] => {
      const spec = state.virtualNodes.get(name)!.spec as { listeners?: { portMapping: { port: number } }[] };
      const port = spec.listeners?.[0]?.portMapping.port ?? 8080;
      return [name, [{ address: `10.0.${i + 1}.1`, port, healthy: true, zone: 'us-east-1a' }]];
    }),
  );
  return { state, endpoints, gatewayNames: [...state.virtualGateways.keys()].sort() };
}
