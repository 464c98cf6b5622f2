// Decoding retry_host_predicate / host_selection_retry_max_attempts: previous_hosts honoured, others refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RetryPolicy__Output } from '../../xds/protos/generated/envoy/config/route/v3/RetryPolicy.ts';
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { RouteConfiguration__Output } from '../../xds/protos/index.ts';
import { Violations } from './config-error.ts';
import { decodeRetryPolicy } from './decode-route-configuration.ts';

/** A RetryPolicy as the proxy receives it (encoded and decoded), taken from a route configuration. */
function retryPolicy(policy: object): RetryPolicy__Output {
  const rc = unpackAny(
    packAny(typeUrls.routeConfiguration, {
      name: 'r',
      virtual_hosts: [{ name: 'v', domains: ['*'], retry_policy: policy }],
    }),
  ) as RouteConfiguration__Output;
  return rc.virtual_hosts[0]!.retry_policy!;
}

const previousHosts = {
  name: 'envoy.retry_host_predicates.previous_hosts',
  typed_config: packAny(extensionTypeUrls.previousHostsPredicate, {}),
};

test('previous_hosts turns on avoidance with its re-pick count; unset count means 1, as in Envoy', () => {
  const v = new Violations();
  const on = decodeRetryPolicy(
    retryPolicy({
      retry_on: '5xx',
      retry_host_predicate: [previousHosts],
      host_selection_retry_max_attempts: 3,
    }),
    'p',
    v,
  );
  assert.equal(on.avoidPreviousHosts, true);
  assert.equal(on.hostSelectionMaxAttempts, 3);
  const defaults = decodeRetryPolicy(
    retryPolicy({ retry_on: '5xx', retry_host_predicate: [previousHosts] }),
    'p',
    v,
  );
  assert.equal(defaults.hostSelectionMaxAttempts, 1);
  const off = decodeRetryPolicy(retryPolicy({ retry_on: '5xx' }), 'p', v);
  assert.equal(off.avoidPreviousHosts, false);
  assert.equal(v.count, 0);
});

test('an unsupported retry host predicate is a violation naming it', () => {
  const v = new Violations();
  decodeRetryPolicy(
    retryPolicy({
      retry_on: '5xx',
      retry_host_predicate: [
        previousHosts,
        {
          name: 'envoy.retry_host_predicates.omit_canary_hosts',
          typed_config: packAny(extensionTypeUrls.httpProtocolOptions, {}),
        },
      ],
    }),
    'p',
    v,
  );
  assert.throws(
    () => v.throwIfAny('retry policy'),
    /p\.retry_host_predicate\[1\]: unsupported retry host predicate "type\.googleapis\.com\/envoy\.extensions\.upstreams/,
  );
  assert.equal(v.count, 1);
});
