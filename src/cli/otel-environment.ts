// OpenTelemetry's standard variables (OTEL_EXPORTER_OTLP_*, OTEL_TRACES_SAMPLER*, OTEL_SERVICE_NAME, OTEL_BSP_*)
// and the tracing flags that override them, parsed once into the settings `switchyard proxy` and the control
// plane run with.
import type { TracingSettings } from '../proxy/tracing/index.ts';
import {
  createSampler,
  defaultExporterOptions,
  defaultSampler,
  defaultSamplerRatio,
  SamplerError,
} from '../proxy/tracing/index.ts';
import type { MeshTracing } from '../xds/translate/index.ts';
import { CliError } from './cli-error.ts';

export interface RawTracingOptions {
  otlpEndpoint?: string;
  traceSampler?: string;
  traceSamplerArg?: string;
  serviceName?: string;
  traceBatchDelayMs?: string;
}

function checkUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${what} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`${what} must be an http(s) URL, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Where spans go: `--otlp-endpoint` or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given (the full URL, as the spec
 * says), else OTEL_EXPORTER_OTLP_ENDPOINT with `/v1/traces` appended; undefined: tracing is off.
 */
export function otlpTracesEndpoint(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none' && flag === undefined) return undefined;
  const traces = flag ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces !== undefined && traces.trim() !== '') return checkUrl(traces.trim(), '--otlp-endpoint');
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (base === undefined || base === '') return undefined;
  return `${checkUrl(base, 'OTEL_EXPORTER_OTLP_ENDPOINT').replace(/\/+$/, '')}/v1/traces`;
}

function positiveInt(value: string | undefined, what: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n <= 0 || n > 2 ** 31)
    throw new CliError(`${what} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** The proxy's tracing settings, or undefined when no collector is configured. */
export function parseTracingSettings(
  raw: RawTracingOptions,
  env: NodeJS.ProcessEnv,
  defaultServiceName: string,
): TracingSettings | undefined {
  const endpoint = otlpTracesEndpoint(raw.otlpEndpoint, env);
  const sampler = (raw.traceSampler ?? env.OTEL_TRACES_SAMPLER ?? defaultSampler).trim();
  const samplerArg = raw.traceSamplerArg ?? env.OTEL_TRACES_SAMPLER_ARG;
  try {
    createSampler(sampler, samplerArg);
  } catch (error) {
    if (error instanceof SamplerError) throw new CliError(`--trace-sampler: ${error.message}`);
    throw error;
  }
  if (endpoint === undefined) return undefined;
  const maxQueueSpans = positiveInt(env.OTEL_BSP_MAX_QUEUE_SIZE, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048);
  return {
    sampler,
    samplerArg,
    serviceName: (raw.serviceName ?? env.OTEL_SERVICE_NAME)?.trim() || defaultServiceName,
    exporter: {
      endpoint,
      maxQueueSpans,
      maxBatchSpans: Math.min(
        maxQueueSpans,
        positiveInt(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
      ),
      scheduleDelayMs: positiveInt(
        raw.traceBatchDelayMs ?? env.OTEL_BSP_SCHEDULE_DELAY,
        '--trace-batch-delay-ms',
        defaultExporterOptions.scheduleDelayMs,
      ),
      exportTimeoutMs: positiveInt(
        env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT,
        'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
        defaultExporterOptions.exportTimeoutMs,
      ),
    },
  };
}

/**
 * What the control plane tells stock Envoys: the collector (`--otlp-endpoint` or the OTEL variables) and the
 * share of new traces to sample, from OTEL_TRACES_SAMPLER(_ARG) (default 1%); undefined without a collector.
 */
export function parseMeshTracing(flag: string | undefined, env: NodeJS.ProcessEnv): MeshTracing | undefined {
  const collectorUrl = otlpTracesEndpoint(flag, env);
  const sampler = (env.OTEL_TRACES_SAMPLER ?? defaultSampler).trim();
  const arg = env.OTEL_TRACES_SAMPLER_ARG;
  try {
    createSampler(sampler, arg);
  } catch (error) {
    if (error instanceof SamplerError) throw new CliError(`OTEL_TRACES_SAMPLER: ${error.message}`);
    throw error;
  }
  if (collectorUrl === undefined) return undefined;
  const ratio = sampler.endsWith('always_on')
    ? 1
    : sampler.endsWith('always_off')
      ? 0
      : arg === undefined || arg === ''
        ? defaultSamplerRatio
        : Number(arg);
  return { collectorUrl, samplingPercent: ratio * 100 };
}
