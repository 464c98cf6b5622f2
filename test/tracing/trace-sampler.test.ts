// OTEL_TRACES_SAMPLER's samplers: root decisions by trace id ratio, parent-based ones following the caller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSampler, SamplerError } from '../../src/proxy/tracing/trace-sampler.ts';
import { newTraceId } from '../../src/proxy/tracing/trace-ids.ts';

test('traceidratio samples about its share of random trace ids, the same way every time', () => {
  const sampler = createSampler('traceidratio', '0.25');
  const ids = Array.from({ length: 20_000 }, () => newTraceId());
  const share = ids.filter((id) => sampler.shouldSample(id, undefined)).length / ids.length;
  assert.ok(Math.abs(share - 0.25) < 0.02, `share ${share}`);
  for (const id of ids.slice(0, 100))
    assert.equal(sampler.shouldSample(id, undefined), sampler.shouldSample(id, undefined));
  // Not parent-based: the caller's decision does not matter.
  const never = ids.find((id) => !sampler.shouldSample(id, undefined))!;
  assert.equal(sampler.shouldSample(never, true), false);
});

test('parent-based samplers follow the caller and use the root sampler when there is none', () => {
  const sampler = createSampler('parentbased_traceidratio', '0');
  const id = newTraceId();
  assert.equal(sampler.shouldSample(id, true), true);
  assert.equal(sampler.shouldSample(id, false), false);
  assert.equal(sampler.shouldSample(id, undefined), false);
  assert.equal(createSampler('parentbased_always_on', undefined).shouldSample(id, false), false);
  assert.equal(createSampler('parentbased_always_off', undefined).shouldSample(id, true), true);
  assert.equal(createSampler('always_on', undefined).shouldSample(id, false), true);
  assert.equal(createSampler('always_off', undefined).shouldSample(id, true), false);
});

test('the default is 1% of new traces', () => {
  const sampler = createSampler('parentbased_traceidratio', undefined);
  assert.equal(sampler.description, 'parentbased_traceidratio{0.01}');
});

test('bad names and ratios are refused with the accepted values', () => {
  assert.throws(() => createSampler('sometimes', undefined), SamplerError);
  assert.throws(() => createSampler('traceidratio', '2'), /ratio from 0 to 1/);
  assert.throws(() => createSampler('traceidratio', 'half'), /ratio from 0 to 1/);
  assert.throws(() => createSampler('traceidratio', '-0.5'), /ratio from 0 to 1/);
});
