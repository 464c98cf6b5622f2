// A layered layout for the service graph: senders on the left, each resource one column right of whatever
// sends to it (longest path), so a request reads left to right through gateway, service, router and node.

import type { GraphLink, GraphNodeId } from './graph-ids.ts';

export interface PlacedNode {
  readonly id: GraphNodeId;
  readonly kind: string;
  readonly name: string;
  readonly x: number;
  readonly y: number;
}

export interface Layout {
  readonly nodes: ReadonlyMap<GraphNodeId, PlacedNode>;
  readonly width: number;
  readonly height: number;
}

export const boxWidth = 160;
export const boxHeight = 44;
const columnGap = 150;
const rowGap = 46;
const margin = 24;

const kindOrder: Readonly<Record<string, number>> = {
  virtualGateway: 0,
  virtualService: 1,
  virtualRouter: 2,
  virtualNode: 3,
};

export function layoutGraph(ids: readonly GraphNodeId[], links: readonly GraphLink[]): Layout {
  const layer = new Map(ids.map((id) => [id, 0]));
  // Longest-path layering; at most |ids| rounds, so a cycle (a node calling a service it also serves) ends.
  for (let round = 0; round < ids.length; round++) {
    let moved = false;
    for (const { from, to } of links) {
      const next = (layer.get(from) ?? 0) + 1;
      if (layer.has(to) && next > layer.get(to)! && next <= ids.length) {
        layer.set(to, next);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const columns = new Map<number, GraphNodeId[]>();
  for (const id of ids) {
    const column = layer.get(id) ?? 0;
    columns.set(column, [...(columns.get(column) ?? []), id]);
  }
  const nodes = new Map<GraphNodeId, PlacedNode>();
  const columnNumbers = [...columns.keys()].sort((a, b) => a - b);
  const tallest = Math.max(0, ...[...columns.values()].map((members) => members.length));
  const height = margin * 2 + tallest * (boxHeight + rowGap) - rowGap;
  columnNumbers.forEach((column, index) => {
    // Shorter columns sit in the middle, so a chain of single resources runs straight through the graph.
    const top = margin + ((tallest - columns.get(column)!.length) * (boxHeight + rowGap)) / 2;
    const members = columns.get(column)!.sort((a, b) => {
      const [kindA = '', nameA = ''] = splitId(a);
      const [kindB = '', nameB = ''] = splitId(b);
      return (kindOrder[kindA] ?? 9) - (kindOrder[kindB] ?? 9) || nameA.localeCompare(nameB);
    });
    members.forEach((id, row) => {
      const [kind = '', name = ''] = splitId(id);
      const placed = {
        id,
        kind,
        name,
        x: margin + index * (boxWidth + columnGap),
        y: top + row * (boxHeight + rowGap),
      };
      nodes.set(id, placed);
    });
  });
  return { nodes, width: margin * 2 + columnNumbers.length * (boxWidth + columnGap) - columnGap, height };
}

function splitId(id: GraphNodeId): [string, string] {
  const at = id.indexOf(':');
  return [id.slice(0, at), id.slice(at + 1)];
}
