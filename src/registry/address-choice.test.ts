// ipPreference address choice for registry instances and DNS answers (appmesh-spec §3.2 table).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpPreference } from '../model/specs/common.ts';
import { chooseDnsAddresses, chooseInstanceAddress, type ResolvedAddress } from './address-choice.ts';
import type { Instance } from './registry-model.ts';

function instance(address: string, attributes: Record<string, string> = {}): Instance {
  return {
    namespaceName: 'ns',
    serviceName: 's',
    instanceId: 'i',
    address,
    port: 80,
    attributes,
    health: 'HEALTHY',
    registeredAtMs: 0,
    lastHeartbeatMs: 0,
  };
}

const dual = instance('10.0.0.1', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_IPV6: 'fd00::1' });
const v4only = instance('10.0.0.2', { AWS_INSTANCE_IPV4: '10.0.0.2' });
const v6only = instance('fd00::3', { AWS_INSTANCE_IPV6: 'fd00::3' });

const instanceTable: readonly [IpPreference | undefined, Instance, string | undefined][] = [
  [undefined, dual, '10.0.0.1'],
  [undefined, v6only, 'fd00::3'],
  ['IPv4_PREFERRED', dual, '10.0.0.1'],
  ['IPv4_PREFERRED', v6only, 'fd00::3'],
  ['IPv6_PREFERRED', dual, 'fd00::1'],
  ['IPv6_PREFERRED', v4only, '10.0.0.2'],
  ['IPv4_ONLY', dual, '10.0.0.1'],
  ['IPv4_ONLY', v6only, undefined],
  ['IPv6_ONLY', dual, 'fd00::1'],
  ['IPv6_ONLY', v4only, undefined],
];

for (const [preference, candidate, expected] of instanceTable) {
  test(`instance address: ${preference ?? 'unset'} on ${candidate.address} (${Object.keys(candidate.attributes).join('+')}) → ${expected ?? 'none'}`, () => {
    assert.equal(chooseInstanceAddress(candidate, preference), expected);
  });
}

test('instance address falls back to `address` when the AWS_INSTANCE_* attributes are absent', () => {
  assert.equal(chooseInstanceAddress(instance('fd00::9'), 'IPv4_PREFERRED'), 'fd00::9');
  assert.equal(chooseInstanceAddress(instance('10.1.1.1'), 'IPv6_ONLY'), undefined);
});

const answers: ResolvedAddress[] = [
  { address: '10.0.0.1', family: 4 },
  { address: 'fd00::1', family: 6 },
  { address: '10.0.0.2', family: 4 },
  { address: '10.0.0.1', family: 4 },
];
const v4answers = answers.filter((a) => a.family === 4);

const dnsTable: readonly [IpPreference | undefined, readonly ResolvedAddress[], string[]][] = [
  [undefined, answers, ['fd00::1']],
  [undefined, v4answers, ['10.0.0.1', '10.0.0.2']],
  ['IPv6_PREFERRED', answers, ['fd00::1']],
  ['IPv4_PREFERRED', answers, ['10.0.0.1', '10.0.0.2']],
  ['IPv4_PREFERRED', [{ address: 'fd00::1', family: 6 }], ['fd00::1']],
  ['IPv4_ONLY', answers, ['10.0.0.1', '10.0.0.2']],
  ['IPv6_ONLY', v4answers, []],
];

for (const [preference, given, expected] of dnsTable) {
  test(`DNS answers: ${preference ?? 'unset (AUTO)'} over ${given.map((a) => a.address).join(',')} → [${expected.join(',')}]`, () => {
    assert.deepEqual(
      chooseDnsAddresses(given, preference).map((a) => a.address),
      expected,
    );
  });
}
