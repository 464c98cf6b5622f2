// Retry event mapping, App Mesh's default policy, and the gRPC-client subset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grpcClientRetryPolicy, retryOnTokens, sidecarRetryPolicy } from './retry-policy.ts';

const backOff = {
  base_interval: { seconds: 0, nanos: 25_000_000 },
  max_interval: { seconds: 0, nanos: 250_000_000 },
};

test('each App Mesh event maps to its Envoy retry_on token', () => {
  assert.deepEqual(retryOnTokens(['server-error']), ['5xx']);
  assert.deepEqual(retryOnTokens(['gateway-error']), ['gateway-error', 'reset']);
  assert.deepEqual(retryOnTokens(['client-error']), ['retriable-4xx']);
  assert.deepEqual(retryOnTokens(['stream-error']), ['refused-stream']);
  assert.deepEqual(retryOnTokens(['connection-error']), ['connect-failure']);
  for (const event of ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable']) {
    assert.deepEqual(retryOnTokens([event]), [event]);
  }
  assert.deepEqual(retryOnTokens(['server-error', 'gateway-error', 'server-error']), [
    '5xx',
    'gateway-error',
    'reset',
  ]);
});

test('a route policy sets num_retries, per_try_timeout and the 25/250 ms back-off', () => {
  const policy = sidecarRetryPolicy('httpRoute', {
    maxRetries: 4,
    perRetryTimeout: { unit: 's', value: 2 },
    httpRetryEvents: ['server-error'],
    tcpRetryEvents: ['connection-error'],
  });
  assert.deepEqual(policy, {
    retry_on: '5xx,connect-failure',
    num_retries: { value: 4 },
    retry_back_off: backOff,
    per_try_timeout: { seconds: 2, nanos: 0 },
  });
  const zeroTry = sidecarRetryPolicy('httpRoute', {
    maxRetries: 1,
    perRetryTimeout: { unit: 'ms', value: 0 },
    httpRetryEvents: ['gateway-error'],
  });
  assert.equal(zeroTry.per_try_timeout, undefined);
});

test('without a policy App Mesh retries twice on 503, reset and connect errors (and unavailable for gRPC)', () => {
  assert.deepEqual(sidecarRetryPolicy('httpRoute', undefined), {
    retry_on: 'connect-failure,refused-stream,reset,retriable-status-codes',
    num_retries: { value: 2 },
    retriable_status_codes: [503],
    retry_back_off: backOff,
  });
  assert.equal(
    sidecarRetryPolicy('grpcRoute', undefined).retry_on,
    'connect-failure,refused-stream,reset,retriable-status-codes,unavailable',
  );
});

test('a gRPC client gets only gRPC status tokens, and no policy when none remain or retries are 0', () => {
  assert.deepEqual(
    grpcClientRetryPolicy({
      maxRetries: 3,
      perRetryTimeout: { unit: 'ms', value: 100 },
      grpcRetryEvents: ['unavailable', 'internal'],
      httpRetryEvents: ['server-error'],
    }),
    { retry_on: 'unavailable,internal', num_retries: { value: 3 }, retry_back_off: backOff },
  );
  assert.equal(
    grpcClientRetryPolicy({
      maxRetries: 3,
      perRetryTimeout: { unit: 'ms', value: 1 },
      httpRetryEvents: ['server-error'],
    }),
    undefined,
  );
  assert.equal(
    grpcClientRetryPolicy({
      maxRetries: 0,
      perRetryTimeout: { unit: 'ms', value: 1 },
      grpcRetryEvents: ['unavailable'],
    }),
    undefined,
  );
  assert.deepEqual(grpcClientRetryPolicy(undefined), {
    retry_on: 'unavailable',
    num_retries: { value: 2 },
    retry_back_off: backOff,
  });
});
