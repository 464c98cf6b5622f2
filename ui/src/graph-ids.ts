// Names of the graph's boxes and links, shared by the mesh reader, the layout and the metrics aggregation.

/** A box of the graph: `virtualNode:front`, `virtualService:color.demo.local`, … */
export type GraphNodeId = string;

export const graphNodeId = (kind: string, name: string): GraphNodeId => `${kind}:${name}`;

export interface GraphLink {
  readonly from: GraphNodeId;
  readonly to: GraphNodeId;
}

export const linkKey = (from: GraphNodeId, to: GraphNodeId): string => `${from}>${to}`;
