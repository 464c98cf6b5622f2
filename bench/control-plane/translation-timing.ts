// Times pure translation in-process: every virtual node of a synthetic mesh through translateSidecar, then
// the protobuf encoding of everything it produced.

import type { ResourceRecord } from '../../src/model/resource-record.ts';
import { kinds } from '../../src/model/resource-kinds.ts';
import { resourceKey, resourcePath } from '../../src/model/resource-key.ts';
import { createResource, typeUrls } from '../../src/xds/protos/index.ts';
import {
  buildMeshState,
  translateSidecar,
  type EndpointsByNode,
  type EnvoyResources,
} from '../../src/xds/translate/index.ts';
import type { SyntheticMesh } from './synthetic-mesh.ts';

export interface TranslationTiming {
  readonly buildStateMs: number;
  /** Median over the measured rounds of translating every node once. */
  readonly translateAllMs: number;
  readonly encodeAllMs: number;
  readonly resourcesPerNode: number;
  readonly rounds: number;
}

/** The records the API would have stored for `mesh` (metadata is irrelevant to translation). */
export function meshRecords(mesh: SyntheticMesh): ResourceRecord[] {
  return mesh.requests.map((request, i) => {
    const name = String(request.body[kinds[request.kind].nameMember]);
    const parentName = request.kind === 'route' ? /virtualRouter\/([^/]+)\//.exec(request.path)![1]! : '';
    const key = resourceKey(request.kind, mesh.meshName, name, parentName);
    return {
      ...key,
      arn: `arn:aws:appmesh:us-east-1:000000000000:${resourcePath(key)}`,
      uid: `uid-${i}`,
      version: 1,
      createdAtMs: 0,
      lastUpdatedAtMs: 0,
      meshOwner: '000000000000',
      resourceOwner: '000000000000',
      spec: request.body.spec as Record<string, unknown>,
      tags: [],
    };
  });
}

/** One registered instance per node, as the benchmark registers them through the API. */
export function instanceAddress(nodeIndex: number): string {
  return `10.${(nodeIndex >> 16) & 255}.${(nodeIndex >> 8) & 255}.${nodeIndex & 255}`;
}

function endpointsOf(mesh: SyntheticMesh): EndpointsByNode {
  return new Map(
    mesh.nodeNames.map((name, i) => [
      name,
      [{ address: instanceAddress(i), port: mesh.listenerPort, healthy: true }],
    ]),
  );
}

function encodeAll(output: EnvoyResources): number {
  const all = [
    ...output.clusters.map((m) => createResource(typeUrls.cluster, m)),
    ...output.clusterLoadAssignments.map((m) => createResource(typeUrls.clusterLoadAssignment, m)),
    ...output.listeners.map((m) => createResource(typeUrls.listener, m)),
    ...output.routeConfigurations.map((m) => createResource(typeUrls.routeConfiguration, m)),
  ];
  return all.length;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** One warm-up round, then `rounds` measured ones. */
export function timeTranslation(mesh: SyntheticMesh, rounds = 3): TranslationTiming {
  const records = meshRecords(mesh);
  let started = performance.now();
  const state = buildMeshState(records);
  const buildStateMs = performance.now() - started;
  const endpoints = endpointsOf(mesh);
  const translateAll = (): EnvoyResources[] =>
    mesh.nodeNames.map((n) => translateSidecar(state, n, endpoints));
  let outputs = translateAll();
  const translateMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    started = performance.now();
    outputs = translateAll();
    translateMs.push(performance.now() - started);
  }
  encodeAll(outputs[0]!); // loads the protobuf types outside the measurement
  started = performance.now();
  let resources = 0;
  for (const output of outputs) resources += encodeAll(output);
  const encodeAllMs = performance.now() - started;
  return {
    buildStateMs,
    translateAllMs: median(translateMs),
    encodeAllMs,
    resourcesPerNode: resources / mesh.nodeNames.length,
    rounds,
  };
}
