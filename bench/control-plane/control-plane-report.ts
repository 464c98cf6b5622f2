// The control-plane part of the Markdown report: one table for the API and translation, one for propagation.

import { cell, markdownTable } from '../harness/markdown-table.ts';
import type { ScenarioResult } from '../harness/scenario.ts';
import { meshScenarioPrefix } from './control-plane-scenarios.ts';

export function controlPlaneReport(results: readonly ScenarioResult[]): string[] {
  const meshes = results.filter((r) => r.id.startsWith(meshScenarioPrefix) && r.status === 'ok');
  if (meshes.length === 0) return [];
  const lines: string[] = ['## Control plane: API and translation', ''];
  lines.push(
    ...markdownTable(
      [
        'virtual nodes',
        'create ops/s',
        'create p99 ms',
        'register ops/s',
        'describe ops/s',
        'describe p99 ms',
        'list ops/s (100/page)',
        'translate all nodes ms',
        'per node ms',
        'encode all ms',
        'RSS idle / mesh MB',
      ],
      meshes.map((r) => {
        const v = (name: string): number | undefined => r.metrics[name]?.value;
        return [
          cell(Number(r.parameters.virtualNodes), 0),
          cell(v('api.create.opsPerSec'), 0),
          cell(v('api.create.p99Ms')),
          cell(v('api.register.opsPerSec'), 0),
          cell(v('api.describe.opsPerSec'), 0),
          cell(v('api.describe.p99Ms')),
          cell(v('api.list.opsPerSec'), 0),
          cell(v('translate.allNodesMs')),
          cell(v('translate.perNodeMs'), 3),
          cell(v('translate.encodeAllNodesMs')),
          `${cell(v('memory.idleRssMb'), 0)} / ${cell(v('memory.meshRssMb'), 0)}`,
        ];
      }),
    ),
  );
  const rows: string[][] = [];
  for (const r of meshes) {
    for (const clients of (r.parameters.clientCounts as number[] | undefined) ?? []) {
      const v = (name: string): number | undefined => r.metrics[`propagation.${clients}.${name}`]?.value;
      if (v('samples') === undefined) continue;
      rows.push([
        cell(Number(r.parameters.virtualNodes), 0),
        cell(clients, 0),
        cell(v('connected'), 0),
        cell(v('initialConfigP99Ms'), 0),
        cell(v('p50Ms'), 0),
        cell(v('p99Ms'), 0),
        cell(v('maxMs'), 0),
        cell(v('missing'), 0),
        cell(v('serverTranslateMs'), 0),
        cell(v('rssPerProxyMb'), 3),
      ]);
    }
  }
  if (rows.length > 0) {
    lines.push('', '## Control plane: route weight change → every affected proxy ACKed', '');
    lines.push(
      ...markdownTable(
        [
          'virtual nodes',
          'proxies',
          'configured',
          'initial config p99 ms',
          'change→ACK p50 ms',
          'p99 ms',
          'max ms',
          'missing ACKs',
          'server translate ms',
          'RSS per proxy MB',
        ],
        rows,
      ),
    );
  }
  return lines;
}
