// One finished span as this proxy keeps it: plain fields filled on the request path, shaped as OpenTelemetry's
// ReadableSpan only when the exporter serializes it (the SDK's own Span costs more per request; see
// docs/observability.md).
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Attributes, HrTime, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

/** What every span of one proxy shares: its resource (service.name, …) and instrumentation scope. */
export interface SpanOrigin {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

const noLinks: Link[] = [];
const noEvents: TimedEvent[] = [];
const ok: SpanStatus = { code: SpanStatusCode.UNSET };

/** Epoch milliseconds (fractional) → OpenTelemetry's [seconds, nanoseconds]. */
function hrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

export class SpanRecord implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  /** The parent came from another process (a propagated header), not from this proxy. */
  readonly parentIsRemote: boolean;
  readonly traceStateText: string;
  readonly startEpochMs: number;
  endEpochMs = 0;
  readonly attributes: Attributes;
  status: SpanStatus = ok;
  readonly #origin: SpanOrigin;

  constructor(
    origin: SpanOrigin,
    name: string,
    kind: SpanKind,
    ids: {
      traceId: string;
      spanId: string;
      parentSpanId: string;
      parentIsRemote: boolean;
      traceState: string;
    },
    startEpochMs: number,
    attributes: Attributes,
  ) {
    this.#origin = origin;
    this.name = name;
    this.kind = kind;
    this.traceId = ids.traceId;
    this.spanId = ids.spanId;
    this.parentSpanId = ids.parentSpanId;
    this.parentIsRemote = ids.parentIsRemote;
    this.traceStateText = ids.traceState;
    this.startEpochMs = startEpochMs;
    this.attributes = attributes;
  }

  fail(message: string): void {
    this.status = { code: SpanStatusCode.ERROR, message };
  }

  // The ReadableSpan view, read by the OTLP serializer off the request path.
  spanContext(): SpanContext {
    return {
      traceId: this.traceId,
      spanId: this.spanId,
      traceFlags: 1,
      ...(this.traceStateText === '' ? {} : { traceState: new TraceState(this.traceStateText) }),
    };
  }
  get parentSpanContext(): SpanContext | undefined {
    if (this.parentSpanId === '') return undefined;
    return { traceId: this.traceId, spanId: this.parentSpanId, traceFlags: 1, isRemote: this.parentIsRemote };
  }
  get startTime(): HrTime {
    return hrTime(this.startEpochMs);
  }
  get endTime(): HrTime {
    return hrTime(this.endEpochMs);
  }
  get duration(): HrTime {
    const ms = Math.max(0, this.endEpochMs - this.startEpochMs);
    return [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  }
  get ended(): boolean {
    return this.endEpochMs > 0;
  }
  get resource(): Resource {
    return this.#origin.resource;
  }
  get instrumentationScope(): InstrumentationScope {
    return this.#origin.scope;
  }
  get links(): Link[] {
    return noLinks;
  }
  get events(): TimedEvent[] {
    return noEvents;
  }
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
}

export { SpanKind };
