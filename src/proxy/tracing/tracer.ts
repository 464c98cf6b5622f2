// The proxy's tracer: one per proxy, asked by each listener's requests for a hop trace. It decides sampling,
// keeps x-request-id and the trace id one value where the proxy makes both, and hands finished spans to the
// exporter. A sampled-out request costs a header lookup or two and, for a new trace, one traceparent.
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Clock } from '../clock.ts';
import type { StatsStore } from '../stats/stats-store.ts';
import { HopTrace } from './hop-trace.ts';
import { OtlpSpanExporter } from './otlp-span-exporter.ts';
import type { SpanOrigin } from './span-record.ts';
import { newSpanId, newTraceId, requestIdOf } from './trace-ids.ts';
import { extractTrace } from './trace-propagation.ts';
import { createSampler } from './trace-sampler.ts';
import type { TraceSampler } from './trace-sampler.ts';
import type { TracedNode, TracingSettings } from './tracing-settings.ts';

/** The downstream request as the tracer reads it (the router's MatchRequest fits). */
export interface TracedRequest {
  readonly method: string;
  readonly pathOnly: string;
  readonly authority: string;
  readonly scheme: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Which side of the proxy a listener is: Envoy's ingress (and gateway) vs egress operation. */
export type TraceDirection = 'ingress' | 'egress';

export class Tracer {
  readonly #sampler: TraceSampler;
  readonly #exporter: OtlpSpanExporter;
  readonly #origin: SpanOrigin;
  readonly #meshAttributes: Attributes;

  constructor(settings: TracingSettings, node: TracedNode, clock: Clock, stats: StatsStore) {
    this.#sampler = createSampler(settings.sampler, settings.samplerArg);
    this.#exporter = new OtlpSpanExporter(settings.exporter, clock, stats);
    this.#origin = {
      resource: resourceFromAttributes({
        'service.name': settings.serviceName,
        'service.namespace': node.meshName,
        'service.version': node.version,
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.name': 'switchyard',
        'telemetry.sdk.version': node.version,
      }),
      scope: { name: 'switchyard-proxy', version: node.version },
    };
    this.#meshAttributes = {
      'appmesh.mesh': node.meshName,
      [node.kind === 'virtualGateway' ? 'appmesh.virtual_gateway' : 'appmesh.virtual_node']: node.name,
    };
  }

  get samplerDescription(): string {
    return this.#sampler.description;
  }

  get exporter(): OtlpSpanExporter {
    return this.#exporter;
  }

  /**
   * Starts tracing one downstream request; undefined when there is nothing to do (sampled out, and the caller's
   * own trace headers go upstream unchanged). Where the request has no x-request-id yet and starts a new trace,
   * the x-request-id is set here to the trace id in UUID form (the router then keeps it).
   */
  startHop(
    request: TracedRequest,
    direction: TraceDirection,
    protocol: string,
    remoteAddress: string,
  ): HopTrace | undefined {
    const extracted = extractTrace(request.headers);
    if (extracted === undefined || extracted.traceId === '') {
      const traceId = newTraceId();
      if (request.headers['x-request-id'] === undefined)
        request.headers['x-request-id'] = requestIdOf(traceId);
      const sampled = extracted === undefined && this.#sampler.shouldSample(traceId, undefined);
      if (!sampled) return HopTrace.unsampled(traceId, newSpanId());
      return new HopTrace(this.#origin, this.#exporter, direction, request, protocol, remoteAddress, {
        traceId,
        parentSpanId: '',
        traceState: '',
        formats: 0,
        meshAttributes: this.#meshAttributes,
      });
    }
    if (!this.#sampler.shouldSample(extracted.traceId, extracted.sampled)) return undefined;
    // A continued trace: the id is random as the router's would be, made here so the hop's span records it.
    if (request.headers['x-request-id'] === undefined)
      request.headers['x-request-id'] = requestIdOf(newTraceId());
    return new HopTrace(this.#origin, this.#exporter, direction, request, protocol, remoteAddress, {
      traceId: extracted.traceId,
      parentSpanId: extracted.spanId,
      traceState: extracted.traceState,
      formats: extracted.formats,
      meshAttributes: this.#meshAttributes,
    });
  }

  /** Flushes what is queued for up to `timeoutMs`. */
  shutdown(timeoutMs: number): Promise<void> {
    return this.#exporter.shutdown(timeoutMs);
  }
}

/** A listener's view of the tracer: its direction fixed. */
export interface ListenerTracer {
  startHop(request: TracedRequest, protocol: string, remoteAddress: string): HopTrace | undefined;
}

/** Envoy names its listeners `lds_ingress_…` / `lds_egress_…`; a gateway's are ingress. */
export function listenerTracer(tracer: Tracer, listenerName: string): ListenerTracer {
  const direction: TraceDirection = listenerName.startsWith('lds_egress') ? 'egress' : 'ingress';
  return {
    startHop: (request, protocol, remoteAddress) =>
      tracer.startHop(request, direction, protocol, remoteAddress),
  };
}
