// The live service graph of one mesh: its resources as boxes in layers, the configured links between them as
// edges labelled with requests/s, success rate and p99 from the golden metrics, refreshed every few seconds.

import { useState } from 'preact/hooks';
import { fetchEdges } from './edge-metrics.ts';
import { graphNodeId, linkKey } from './graph-ids.ts';
import { boxHeight, boxWidth, layoutGraph, type PlacedNode } from './graph-layout.ts';
import { figuresPerLink, formatMs, formatRate, formatSuccess, type LinkFigures } from './link-figures.ts';
import { loadMesh, meshLinks, type MeshModel, type ResourceKind } from './mesh-model.ts';
import { SplitControl } from './split-control.tsx';
import { usePolling } from './use-polling.ts';
import { ErrorLine, resourceHref } from './page-parts.tsx';

export const refreshMs = 3000;

const kindLabels: Readonly<Record<string, string>> = {
  virtualGateway: 'gateway',
  virtualService: 'service',
  virtualRouter: 'router',
  virtualNode: 'node',
};

function graphIds(model: MeshModel): string[] {
  return [
    ...[...model.gateways.keys()].map((name) => graphNodeId('virtualGateway', name)),
    ...[...model.services.keys()].map((name) => graphNodeId('virtualService', name)),
    ...[...model.routers.keys()].map((name) => graphNodeId('virtualRouter', name)),
    ...[...model.nodes.keys()].map((name) => graphNodeId('virtualNode', name)),
  ];
}

/** A router's configured share for each target node, summed over its routes, for the router → node label. */
function configuredShares(model: MeshModel): Map<string, number> {
  const shares = new Map<string, number>();
  for (const route of model.routes) {
    const total = route.targets.reduce((sum, target) => sum + target.weight, 0);
    for (const target of route.targets) {
      const key = linkKey(
        graphNodeId('virtualRouter', route.routerName),
        graphNodeId('virtualNode', target.virtualNode),
      );
      shares.set(key, (shares.get(key) ?? 0) + (total > 0 ? target.weight / total : 0));
    }
  }
  return shares;
}

function Box({ node, meshName }: { node: PlacedNode; meshName: string }) {
  return (
    <a href={resourceHref(meshName, node.kind as ResourceKind, node.name)}>
      <g class={`box box-${node.kind}`} data-node={node.id} transform={`translate(${node.x},${node.y})`}>
        <rect width={boxWidth} height={boxHeight} rx={6} />
        <text x={10} y={17} class="box-kind">
          {kindLabels[node.kind] ?? node.kind}
        </text>
        <text x={10} y={34} class="box-name">
          {node.name.length > 24 ? `${node.name.slice(0, 23)}…` : node.name}
        </text>
        <title>{`${node.kind} ${node.name}`}</title>
      </g>
    </a>
  );
}

function Edge(props: {
  from: PlacedNode;
  to: PlacedNode;
  figures: LinkFigures | undefined;
  share: number | undefined;
}) {
  const { from, to, figures, share } = props;
  const x1 = from.x + boxWidth;
  const y1 = from.y + boxHeight / 2;
  const x2 = to.x;
  const y2 = to.y + boxHeight / 2;
  const bend = Math.max(40, Math.abs(x2 - x1) / 2);
  const d = `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
  const rps = figures?.requestsPerSecond ?? 0;
  const live = figures !== undefined && figures.requests > 0;
  const failing = live && figures.successRate !== null && figures.successRate < 0.95;
  const width = live ? Math.min(8, 1.5 + Math.log2(1 + rps) * 1.5) : 1;
  // Labels sit just before the arrowhead, where the curve runs level: fanned-out edges end at different heights.
  const labelX = x2 - 14;
  const labelY = y2 - 8;
  return (
    <g
      class={`edge${live ? ' edge-live' : ''}${failing ? ' edge-failing' : ''}`}
      data-edge={`${from.id}>${to.id}`}
      data-rps={rps.toFixed(3)}
      data-requests={figures?.requests ?? 0}
      data-success-rate={figures?.successRate ?? ''}
      data-p99-ms={figures?.p99Ms ?? ''}
    >
      <path d={d} stroke-width={width} marker-end="url(#arrow)" />
      {live ? (
        <text x={labelX} y={labelY - 13} text-anchor="end" class="edge-label">
          <tspan x={labelX}>{`${formatRate(rps)} rps · ${formatSuccess(figures.successRate)}`}</tspan>
          <tspan x={labelX} dy={13}>{`p99 ${formatMs(figures.p99Ms)}`}</tspan>
        </text>
      ) : null}
      {share !== undefined ? (
        <text x={labelX} y={y2 + 16} text-anchor="end" class="edge-weight">
          {`weight ${(share * 100).toFixed(0)}%`}
        </text>
      ) : null}
    </g>
  );
}

export function GraphPage({ meshName }: { meshName: string }) {
  const [windowSeconds, setWindowSeconds] = useState(10);
  const model = usePolling(() => loadMesh(meshName), refreshMs, [meshName]);
  const metrics = usePolling(() => fetchEdges(meshName, windowSeconds), refreshMs, [meshName, windowSeconds]);
  if (!model.value) {
    return (
      <main>
        <h2>Mesh {meshName}</h2>
        {model.error ? <ErrorLine error={model.error} /> : <p class="muted">loading…</p>}
      </main>
    );
  }
  const mesh = model.value;
  const links = meshLinks(mesh);
  const layout = layoutGraph(graphIds(mesh), links);
  const figures = figuresPerLink(metrics.value?.edges ?? []);
  const shares = configuredShares(mesh);
  return (
    <main>
      <h2>
        Mesh {meshName} <span class="muted">live graph</span>
      </h2>
      <div class="toolbar">
        <label>
          window{' '}
          <select
            value={windowSeconds}
            onChange={(event) => setWindowSeconds(Number((event.currentTarget as HTMLSelectElement).value))}
          >
            {[10, 30, 60, 300, 900, 3600].map((seconds) => (
              <option value={seconds} key={seconds}>
                {seconds < 60 ? `${seconds} s` : `${seconds / 60} min`}
              </option>
            ))}
          </select>
        </label>
        <span class="muted" data-testid="metrics-generated-at">
          {metrics.value ? `metrics at ${new Date(metrics.value.generatedAt).toLocaleTimeString()}` : ''}
        </span>
        {metrics.error && <ErrorLine error={metrics.error} prefix="metrics unavailable" />}
        {model.error && <ErrorLine error={model.error} prefix="mesh not refreshed" />}
      </div>
      <svg
        class="graph"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="img"
        aria-label={`service graph of mesh ${meshName}`}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX={9}
            refY={5}
            markerUnits="userSpaceOnUse"
            markerWidth={9}
            markerHeight={9}
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" />
          </marker>
        </defs>
        {links.map((link) => {
          const from = layout.nodes.get(link.from);
          const to = layout.nodes.get(link.to);
          if (!from || !to) return null;
          const key = linkKey(link.from, link.to);
          return <Edge key={key} from={from} to={to} figures={figures.get(key)} share={shares.get(key)} />;
        })}
        {[...layout.nodes.values()].map((node) => (
          <Box key={node.id} node={node} meshName={meshName} />
        ))}
      </svg>
      <div class="splits">
        {mesh.routes
          .filter((route) => route.targets.length > 1)
          .map((route) => (
            <SplitControl
              key={`${route.routerName}/${route.name}`}
              meshName={meshName}
              route={route}
              onSaved={model.refresh}
            />
          ))}
      </div>
    </main>
  );
}
