// What a proxy traces with: parsed and checked by its caller (flags and OTEL_* variables), read-only here.
import type { OtlpExporterOptions } from './otlp-span-exporter.ts';

export interface TracingSettings {
  /** OTEL_TRACES_SAMPLER's names; checked by `createSampler`. */
  readonly sampler: string;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio for the ratio samplers. */
  readonly samplerArg: string | undefined;
  /** The resource's service.name (default: the virtual node's or gateway's name). */
  readonly serviceName: string;
  readonly exporter: OtlpExporterOptions;
}

/** Who the proxy is, for the spans' mesh attributes and resource. */
export interface TracedNode {
  readonly meshName: string;
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
  /** The proxy's version (the resource's service.version). */
  readonly version: string;
}
