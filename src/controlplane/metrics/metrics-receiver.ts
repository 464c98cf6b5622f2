// The control plane's side of envoy.service.metrics.v3.MetricsService: one stream per proxy, whose first
// message names the node; Switchyard proxies send per-pair deltas, stock Envoys cumulative cluster stats.
import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { Logger } from 'pino';
import type { Node__Output } from '../../xds/protos/index.ts';
import { metricsServiceDefinition } from '../../xds/protos/metrics-service.ts';
import type {
  MetricFamily,
  PrometheusMetric,
  StreamMetricsMessage__Output,
} from '../../xds/protos/metrics-service.ts';
import {
  codeClasses,
  latencyBucketBoundsMs,
  meshDroppedFamily,
  meshDurationFamily,
  meshLabels,
  meshRequestsFamily,
} from '../../xds/protos/mesh-metric-families.ts';
import { parseProxyIdentity } from '../xds/proxy-identity.ts';
import type { MetricsWindow, SeriesLabels } from './metrics-window.ts';

/** Decides whether a metrics stream may report, from its call metadata and node (the xDS authentication hook). */
export type MetricsStreamAuthenticator = (
  peer: {
    readonly metadata: grpc.Metadata;
    readonly address: string;
    /** Present only over TLS, when the client certificate chains to the server's roots (grpc-js checks). */
    readonly certificate?: PeerCertificate;
  },
  node: Node__Output,
) => Promise<{ ok: true } | { ok: false; code: grpc.status; message: string }>;

/** Whether a metrics stream's caller proved anything at all, before its first message names a node. */
export type MetricsStreamAdmission = (peer: {
  readonly metadata: grpc.Metadata;
  readonly address: string;
  readonly certificate?: PeerCertificate;
}) => { ok: true } | { ok: false; code: grpc.status; message: string };

export interface MetricsReceiverOptions {
  readonly window: MetricsWindow;
  readonly logger: Logger;
  /** Absent: any client reaching the xDS port may report (as any may open an xDS stream without authentication). */
  readonly authenticate?: MetricsStreamAuthenticator;
  /** Checked as a stream opens, so a caller without credentials never holds one of the `maxStreams` slots. */
  readonly admit?: MetricsStreamAdmission;
  /** How long a stream may stay open without its first message (default 15 s). */
  readonly firstMessageTimeoutMs?: number;
  /** Streams accepted at once (default 10,000); more are refused with RESOURCE_EXHAUSTED. */
  readonly maxStreams?: number;
  /** Metrics read from one message at most (default 20,000); the rest of the message is ignored. */
  readonly maxMetricsPerMessage?: number;
}

const bucketCount = latencyBucketBoundsMs.length + 1;
const stockCounter = /^cluster\.(cds_egress_.+)\.upstream_rq_([1-5])xx$/;
const stockHistogram = /^cluster\.(cds_egress_.+)\.upstream_rq_time$/;

function labelOf(metric: PrometheusMetric, name: string): string {
  return metric.label?.find((l) => l.name === name)?.value ?? '';
}

/** Non-cumulative counts per our latency buckets from cumulative (upper bound, count) pairs of any bounds. */
export function rebucket(
  buckets: readonly { upper_bound: number; cumulative_count: number | string }[],
): number[] {
  const out = new Array<number>(bucketCount).fill(0);
  let previous = 0;
  for (const b of [...buckets].sort((x, y) => x.upper_bound - y.upper_bound)) {
    const cumulative = Number(b.cumulative_count);
    const count = cumulative - previous;
    previous = cumulative;
    if (count <= 0) continue;
    let i = latencyBucketBoundsMs.findIndex((bound) => bound >= b.upper_bound);
    if (i < 0) i = bucketCount - 1;
    out[i]! += count;
  }
  return out;
}

interface StreamState {
  readonly source: Pick<SeriesLabels, 'meshName' | 'sourceKind' | 'sourceName'>;
  /** Stock Envoy: the last cumulative value of each counter / histogram bucket, to report differences. */
  readonly lastCumulative: Map<string, number[]>;
}

export class MetricsReceiver {
  readonly #options: MetricsReceiverOptions;
  readonly #streams = new Set<grpc.ServerReadableStream<StreamMetricsMessage__Output, object>>();
  /** Streams whose node is known and allowed: the proxies reporting now. */
  readonly #accepted = new Set<grpc.ServerReadableStream<StreamMetricsMessage__Output, object>>();
  /** Messages and refused streams, for the control plane's own metrics. */
  messages = 0;
  refusedStreams = 0;

  constructor(options: MetricsReceiverOptions) {
    this.#options = options;
  }

  /** Proxies reporting now: streams whose first message named a node they may speak for. */
  get reporters(): number {
    return this.#accepted.size;
  }

  addTo(server: grpc.Server): void {
    server.addService(metricsServiceDefinition() as unknown as grpc.ServiceDefinition, {
      StreamMetrics: (
        call: grpc.ServerReadableStream<StreamMetricsMessage__Output, object>,
        callback: grpc.sendUnaryData<object>,
      ) => this.#serve(call, callback),
    });
  }

