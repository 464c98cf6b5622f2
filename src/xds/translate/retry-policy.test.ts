// Retry event mapping, App Mesh's default policy, and the gRPC-client subset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionTypeUrls } from '../protos/index.ts';
import { grpcClientRetryPolicy, retryOnTokens, sidecarRetryPolicy } from './retry-policy.ts';
import { packTyped, sourceOfAny } from './typed-config.ts';

const backOff = {
  base_interval: { seconds: 0, nanos: 25_000_000 },
  max_interval: { seconds: 0, nanos: 250_000_000 },
};

/** What every sidecar retry policy carries so a retry avoids the hosts it already tried. */
const avoidPrevious = {
  retry_host_predicate: [
    {
      name: 'envoy.retry_host_predicates.previous_hosts',
      typed_config: packTyped(extensionTypeUrls.previousHostsPredicate, {}),
    },
  ],
  host_selection_retry_max_attempts: 3,
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
    ...avoidPrevious,
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
    ...avoidPrevious,
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

test('sidecar retries avoid previous hosts (typed previous_hosts predicate); gRPC clients get no predicate', () => {
  for (const policy of [
    sidecarRetryPolicy('httpRoute', undefined),
    sidecarRetryPolicy('httpRoute', { maxRetries: 3, perRetryTimeout: { unit: 'ms', value: 0 } }),
  ]) {
    const predicate = policy.retry_host_predicate?.[0];
    assert.equal(predicate?.name, 'envoy.retry_host_predicates.previous_hosts');
    assert.equal(
      (predicate?.typed_config as { type_url?: string } | undefined)?.type_url,
      extensionTypeUrls.previousHostsPredicate,
    );
    assert.deepEqual(sourceOfAny(predicate!.typed_config!), {});
    assert.equal(policy.host_selection_retry_max_attempts, 3);
  }
  assert.equal(grpcClientRetryPolicy(undefined)?.retry_host_predicate, undefined);
});
