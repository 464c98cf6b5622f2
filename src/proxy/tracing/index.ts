// Distributed tracing in the proxy: propagation, sampling, spans and OTLP export (docs/observability.md).
export { HopTrace } from './hop-trace.ts';
export type { HopOutcome } from './hop-trace.ts';
export { defaultExporterOptions, OtlpSpanExporter } from './otlp-span-exporter.ts';
export {
  createSampler,
  defaultSampler,
  defaultSamplerRatio,
  SamplerError,
  samplerNames,
} from './trace-sampler.ts';
export { listenerTracer, Tracer } from './tracer.ts';
export type { ListenerTracer } from './tracer.ts';
export type { TracedNode, TracingSettings } from './tracing-settings.ts';
