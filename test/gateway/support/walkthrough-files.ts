// The walkthrough examples on disk (examples/walkthroughs/<name>/): the mesh in the examples' `mesh.json`
// shape, the same mesh as `switchyard apply` CLI input, and the walkthrough's later steps as CLI input.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inferCliInputKind } from '../../../src/cli/apply/cli-input/convert-cli-input.ts';
import { isKindName } from '../../../src/model/resource-kinds.ts';
import type { MeshRequest } from '../../support/mesh-api-client.ts';

export const walkthroughsDir = path.resolve(import.meta.dirname, '../../../examples/walkthroughs');

/** One `aws appmesh create-… --cli-input-json` document. */
export type CliInput = Record<string, unknown> & { readonly meshName: string };

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function walkthroughFile(name: string, file: string): string {
  return path.join(walkthroughsDir, name, file);
}

export function meshRequests(name: string): MeshRequest[] {
  return readJson<MeshRequest[]>(walkthroughFile(name, 'mesh.json'));
}

export function cliInput(name: string, file = 'cli-input.json'): CliInput[] {
  return readJson<CliInput[]>(walkthroughFile(name, file));
}

/** The step files of a walkthrough, in order (`steps/1-….json`, `steps/2-….json`, …). */
export function stepFiles(name: string): string[] {
  try {
    return readdirSync(walkthroughFile(name, 'steps'))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => `steps/${f}`);
  } catch {
    return [];
  }
}

export function kindOf(doc: CliInput): string {
  const kind = inferCliInputKind(doc);
  if (!isKindName(kind))
    throw new Error(`cannot tell the kind of ${JSON.stringify(doc).slice(0, 100)}: ${kind}`);
  return kind;
}

/** A `mesh.json` request as the CLI input document that creates the same resource. */
export function toCliInput(meshName: string, request: MeshRequest): CliInput {
  if (request.kind === 'mesh') return request.body as CliInput;
  const parents: Record<string, string> = {};
  if (request.virtualRouterName) parents.virtualRouterName = request.virtualRouterName;
  if (request.virtualGatewayName) parents.virtualGatewayName = request.virtualGatewayName;
  return { meshName, ...parents, ...request.body };
}

/** The listener ports a walkthrough binds on one machine: its virtual nodes' (apps) and virtual gateways'. */
export function boundPorts(docs: readonly CliInput[]): number[] {
  const ports = new Set<number>();
  for (const doc of docs) {
    const kind = kindOf(doc);
    if (kind !== 'virtualNode' && kind !== 'virtualGateway') continue;
    const listeners = (doc.spec as { listeners?: { portMapping: { port: number } }[] }).listeners ?? [];
    for (const l of listeners) ports.add(l.portMapping.port);
  }
  return [...ports];
}

/** A deep copy of `value` with every `port` member found in `map` replaced by its mapped value. */
export function remapPorts<T>(value: T, map: ReadonlyMap<number, number>): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((item) => walk(item));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner, k)]));
    }
    if (key === 'port' && typeof v === 'number') return map.get(v) ?? v;
    return v;
  };
  return walk(value) as T;
}
