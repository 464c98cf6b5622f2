// Which IP address an endpoint uses under a node's ipPreference (appmesh-spec §3.2).

import { isIPv4, isIPv6 } from 'node:net';
import type { IpPreference } from '../model/specs/common.ts';
import { ipv4Attribute, ipv6Attribute, type Instance } from './registry-model.ts';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * The address of a registry instance, as Cloud Map's address choice did: IPv4 first unless IPv6 is
 * preferred, and nothing for an *_ONLY preference the instance cannot meet.
 */
export function chooseInstanceAddress(instance: Instance, preference?: IpPreference): string | undefined {
  const v4 = instance.attributes[ipv4Attribute] ?? (isIPv4(instance.address) ? instance.address : undefined);
  const v6 = instance.attributes[ipv6Attribute] ?? (isIPv6(instance.address) ? instance.address : undefined);
  switch (preference) {
    case 'IPv4_ONLY':
      return v4;
    case 'IPv6_ONLY':
      return v6;
    case 'IPv6_PREFERRED':
      return v6 ?? v4;
    default:
      return v4 ?? v6;
  }
}

/**
 * The addresses a DNS answer yields under a preference, as Envoy's dns_lookup_family did: unset and
 * IPv6_PREFERRED behave as AUTO (IPv6 answers if there are any, else IPv4); IPv4_PREFERRED the reverse.
 */
export function chooseDnsAddresses(
  answers: readonly ResolvedAddress[],
  preference?: IpPreference,
): ResolvedAddress[] {
  const unique = [...new Map(answers.map((answer) => [answer.address, answer])).values()];
  const v4 = unique.filter((answer) => answer.family === 4);
  const v6 = unique.filter((answer) => answer.family === 6);
  switch (preference) {
    case 'IPv4_ONLY':
      return v4;
    case 'IPv6_ONLY':
      return v6;
    case 'IPv4_PREFERRED':
      return v4.length > 0 ? v4 : v6;
    default:
      return v6.length > 0 ? v6 : v4;
  }
}
