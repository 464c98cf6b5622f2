// The data-plane part of the Markdown report: one table per scenario with every configuration side by side, the
// ratios against direct and HAProxy, and what each path is; a skipped or failed scenario says why.

import { cell, markdownTable } from '../harness/markdown-table.ts';
import type { ScenarioResult } from '../harness/scenario.ts';
import { grpcScenarioId, http1ScenarioId, tracingScenarioId } from './data-plane-scenarios.ts';
import { grpcMetricPrefix } from './grpc-scenario.ts';

const labels: Record<string, string> = {
  direct: 'direct (no proxy)',
  oneHop: 'Switchyard, one hop',
  meshPath: 'Switchyard, mesh path (2 sidecars)',
  haproxy: 'HAProxy, one hop',
  nodeProxy: 'plain Node.js proxy, one hop (reference)',
  nodePipe: 'Node.js TCP pipe, no HTTP (reference)',
  tracingOff: 'Switchyard, one hop, tracing off',
  tracing1pct: 'Switchyard, one hop, tracing 1% (default sampler)',
  tracing100pct: 'Switchyard, one hop, tracing 100%',
};

/** Latencies keep microseconds below 10 ms and drop them above. */
const ms = (value: number | undefined): string =>
  cell(value, value !== undefined && Math.abs(value) < 10 ? 3 : undefined);

function configurationTable(result: ScenarioResult, prefix: string): string[] {
  const names = (result.parameters.configurations as string[] | undefined) ?? [];
  const v = (name: string, metric: string): number | undefined =>
    result.metrics[`${prefix}${name}.${metric}`]?.value;
  const times = (value: number | undefined): string => (value === undefined ? '—' : `${cell(value)}×`);
  const hasHaproxy = names.includes('haproxy');
  const header = [
    'configuration',
    'p50 / p90 / p99 ms',
    'added p50 / p90 / p99 ms',
    'saturated req/s',
    'vs direct',
    ...(hasHaproxy ? ['added p50 vs HAProxy', 'req/s vs HAProxy'] : []),
    'CPU-s per 1k req (saturated)',
    'vCPU at rate (per proxy)',
    'peak RSS MB at rate / overall',
  ];
  const rows = names.map((name) => {
    const proxies = v(name, 'proxies');
    return [
      labels[name] ?? name,
      `${ms(v(name, 'p50Ms'))} / ${ms(v(name, 'p90Ms'))} / ${ms(v(name, 'p99Ms'))}`,
      name === 'direct'
        ? '—'
        : `${ms(v(name, 'addedP50Ms'))} / ${ms(v(name, 'addedP90Ms'))} / ${ms(v(name, 'addedP99Ms'))}`,
      cell(v(name, 'saturatedRps'), 0),
      name === 'direct' ? '—' : times(v(name, 'saturatedVsDirect')),
      ...(hasHaproxy
        ? name === 'direct' || name === 'haproxy'
          ? ['—', '—']
          : [times(v(name, 'addedP50MsVsHaproxy')), times(v(name, 'saturatedRpsVsHaproxy'))]
        : []),
      proxies === undefined ? '—' : cell(v(name, 'cpuSecPer1kReq'), 3),
      proxies === undefined
        ? '—'
        : `${cell(v(name, 'vcpuAtRate'), 3)}${proxies > 1 ? ` (max ${cell(v(name, 'vcpuPerProxyAtRate'), 3)})` : ''}`,
      proxies === undefined
        ? '—'
        : `${cell(v(name, 'peakRssMbAtRate'), 0)} / ${cell(v(name, 'peakRssMb'), 0)}`,
    ];
  });
  return markdownTable(header, rows);
}

function describe(result: ScenarioResult): string[] {
  const p = result.parameters;
  const lines = [
    `${Number(p.rateRps).toLocaleString('en-US')} req/s open loop for ${String(p.rounds)} × ${String(p.rateSecondsPerRun)} s per configuration (latency from each request's scheduled start); saturation ${String(p.rounds)} × ${String(p.saturationSecondsPerRun)} s, median of the rounds; rounds alternate between the configurations. CPU: ${String(p.cpus)}.`,
  ];
  if (p.oneHop)
    lines.push(`One hop: ${String(p.oneHop)}.${p.meshPath ? ` Mesh path: ${String(p.meshPath)}.` : ''}`);
  else if (p.meshPath) lines.push(`Mesh path: ${String(p.meshPath)}.`);
  if (p.nodeProxy) lines.push(`Plain Node.js proxy: ${String(p.nodeProxy)}.`);
  if (p.nodePipe) lines.push(`Node.js TCP pipe: ${String(p.nodePipe)}.`);
  return lines;
}

const titles: Record<string, { title: string; prefix: string }> = {
  [http1ScenarioId]: { title: '## Data plane: HTTP/1.1 keep-alive, 1 KiB answers', prefix: '' },
  [grpcScenarioId]: { title: '## Data plane: gRPC unary, 1 KiB answers', prefix: grpcMetricPrefix },
  [tracingScenarioId]: {
    title: '## Data plane: tracing off / 1% / 100% on one hop, 1 KiB answers',
    prefix: '',
  },
};

export function dataPlaneReport(results: readonly ScenarioResult[]): string[] {
  const lines: string[] = [];
  for (const result of results.filter((r) => r.plane === 'data')) {
    const section = titles[result.id];
    if (lines.length > 0) lines.push('');
    lines.push(section?.title ?? `## ${result.title}`, '');
    if (result.status !== 'ok' || section === undefined) {
      lines.push(`${result.status}${result.note ? `: ${result.note}` : ''}`);
      continue;
    }
    lines.push(...configurationTable(result, section.prefix), '', ...describe(result));
    if (result.note) lines.push('', `Note: ${result.note}`);
  }
  return lines;
}
