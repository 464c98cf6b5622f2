// One request's trace through this proxy: the hop's span (server side on ingress, client side on egress, as
// Envoy's operation names them) and one client span per upstream attempt, retries included.
import type { Attributes } from '@opentelemetry/api';
import type { OutgoingHttpHeaders } from 'node:http';
import type { OtlpSpanExporter } from './otlp-span-exporter.ts';
import { SpanKind, SpanRecord } from './span-record.ts';
import type { SpanOrigin } from './span-record.ts';
import { newSpanId } from './trace-ids.ts';
import { injectTrace } from './trace-propagation.ts';
import type { TraceDirection, TracedRequest } from './tracer.ts';

/** What the hop ended with (the router's RequestInfo fits). */
export interface HopOutcome {
  readonly responseCode: number;
  readonly responseFlags: string;
  readonly routeName: string;
  readonly clusterName: string;
  readonly upstreamHost: string;
  readonly attempts: number;
}

export interface HopIds {
  readonly traceId: string;
  /** The caller's span, '' for a new trace. */
  readonly parentSpanId: string;
  readonly traceState: string;
  /** Formats the request carried (trace-propagation's bits), written back upstream. */
  readonly formats: number;
  readonly meshAttributes: Attributes;
}

function nowEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** `host:port` → OTel's server.address / server.port. */
function hostAndPort(authority: string): { host: string; port: number | undefined } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(authority);
  if (!m) return { host: authority, port: undefined };
  return { host: m[1]!, port: m[2] === undefined ? undefined : Number(m[2]) };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

export class HopTrace {
  /** undefined: sampled out; only the decision (and the new trace id) travels upstream. */
  readonly #hop: SpanRecord | undefined;
  readonly #traceId: string;
  readonly #spanId: string;
  readonly #formats: number;
  readonly #traceState: string;
  readonly #origin: SpanOrigin | undefined;
  readonly #exporter: OtlpSpanExporter | undefined;
  readonly #method: string;
  #attempt: SpanRecord | undefined;
  #ended = false;

  /** A new trace this proxy decided not to sample: upstreams learn the decision (traceparent flags 00). */
  static unsampled(traceId: string, spanId: string): HopTrace {
    return new HopTrace(undefined, undefined, 'ingress', undefined, '', '', {
      traceId,
      parentSpanId: spanId,
      traceState: '',
      formats: 0,
      meshAttributes: {},
    });
  }

