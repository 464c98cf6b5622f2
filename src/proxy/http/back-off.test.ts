import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryOn } from '../config/route-types.ts';
import type { RetryPolicyConfig } from '../config/route-types.ts';
import { backOffMs } from './back-off.ts';
import { retriableFailure, retriableResponse } from './retry-decision.ts';
import { pickWeighted, randomFromHeader } from './weighted-pick.ts';

test('back-off is fully jittered exponential: [0, (2^n - 1) * base) capped at max', () => {
  const almostOne = () => 0.999999;
  assert.equal(backOffMs(1, 25, 250, almostOne), 24);
  assert.equal(backOffMs(2, 25, 250, almostOne), 74);
  assert.equal(backOffMs(3, 25, 250, almostOne), 174);
  assert.equal(backOffMs(4, 25, 250, almostOne), 249);
  assert.equal(backOffMs(9, 25, 250, almostOne), 249);
  assert.equal(
    backOffMs(3, 25, 250, () => 0),
    0,
  );
});

const policy = (retryOn: number, codes: number[] = []): RetryPolicyConfig => ({
  retryOn,
  retryOnTokens: [],
  numRetries: 1,
  perTryTimeoutMs: undefined,
  perTryIdleTimeoutMs: undefined,
  backOffBaseMs: 25,
  backOffMaxMs: 250,
  retriableStatusCodes: new Set(codes),
  avoidPreviousHosts: false,
  hostSelectionMaxAttempts: 1,
});

test('retry_on semantics for responses', () => {
  assert.equal(retriableResponse(policy(RetryOn.fiveXx), 500, {}, false), true);
  assert.equal(retriableResponse(policy(RetryOn.gatewayError), 500, {}, false), false);
  assert.equal(retriableResponse(policy(RetryOn.gatewayError), 503, {}, false), true);
  assert.equal(retriableResponse(policy(RetryOn.retriable4xx), 409, {}, false), true);
  assert.equal(retriableResponse(policy(RetryOn.retriable4xx), 404, {}, false), false);
  assert.equal(retriableResponse(policy(RetryOn.retriableStatusCodes, [418]), 418, {}, false), true);
  assert.equal(retriableResponse(policy(RetryOn.grpcUnavailable), 200, { 'grpc-status': '14' }, true), true);
  assert.equal(retriableResponse(policy(RetryOn.grpcUnavailable), 200, { 'grpc-status': '13' }, true), false);
  assert.equal(
    retriableResponse(
      policy(RetryOn.grpcInternal | RetryOn.grpcCancelled),
      200,
      { 'grpc-status': '1' },
      true,
    ),
    true,
  );
});

test('retry_on semantics for failures', () => {
  assert.equal(retriableFailure(policy(RetryOn.connectFailure), 'connect_failure'), true);
  assert.equal(retriableFailure(policy(RetryOn.connectFailure), 'reset'), false);
  assert.equal(retriableFailure(policy(RetryOn.reset), 'reset'), true);
  assert.equal(retriableFailure(policy(RetryOn.fiveXx), 'per_try_timeout'), true);
  assert.equal(retriableFailure(policy(RetryOn.refusedStream), 'refused_stream'), true);
  assert.equal(retriableFailure(policy(RetryOn.fiveXx), 'overflow'), false);
});

test('weighted pick follows cumulative weights; header values map into the range', () => {
  const clusters = [
    { name: 'a', weight: 1 },
    { name: 'b', weight: 3 },
  ];
  assert.equal(pickWeighted(clusters, 4, 0)?.name, 'a');
  assert.equal(pickWeighted(clusters, 4, 0.24)?.name, 'a');
  assert.equal(pickWeighted(clusters, 4, 0.25)?.name, 'b');
  assert.equal(pickWeighted(clusters, 4, 0.99)?.name, 'b');
  assert.equal(pickWeighted(clusters, 4, randomFromHeader('4', 4) ?? -1)?.name, 'a');
  assert.equal(pickWeighted(clusters, 4, randomFromHeader('5', 4) ?? -1)?.name, 'b');
  assert.equal(randomFromHeader('x', 4), undefined);
});
