// Sends finished spans to an OTLP/HTTP collector (protobuf, POST /v1/traces) in batches from a bounded queue:
// a full queue drops and counts, a failed export backs off, and nothing here ever waits on the request path.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Clock, TimerHandle } from '../clock.ts';
import type { StatsStore } from '../stats/stats-store.ts';
import type { SpanRecord } from './span-record.ts';

export interface OtlpExporterOptions {
  /** The full URL spans are POSTed to (`…/v1/traces`). */
  readonly endpoint: string;
  /** Spans held at most; more are dropped (OTEL_BSP_MAX_QUEUE_SIZE, default 2048). */
  readonly maxQueueSpans: number;
  /** Spans per request at most (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, default 512). */
  readonly maxBatchSpans: number;
  /** How long a span may wait for a batch to fill (OTEL_BSP_SCHEDULE_DELAY, default 5000). */
  readonly scheduleDelayMs: number;
  /** One export's deadline (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, default 10000). */
  readonly exportTimeoutMs: number;
}

export const defaultExporterOptions = {
  maxQueueSpans: 2048,
  maxBatchSpans: 512,
  scheduleDelayMs: 5000,
  exportTimeoutMs: 10_000,
} as const;

/** A collector that fails is retried after 1 s, doubling up to 30 s, so a dead one costs almost nothing. */
const firstBackOffMs = 1000;
const maxBackOffMs = 30_000;

export class OtlpSpanExporter {
  readonly #options: OtlpExporterOptions;
  readonly #clock: Clock;
  #queue: SpanRecord[] = [];
  #timer: TimerHandle | undefined;
  #inFlight: Promise<void> | undefined;
  #backOffMs = 0;
  #closed = false;
  readonly #sent;
  readonly #dropped;
  readonly #failed;
  readonly #exports;

  constructor(options: OtlpExporterOptions, clock: Clock, stats: StatsStore) {
    this.#options = options;
    this.#clock = clock;
    // Envoy's OpenTelemetry tracer counts spans_sent; the rest say what a bounded exporter gave up.
    this.#sent = stats.counter('tracing.opentelemetry.spans_sent');
    this.#dropped = stats.counter('tracing.opentelemetry.spans_dropped');
    this.#failed = stats.counter('tracing.opentelemetry.export_failures');
    this.#exports = stats.counter('tracing.opentelemetry.http_exports');
  }

  /** Queues a finished span; O(1), never blocks, drops (and counts) when the queue is full or closed. */
  add(span: SpanRecord): void {
    if (this.#closed || this.#queue.length >= this.#options.maxQueueSpans) {
      this.#dropped.inc();
      return;
    }
    this.#queue.push(span);
    if (this.#inFlight !== undefined) return;
    if (this.#queue.length >= this.#options.maxBatchSpans && this.#backOffMs === 0) this.#schedule(0);
    else if (this.#timer === undefined)
      this.#schedule(Math.max(this.#backOffMs, this.#options.scheduleDelayMs));
  }

  get queuedSpans(): number {
    return this.#queue.length;
  }

  #schedule(ms: number): void {
    this.#timer?.cancel();
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = undefined;
      this.#startExport();
    }, ms);
  }

  #startExport(): void {
    if (this.#inFlight !== undefined || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#options.maxBatchSpans);
    this.#inFlight = this.#send(batch).finally(() => {
      this.#inFlight = undefined;
      if (this.#queue.length === 0 || this.#closed) return;
      const full = this.#queue.length >= this.#options.maxBatchSpans;
      this.#schedule(this.#backOffMs > 0 ? this.#backOffMs : full ? 0 : this.#options.scheduleDelayMs);
    });
  }

  async #send(batch: SpanRecord[]): Promise<void> {
    this.#exports.inc();
    try {
      const body = ProtobufTraceSerializer.serializeRequest(batch);
      if (body === undefined) throw new Error('the OTLP serializer produced nothing');
      const response = await fetch(this.#options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body,
        signal: AbortSignal.timeout(this.#options.exportTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`collector answered ${response.status}`);
      this.#sent.inc(batch.length);
      this.#backOffMs = 0;
    } catch {
      // The batch is dropped rather than requeued: the queue stays bounded and fresh spans keep their place.
      this.#failed.inc();
      this.#dropped.inc(batch.length);
      this.#backOffMs = Math.min(maxBackOffMs, this.#backOffMs === 0 ? firstBackOffMs : this.#backOffMs * 2);
    }
  }

  /** Sends what is queued (one attempt per batch, back-off ignored) until done or `timeoutMs`; then drops the rest. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    const deadline = performance.now() + timeoutMs;
    const drain = async (): Promise<void> => {
      if (this.#inFlight) await this.#inFlight;
      while (this.#queue.length > 0 && performance.now() < deadline) {
        this.#backOffMs = 0;
        this.#startExport();
        await this.#inFlight;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drain(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.#dropped.inc(this.#queue.length);
    this.#queue = [];
  }
}
