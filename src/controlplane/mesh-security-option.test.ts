// `--mtls` / `--trust-domain` parsing: off and switchyard.local by default, the three modes, SPIFFE trust domains.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseControlPlaneConfig, parseMeshSecurity } from './control-plane-config.ts';

const raw = {
  apiAddr: '127.0.0.1:0',
  xdsAddr: '127.0.0.1:0',
  dataDir: '/tmp/switchyard-unused',
  region: 'us-east-1',
  accountId: '111122223333',
};

test('by default mesh mTLS is off in trust domain switchyard.local', () => {
  assert.deepEqual(parseControlPlaneConfig(raw).security, { mtls: 'off', trustDomain: 'switchyard.local' });
});

test('each mode and a trust domain are taken', () => {
  for (const mtls of ['off', 'permissive', 'strict']) {
    assert.deepEqual(parseControlPlaneConfig({ ...raw, mtls, trustDomain: 'corp.example-1_a' }).security, {
      mtls,
      trustDomain: 'corp.example-1_a',
    });
  }
});

test('an unknown mode or a trust domain that cannot start a SPIFFE ID is refused with the flag named', () => {
  assert.throws(() => parseMeshSecurity('on', undefined), {
    name: 'ConfigError',
    message: '--mtls must be one of off, permissive, strict, got "on"',
  });
  for (const domain of ['', 'Corp.Example', 'a/b', 'x'.repeat(256), 'spiffe://x']) {
    assert.throws(
      () => parseMeshSecurity(undefined, domain),
      (error: unknown) => error instanceof ConfigError && error.message.startsWith('--trust-domain '),
      domain,
    );
  }
});