  constructor(
    origin: SpanOrigin | undefined,
    exporter: OtlpSpanExporter | undefined,
    direction: TraceDirection,
    request: TracedRequest | undefined,
    protocol: string,
    remoteAddress: string,
    ids: HopIds,
  ) {
    this.#origin = origin;
    this.#exporter = exporter;
    this.#traceId = ids.traceId;
    this.#formats = ids.formats;
    this.#traceState = ids.traceState;
    this.#method = request?.method ?? '';
    if (origin === undefined || request === undefined) {
      this.#spanId = ids.parentSpanId;
      this.#hop = undefined;
      return;
    }
    this.#spanId = newSpanId();
    const { host, port } = hostAndPort(request.authority);
    const attributes: Attributes = {
      ...ids.meshAttributes,
      'http.request.method': request.method,
      'url.path': request.pathOnly,
      'url.scheme': request.scheme,
      'server.address': host,
      'network.protocol.version': protocol === 'HTTP/2' ? '2' : '1.1',
      'client.address': remoteAddress,
      'switchyard.direction': direction,
    };
    if (port !== undefined) attributes['server.port'] = port;
    const userAgent = headerText(request.headers['user-agent']);
    if (userAgent !== undefined) attributes['user_agent.original'] = userAgent;
    const requestId = headerText(request.headers['x-request-id']);
    // Envoy's tag for the request id, so a trace is found from an access log line and back.
    if (requestId !== undefined) attributes['guid:x-request-id'] = requestId;
    this.#hop = new SpanRecord(
      origin,
      `${direction} ${request.authority}`,
      direction === 'ingress' ? SpanKind.SERVER : SpanKind.CLIENT,
      {
        traceId: ids.traceId,
        spanId: this.#spanId,
        parentSpanId: ids.parentSpanId,
        parentIsRemote: true,
        traceState: ids.traceState,
      },
      nowEpochMs(),
      attributes,
    );
  }

  /**
   * Before each upstream attempt: opens its client span (child of the hop) and writes the trace context on the
   * attempt's headers, W3C always plus every format the request came with. `resendCount` is 0 for the first try.
   */
  startAttempt(headers: OutgoingHttpHeaders, cluster: string, hostKey: string, resendCount: number): void {
    const hop = this.#hop;
    if (hop === undefined || this.#origin === undefined) {
      injectTrace(
        headers,
        { traceId: this.#traceId, spanId: this.#spanId, parentSpanId: '', sampled: false, traceState: '' },
        this.#formats,
      );
      return;
    }
    this.endAttempt();
    const spanId = newSpanId();
    const { host, port } = hostAndPort(hostKey);
    const attributes: Attributes = {
      'http.request.method': this.#method,
      'server.address': host,
      'appmesh.upstream_cluster': cluster,
      'appmesh.upstream_host': hostKey,
    };
    if (port !== undefined) attributes['server.port'] = port;
    if (resendCount > 0) attributes['http.request.resend_count'] = resendCount;
    this.#attempt = new SpanRecord(
      this.#origin,
      `router ${cluster} egress`,
      SpanKind.CLIENT,
      {
        traceId: this.#traceId,
        spanId,
        parentSpanId: this.#spanId,
        parentIsRemote: false,
        traceState: this.#traceState,
      },
      nowEpochMs(),
      attributes,
    );
    injectTrace(
      headers,
      {
        traceId: this.#traceId,
        spanId,
        parentSpanId: this.#spanId,
        sampled: true,
        traceState: this.#traceState,
      },
      this.#formats,
    );
  }

  /** The attempt's answer (a status) or failure (a reason); a failure ends its span now. */
  attemptResult(result: number | string): void {
    const attempt = this.#attempt;
    if (attempt === undefined) return;
    if (typeof result === 'number') {
      attempt.attributes['http.response.status_code'] = result;
      if (result >= 400) {
        attempt.attributes['error.type'] = String(result);
        attempt.fail(`HTTP ${result}`);
      }
      return;
    }
    attempt.attributes['error.type'] = result;
    attempt.fail(result);
    this.endAttempt();
  }

  /** Ends the open attempt's span (its response was discarded for a retry, or the hop ends). */
  endAttempt(): void {
    const attempt = this.#attempt;
    if (attempt === undefined) return;
    this.#attempt = undefined;
    attempt.endEpochMs = nowEpochMs();
    this.#exporter!.add(attempt);
  }

  /** Ends the hop once the response is finished (or abandoned); repeated calls do nothing. */
  end(outcome: HopOutcome): void {
    const hop = this.#hop;
    if (hop === undefined || this.#ended) return;
    this.#ended = true;
    this.endAttempt();
    const a = hop.attributes;
    const status = outcome.responseCode;
    if (status > 0) a['http.response.status_code'] = status;
    if (outcome.routeName !== '') a['appmesh.route'] = outcome.routeName;
    if (outcome.clusterName !== '') a['appmesh.upstream_cluster'] = outcome.clusterName;
    if (outcome.upstreamHost !== '') a['appmesh.upstream_host'] = outcome.upstreamHost;
    a['appmesh.retry_count'] = Math.max(0, outcome.attempts - 1);
    if (outcome.responseFlags !== '') a['appmesh.response_flags'] = outcome.responseFlags;
    // OTel HTTP conventions: a server span is an error on 5xx (or no answer), a client span from 4xx on.
    const clientSide = hop.kind === SpanKind.CLIENT;
    if (status === 0 || status >= 500 || (clientSide && status >= 400)) {
      a['error.type'] = status === 0 ? outcome.responseFlags || 'reset' : String(status);
      hop.fail(status === 0 ? 'no response' : `HTTP ${status}`);
    }
    hop.endEpochMs = nowEpochMs();
    this.#exporter!.add(hop);
  }
}