  #serve(
    call: grpc.ServerReadableStream<StreamMetricsMessage__Output, object>,
    callback: grpc.sendUnaryData<object>,
  ): void {
    let done = false;
    const deadline: { timer?: NodeJS.Timeout } = {};
    const finish = (error: { code: grpc.status; message: string } | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline.timer);
      this.#streams.delete(call);
      this.#accepted.delete(call);
      if (error) {
        this.refusedStreams++;
        callback({ code: error.code, details: error.message }, null);
        call.destroy();
      } else callback(null, {});
    };
    const certificate = call.getAuthContext().sslPeerCertificate;
    const peer = {
      metadata: call.metadata,
      address: call.getPeer(),
      ...(certificate === undefined ? {} : { certificate }),
    };
    const admission = this.#options.admit?.(peer);
    if (admission !== undefined && !admission.ok) {
      finish(admission);
      return;
    }
    if (this.#streams.size >= (this.#options.maxStreams ?? 10_000)) {
      finish({ code: grpc.status.RESOURCE_EXHAUSTED, message: 'too many metrics streams' });
      return;
    }
    this.#streams.add(call);
    deadline.timer = setTimeout(
      () => finish({ code: grpc.status.DEADLINE_EXCEEDED, message: 'no StreamMetricsMessage in time' }),
      this.#options.firstMessageTimeoutMs ?? 15_000,
    );
    deadline.timer.unref();
    let state: StreamState | undefined;
    let checking: Promise<void> | undefined;
    const pending: StreamMetricsMessage__Output[] = [];
    call.on('data', (message: StreamMetricsMessage__Output) => {
      if (done) return;
      this.messages++;
      if (state !== undefined) return this.#ingest(state, message);
      clearTimeout(deadline.timer);
      if (checking !== undefined) {
        // Held while the first message's node is checked; bounded, a proxy sends one per interval.
        if (pending.length < 8) pending.push(message);
        return;
      }
      const node = message.identifier?.node;
      if (!node) {
        finish({
          code: grpc.status.INVALID_ARGUMENT,
          message: 'the first StreamMetricsMessage must carry identifier.node',
        });
        return;
      }
      const identity = parseProxyIdentity(node);
      if ('error' in identity) {
        finish({ code: grpc.status.INVALID_ARGUMENT, message: identity.error });
        return;
      }
      const accept = (): void => {
        this.#accepted.add(call);
        state = {
          source: { meshName: identity.meshName, sourceKind: identity.kind, sourceName: identity.name },
          lastCumulative: new Map(),
        };
        this.#ingest(state, message);
        for (const m of pending.splice(0)) this.#ingest(state, m);
      };
      const authenticate = this.#options.authenticate;
      if (!authenticate) return accept();
      checking = authenticate(peer, node).then(
        (verdict) => {
          if (done) return;
          if (verdict.ok) accept();
          else finish(verdict);
        },
        () => finish({ code: grpc.status.UNAVAILABLE, message: 'cannot authenticate the metrics stream' }),
      );
    });
    call.on('end', () => finish(undefined));
    call.on('error', () => finish(undefined));
    call.on('close', () => finish(undefined));
  }

  #ingest(state: StreamState, message: StreamMetricsMessage__Output): void {
    let budget = this.#options.maxMetricsPerMessage ?? 20_000;
    for (const family of message.envoy_metrics ?? []) {
      for (const metric of family.metric ?? []) {
        if (budget-- <= 0) return;
        try {
          this.#ingestMetric(state, family, metric);
        } catch (error) {
          this.#options.logger.debug({ err: error, family: family.name }, 'unreadable metric skipped');
        }
      }
    }
  }

  #ingestMetric(state: StreamState, family: MetricFamily, metric: PrometheusMetric): void {
    const window = this.#options.window;
    const name = family.name;
    if (name === meshRequestsFamily && metric.counter) {
      const codeClass = codeClasses.indexOf(
        labelOf(metric, meshLabels.codeClass) as (typeof codeClasses)[number],
      );
      const value = metric.counter.value;
      if (codeClass < 0 || !Number.isFinite(value) || value <= 0) return;
      const codes = new Array<number>(codeClasses.length).fill(0);
      codes[codeClass] = value;
      window.add(this.#labels(state, metric), codes, []);
    } else if (name === meshDurationFamily && metric.histogram) {
      const h = metric.histogram;
      window.add(this.#labels(state, metric), [], rebucket(h.bucket ?? []), Number(h.sample_sum));
    } else if (name === meshDroppedFamily) {
      return;
    } else {
      this.#ingestStock(state, name, metric);
    }
  }

  #labels(state: StreamState, metric: PrometheusMetric): SeriesLabels {
    return {
      ...state.source,
      virtualHost: labelOf(metric, meshLabels.virtualHost),
      route: labelOf(metric, meshLabels.route),
      cluster: labelOf(metric, meshLabels.cluster),
    };
  }

  /**
   * A stock Envoy's cluster stats (cumulative since it started): the difference from the stream's previous
   * message is the interval's traffic. The first message of a stream only sets the baseline.
   */
  #ingestStock(state: StreamState, name: string, metric: PrometheusMetric): void {
    const counter = stockCounter.exec(name);
    const histogram = counter ? null : stockHistogram.exec(name);
    if (!counter && !histogram) return;
    const cluster = (counter ?? histogram)![1]!;
    const current = counter
      ? [Number(metric.counter?.value ?? 0)]
      : metric.histogram
        ? rebucket(metric.histogram.bucket ?? [])
        : undefined;
    if (current === undefined) return;
    const last = state.lastCumulative.get(name);
    if (last === undefined && state.lastCumulative.size >= 10_000) return;
    state.lastCumulative.set(name, current);
    if (last === undefined) return;
    // A counter that went down means Envoy restarted its stats: count from zero.
    const delta = current.map((v, i) => (v >= last[i]! ? v - last[i]! : v));
    const labels: SeriesLabels = { ...state.source, virtualHost: '', route: '', cluster };
    if (counter) {
      const codes = new Array<number>(codeClasses.length).fill(0);
      codes[Number(counter[2]) - 1] = delta[0]!;
      if (delta[0]! > 0) this.#options.window.add(labels, codes, []);
    } else if (delta.some((v) => v > 0)) {
      this.#options.window.add(labels, [], delta);
    }
  }

  close(): void {
    for (const call of [...this.#streams]) call.destroy();
    this.#streams.clear();
  }
}
