// Prometheus text exposition (version 0.0.4) of the mesh pairs and the control plane's own metrics.
import { codeClasses, latencyBucketBoundsMs } from '../../xds/protos/mesh-metric-families.ts';
import type { MeshState } from '../../xds/translate/mesh-state.ts';
import type { ControlPlaneStats, LabelledCounter } from './control-plane-stats.ts';
import { destinationOf } from './edge-destination.ts';
import { bucketsOf, emptyCounts, type Counts, type MetricsWindow } from './metrics-window.ts';

export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

export interface PrometheusSources {
  readonly window: MetricsWindow;
  readonly stats: ControlPlaneStats;
  readonly meshState: (meshName: string) => MeshState | undefined;
  readonly connectedProxies: () => number;
  readonly reportingProxies: () => number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(names: readonly string[], values: readonly string[]): string {
  return names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`).join(',');
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

const pairLabels = ['mesh', 'source', 'destination_service', 'route', 'target_node'] as const;

function header(out: string[], name: string, type: string, help: string): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

function counterLines(out: string[], name: string, help: string, counter: LabelledCounter): void {
  header(out, name, 'counter', help);
  for (const { labels, value } of counter.entries())
    out.push(`${name}{${labelText(counter.labelNames, labels)}} ${formatNumber(value)}`);
}

export function prometheusText(sources: PrometheusSources): string {
  const out: string[] = [];
  // The mesh pairs, totals since each series appeared, keyed by their App Mesh names.
  const pairs = new Map<string, { labels: string[]; counts: Counts; sumMs: number }>();
  for (const { labels, counts, sumMs } of sources.window.totals()) {
    const d = destinationOf(sources.meshState(labels.meshName), labels);
    const values = [
      labels.meshName,
      labels.sourceName,
      d.virtualServiceName ?? '',
      d.routeName ?? '',
      d.virtualNodeName ?? '',
    ];
    const key = values.join('\u0000');
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { labels: values, counts: emptyCounts(), sumMs: 0 }));
    for (let i = 0; i < counts.length; i++) pair.counts[i]! += counts[i]!;
    pair.sumMs += sumMs;
  }
  const requests = 'switchyard_mesh_requests_total';
  header(out, requests, 'counter', 'Requests between mesh pairs, as reported by the calling proxies.');
  for (const pair of pairs.values()) {
    codeClasses.forEach((codeClass, i) => {
      const value = pair.counts[i]!;
      if (value === 0) return;
      const text = labelText([...pairLabels, 'code_class'], [...pair.labels, codeClass]);
      out.push(`${requests}{${text}} ${formatNumber(value)}`);
    });
  }
  const duration = 'switchyard_mesh_request_duration_seconds';
  header(out, duration, 'histogram', 'Request duration between mesh pairs, seen by the calling proxies.');
  for (const pair of pairs.values()) {
    const buckets = bucketsOf(pair.counts);
    let cumulative = 0;
    const base = labelText(pairLabels, pair.labels);
    buckets.forEach((count, i) => {
      cumulative += count;
      const le = i < latencyBucketBoundsMs.length ? latencyBucketBoundsMs[i]! / 1000 : Infinity;
      out.push(`${duration}_bucket{${base},le="${formatNumber(le)}"} ${formatNumber(cumulative)}`);
    });
    out.push(`${duration}_sum{${base}} ${formatNumber(pair.sumMs / 1000)}`);
    out.push(`${duration}_count{${base}} ${formatNumber(cumulative)}`);
  }
  const stats = sources.stats;
  counterLines(
    out,
    'switchyard_api_requests_total',
    'API requests by operation and status.',
    stats.apiRequests,
  );
  counterLines(
    out,
    'switchyard_xds_pushes_total',
    'xDS responses sent to proxies, by type.',
    stats.xdsPushes,
  );
  counterLines(out, 'switchyard_xds_nacks_total', 'xDS responses proxies rejected, by type.', stats.xdsNacks);
  header(out, 'switchyard_xds_connected_proxies', 'gauge', 'xDS streams open now.');
  out.push(`switchyard_xds_connected_proxies ${sources.connectedProxies()}`);
  header(out, 'switchyard_metrics_reporting_proxies', 'gauge', 'MetricsService streams open now.');
  out.push(`switchyard_metrics_reporting_proxies ${sources.reportingProxies()}`);
  header(out, 'switchyard_metrics_series', 'gauge', 'Mesh pair series held in the rolling window.');
  out.push(`switchyard_metrics_series ${sources.window.seriesCount}`);
  header(
    out,
    'switchyard_metrics_dropped_requests_total',
    'counter',
    'Requests not kept: series table full.',
  );
  out.push(`switchyard_metrics_dropped_requests_total ${formatNumber(sources.window.droppedRequests)}`);
  return `${out.join('\n')}\n`;
}
