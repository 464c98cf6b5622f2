// Head sampling as OpenTelemetry's OTEL_TRACES_SAMPLER names it: always_on, always_off, traceidratio and their
// parent-based forms. The ratio is read off the trace id itself, so every hop of a trace decides alike.

export const samplerNames = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof samplerNames)[number];

/** Default sampling: 1% of new traces, and whatever the caller decided for continued ones. */
export const defaultSampler: SamplerName = 'parentbased_traceidratio';
export const defaultSamplerRatio = 0.01;

export class SamplerError extends Error {}

/** Decides whether a hop's span is recorded. */
export interface TraceSampler {
  readonly description: string;
  /** `parentSampled`: the caller's decision, undefined when there is no caller context or it deferred. */
  shouldSample(traceId: string, parentSampled: boolean | undefined): boolean;
}

/** The low 52 bits of the trace id (W3C level 2: the right-hand 7 bytes are random), as a fraction of 2^52. */
function traceIdFraction(traceId: string): number {
  return parseInt(traceId.slice(19), 16) / 2 ** 52;
}

function ratioSampler(ratio: number): (traceId: string) => boolean {
  if (ratio >= 1) return () => true;
  if (ratio <= 0) return () => false;
  return (traceId) => traceIdFraction(traceId) < ratio;
}

/** The sampler `name` with `arg` (OTEL_TRACES_SAMPLER_ARG: the ratio, 0..1, for the ratio samplers). */
export function createSampler(name: string, arg: string | undefined): TraceSampler {
  if (!(samplerNames as readonly string[]).includes(name))
    throw new SamplerError(
      `trace sampler must be one of ${samplerNames.join(', ')}, got ${JSON.stringify(name)}`,
    );
  let ratio = defaultSamplerRatio;
  if (name.endsWith('traceidratio') && arg !== undefined && arg !== '') {
    ratio = Number(arg);
    if (!/^\s*[\d.]+(e-?\d+)?\s*$/i.test(arg) || !(ratio >= 0 && ratio <= 1))
      throw new SamplerError(
        `trace sampler argument must be a ratio from 0 to 1, got ${JSON.stringify(arg)}`,
      );
  }
  const root: (traceId: string) => boolean = name.endsWith('always_on')
    ? () => true
    : name.endsWith('always_off')
      ? () => false
      : ratioSampler(ratio);
  const ratioText = name.endsWith('traceidratio') ? `{${ratio}}` : '';
  if (!name.startsWith('parentbased_'))
    return { description: `${name}${ratioText}`, shouldSample: (traceId) => root(traceId) };
  return {
    description: `${name}${ratioText}`,
    shouldSample: (traceId, parentSampled) => parentSampled ?? root(traceId),
  };
}
