// Counters, gauges and histograms under Envoy's stat names, rendered as Envoy renders them for Prometheus.

/** Envoy's default histogram bucket bounds, in milliseconds. */
export const defaultBucketsMs = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
] as const;

export class Counter {
  readonly name: string;
  value = 0;
  constructor(name: string) {
    this.name = name;
  }
  inc(by = 1): void {
    this.value += by;
  }
}

export class Gauge {
  readonly name: string;
  value = 0;
  constructor(name: string) {
    this.name = name;
  }
  inc(): void {
    this.value++;
  }
  dec(): void {
    this.value--;
  }
  set(v: number): void {
    this.value = v;
  }
}

export class Histogram {
  readonly name: string;
  readonly counts = new Float64Array(defaultBucketsMs.length);
  sum = 0;
  count = 0;
  constructor(name: string) {
    this.name = name;
  }
  record(ms: number): void {
    this.sum += ms;
    this.count++;
    for (let i = 0; i < defaultBucketsMs.length; i++) {
      if (ms <= (defaultBucketsMs[i] as number)) {
        this.counts[i]!++;
        return;
      }
    }
  }
}

interface Tagged {
  readonly metric: string;
  readonly labels: string;
}

// Envoy's default tag extractors for the scopes the proxy emits, in Envoy's order.
const scopeTags: readonly (readonly [RegExp, string])[] = [
  [/^cluster\.([^.]+)\./, 'envoy_cluster_name'],
  [/^http\.([^.]+)\./, 'envoy_http_conn_manager_prefix'],
  // A listener's scope is its address, dots included (`listener.127.0.0.1_15000.`), as Envoy's extractor allows.
  [/^listener\.([\d._]+|\[[\da-fA-F:.]+\]_\d+)\./, 'envoy_listener_address'],
  [/^tcp\.([^.]+)\./, 'envoy_tcp_prefix'],
];

/** `cluster.foo.upstream_rq_503` → `envoy_cluster_upstream_rq{envoy_response_code="503",envoy_cluster_name="foo"}`. */
export function prometheusName(name: string): Tagged {
  let rest = name;
  const labels: string[] = [];
  const code = /_rq_(\d{3})$/.exec(rest);
  const codeClass = /_rq_(\d)xx$/.exec(rest);
  if (code) {
    labels.push(`envoy_response_code="${code[1]}"`);
    rest = rest.slice(0, -4);
  } else if (codeClass) {
    labels.push(`envoy_response_code_class="${codeClass[1]}"`);
    rest = `${rest.slice(0, -4)}_xx`;
  }
  for (const [re, label] of scopeTags) {
    const m = re.exec(rest);
    if (m) {
      labels.push(`${label}="${escapeLabel(m[1] ?? '')}"`);
      rest = rest.slice(0, m[0].length - (m[1] ?? '').length - 1) + rest.slice(m[0].length);
      break;
    }
  }
  return { metric: `envoy_${rest.replace(/[^a-zA-Z0-9_]/g, '_')}`, labels: labels.join(',') };
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function withLabels(labels: string, extra?: string): string {
  const all = extra === undefined ? labels : labels === '' ? extra : `${labels},${extra}`;
  return all === '' ? '' : `{${all}}`;
}

/**
 * One per proxy. Components create their stats once (at construction) and bump plain fields on the hot path;
 * asking for an existing name returns the same object, so recreated components keep their totals.
 */
export class StatsStore {
  readonly #counters = new Map<string, Counter>();
  readonly #gauges = new Map<string, Gauge>();
  readonly #histograms = new Map<string, Histogram>();

  counter(name: string): Counter {
    let c = this.#counters.get(name);
    if (!c) this.#counters.set(name, (c = new Counter(name)));
    return c;
  }

  gauge(name: string): Gauge {
    let g = this.#gauges.get(name);
    if (!g) this.#gauges.set(name, (g = new Gauge(name)));
    return g;
  }

  histogram(name: string): Histogram {
    let h = this.#histograms.get(name);
    if (!h) this.#histograms.set(name, (h = new Histogram(name)));
    return h;
  }

  /** Envoy's `/stats` text form: `name: value`, sorted. */
  renderText(): string {
    const lines: string[] = [];
    for (const c of this.#counters.values()) lines.push(`${c.name}: ${c.value}`);
    for (const g of this.#gauges.values()) lines.push(`${g.name}: ${g.value}`);
    for (const h of this.#histograms.values())
      lines.push(`${h.name}: P0(count=${h.count}) sum=${h.sum.toFixed(1)}`);
    return `${lines.sort().join('\n')}\n`;
  }

  /** Envoy's `/stats/prometheus` form. */
  renderPrometheus(): string {
    const groups = new Map<string, { type: string; lines: string[] }>();
    const add = (metric: string, type: string, line: string): void => {
      let g = groups.get(metric);
      if (!g) groups.set(metric, (g = { type, lines: [] }));
      g.lines.push(line);
    };
    for (const c of this.#counters.values()) {
      const t = prometheusName(c.name);
      add(t.metric, 'counter', `${t.metric}${withLabels(t.labels)} ${c.value}`);
    }
    for (const g of this.#gauges.values()) {
      const t = prometheusName(g.name);
      add(t.metric, 'gauge', `${t.metric}${withLabels(t.labels)} ${g.value}`);
    }
    for (const h of this.#histograms.values()) {
      const t = prometheusName(h.name);
      let cumulative = 0;
      defaultBucketsMs.forEach((le, i) => {
        cumulative += h.counts[i] ?? 0;
        add(t.metric, 'histogram', `${t.metric}_bucket${withLabels(t.labels, `le="${le}"`)} ${cumulative}`);
      });
      add(t.metric, 'histogram', `${t.metric}_bucket${withLabels(t.labels, 'le="+Inf"')} ${h.count}`);
      add(t.metric, 'histogram', `${t.metric}_sum${withLabels(t.labels)} ${h.sum}`);
      add(t.metric, 'histogram', `${t.metric}_count${withLabels(t.labels)} ${h.count}`);
    }
    const out: string[] = [];
    for (const [metric, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`# TYPE ${metric} ${g.type}`, ...g.lines);
    }
    return `${out.join('\n')}\n`;
  }
}
