// The console's pure parts, without a browser: measured pairs laid onto the graph's links, and the layered layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutGraph } from '../../ui/src/graph-layout.ts';
import { figuresPerLink, formatMs, formatSuccess, type MetricsEdge } from '../../ui/src/link-figures.ts';
import { lastNackOf, syncStateOf, type XdsClient } from '../../ui/src/sync-state.ts';

const toColor = (
  node: string,
  requests: number,
  successRate: number | null,
  p99: number | null,
): MetricsEdge => ({
  source: { kind: 'virtualNode', name: 'front' },
  destination: {
    virtualServiceName: 'color.local',
    virtualRouterName: 'color-router',
    routeName: 'color-route',
    virtualNodeName: node,
  },
  requests,
  requestsPerSecond: requests / 10,
  successRate,
  errors: successRate === null ? 0 : Math.round(requests * (1 - successRate)),
  latencyMs: { p50: null, p90: null, p99 },
});

test('each pair adds to every link on its path; shared links sum, weigh success by requests, keep the worst p99', () => {
  const figures = figuresPerLink([
    toColor('red', 100, 0.9, 20),
    toColor('blue', 300, 1, 5),
    {
      source: { kind: 'virtualGateway', name: 'gw' },
      destination: { virtualServiceName: 'front.local', virtualNodeName: 'front' },
      requests: 400,
      requestsPerSecond: 40,
      successRate: 1,
      errors: 0,
      latencyMs: { p50: 1, p90: 2, p99: 3 },
    },
  ]);
  assert.deepEqual(figures.get('virtualNode:front>virtualService:color.local'), {
    requests: 400,
    requestsPerSecond: 40,
    errors: 10,
    successRate: 0.975,
    p99Ms: 20,
  });
  assert.deepEqual(figures.get('virtualService:color.local>virtualRouter:color-router')?.requests, 400);
  assert.deepEqual(figures.get('virtualRouter:color-router>virtualNode:red'), {
    requests: 100,
    requestsPerSecond: 10,
    errors: 10,
    successRate: 0.9,
    p99Ms: 20,
  });
  assert.equal(figures.get('virtualRouter:color-router>virtualNode:blue')?.p99Ms, 5);
  // A gateway straight to a node-provided service: gateway → service → node.
  assert.equal(figures.get('virtualGateway:gw>virtualService:front.local')?.requestsPerSecond, 40);
  assert.equal(figures.get('virtualService:front.local>virtualNode:front')?.requestsPerSecond, 40);
  assert.equal(figures.size, 6);
});

test('pairs without requests or with unknown destinations stay honest', () => {
  const idle = figuresPerLink([toColor('green', 0, null, null)]);
  assert.deepEqual(idle.get('virtualRouter:color-router>virtualNode:green'), {
    requests: 0,
    requestsPerSecond: 0,
    errors: 0,
    successRate: null,
    p99Ms: null,
  });
  // TCP passthrough: no destination named, so no link to lay it on.
  const unknown = figuresPerLink([{ ...toColor('x', 5, 1, 1), destination: {} }]);
  assert.equal(unknown.size, 0);
  assert.equal(formatSuccess(null), '–');
  assert.equal(formatSuccess(0.975), '97.5%');
  assert.equal(formatSuccess(1), '100%');
  assert.equal(formatMs(8.54), '8.5 ms');
});

test('the layout puts every box one column right of its senders, and a cycle still ends', () => {
  const ids = [
    'virtualGateway:gw',
    'virtualService:front',
    'virtualNode:front',
    'virtualService:color',
    'virtualRouter:r',
    'virtualNode:red',
    'virtualNode:blue',
  ];
  const links = [
    ['virtualGateway:gw', 'virtualService:front'],
    ['virtualService:front', 'virtualNode:front'],
    ['virtualNode:front', 'virtualService:color'],
    ['virtualService:color', 'virtualRouter:r'],
    ['virtualRouter:r', 'virtualNode:red'],
    ['virtualRouter:r', 'virtualNode:blue'],
  ].map(([from, to]) => ({ from: from!, to: to! }));
  const layout = layoutGraph(ids, links);
  const column = (id: string) => layout.nodes.get(id)!.x;
  for (const { from, to } of links) assert.ok(column(to) > column(from), `${from} left of ${to}`);
  assert.equal(column('virtualNode:red'), column('virtualNode:blue'));
  assert.notEqual(layout.nodes.get('virtualNode:red')!.y, layout.nodes.get('virtualNode:blue')!.y);
  assert.ok(layout.width >= column('virtualNode:red') && layout.height > 0);

  const cyclic = layoutGraph(
    ['virtualNode:a', 'virtualService:b'],
    [
      { from: 'virtualNode:a', to: 'virtualService:b' },
      { from: 'virtualService:b', to: 'virtualNode:a' },
    ],
  );
  assert.equal(cyclic.nodes.size, 2);
});

test("a proxy's sync state and last NACK, as switchyard proxy-status words them", () => {
  const client = (types: XdsClient['types']): XdsClient => ({
    streamId: 1,
    nodeId: 'mesh/m/virtualNode/n',
    protocol: 'delta',
    userAgentName: 'envoy',
    userAgentVersion: '1',
    peer: '127.0.0.1:1',
    connectedAt: '2026-12-06T13:00:00.000Z',
    types,
  });
  const listener = 'type.googleapis.com/envoy.config.listener.v3.Listener';
  const cluster = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
  const synced = client([{ typeUrl: listener, lastSentVersion: '3', lastAckedVersion: '3' }]);
  assert.equal(syncStateOf(synced), 'SYNCED');
  assert.equal(lastNackOf(synced), undefined);
  assert.equal(
    syncStateOf(client([{ typeUrl: listener, lastSentVersion: '4', lastAckedVersion: '3' }])),
    'STALE',
  );
  const nacked = client([
    {
      typeUrl: cluster,
      lastSentVersion: '4',
      lastAckedVersion: '3',
      lastNack: { version: '4', at: '2026-12-06T13:00:01.000Z', message: 'old' },
    },
    {
      typeUrl: listener,
      lastSentVersion: '5',
      lastAckedVersion: '3',
      lastNack: { version: '5', at: '2026-12-06T13:00:02.000Z', message: 'duplicate listener name' },
    },
  ]);
  assert.equal(syncStateOf(nacked), 'NACKED');
  assert.equal(lastNackOf(nacked), 'Listener: duplicate listener name');
});
