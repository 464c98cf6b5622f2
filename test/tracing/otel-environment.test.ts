// The OTEL_* variables and tracing flags: where spans go, which sampler, and clear refusals of bad values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from '../../src/cli/cli-error.ts';
import {
  otlpTracesEndpoint,
  parseMeshTracing,
  parseTracingSettings,
} from '../../src/cli/otel-environment.ts';

test('the traces endpoint is used as given; the base endpoint gets /v1/traces', () => {
  assert.equal(otlpTracesEndpoint(undefined, {}), undefined);
  assert.equal(
    otlpTracesEndpoint(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }),
    'http://127.0.0.1:4318/v1/traces',
  );
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9999/custom',
  };
  assert.equal(otlpTracesEndpoint(undefined, env), 'http://127.0.0.1:9999/custom');
  assert.equal(otlpTracesEndpoint('http://127.0.0.1:1/x', env), 'http://127.0.0.1:1/x');
  assert.equal(otlpTracesEndpoint(undefined, { ...env, OTEL_SDK_DISABLED: 'true' }), undefined);
  assert.throws(() => otlpTracesEndpoint('ftp://127.0.0.1/x', {}), CliError);
  assert.throws(() => otlpTracesEndpoint('not a url', {}), /--otlp-endpoint must be an http\(s\) URL/);
});

test('proxy settings: defaults, overrides, and refusals naming the flag', () => {
  const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
  const settings = parseTracingSettings({}, on, 'front');
  assert.deepEqual(settings, {
    sampler: 'parentbased_traceidratio',
    samplerArg: undefined,
    serviceName: 'front',
    exporter: {
      endpoint: 'http://127.0.0.1:4318/v1/traces',
      maxQueueSpans: 2048,
      maxBatchSpans: 512,
      scheduleDelayMs: 5000,
      exportTimeoutMs: 10_000,
    },
  });
  const custom = parseTracingSettings(
    { traceSampler: 'always_on', serviceName: 'edge', traceBatchDelayMs: '100' },
    { ...on, OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_SERVICE_NAME: 'ignored' },
    'front',
  );
  assert.equal(custom?.sampler, 'always_on');
  assert.equal(custom?.serviceName, 'edge');
  assert.equal(custom?.exporter.maxQueueSpans, 100);
  assert.equal(custom?.exporter.maxBatchSpans, 100, 'a batch never exceeds the queue');
  assert.equal(custom?.exporter.scheduleDelayMs, 100);
  assert.equal(parseTracingSettings({}, {}, 'front'), undefined, 'no collector: tracing off');
  assert.throws(() => parseTracingSettings({ traceSampler: 'sometimes' }, on, 'front'), /--trace-sampler/);
  assert.throws(() => parseTracingSettings({ traceSamplerArg: '5' }, on, 'front'), /ratio from 0 to 1/);
  assert.throws(() => parseTracingSettings({}, { ...on, OTEL_BSP_MAX_QUEUE_SIZE: '-1' }, 'front'), CliError);
});

test("the control plane's Envoy sampling percent follows OTEL_TRACES_SAMPLER(_ARG)", () => {
  const on = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' };
  assert.deepEqual(parseMeshTracing(undefined, on), {
    collectorUrl: 'http://127.0.0.1:4318/v1/traces',
    samplingPercent: 1,
  });
  assert.equal(
    parseMeshTracing(undefined, { ...on, OTEL_TRACES_SAMPLER: 'always_on' })?.samplingPercent,
    100,
  );
  assert.equal(
    parseMeshTracing(undefined, {
      ...on,
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    })?.samplingPercent,
    25,
  );
  assert.equal(parseMeshTracing(undefined, {}), undefined);
  assert.throws(
    () => parseMeshTracing(undefined, { ...on, OTEL_TRACES_SAMPLER: 'x' }),
    /OTEL_TRACES_SAMPLER/,
  );
});
