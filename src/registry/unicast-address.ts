// Which IP literals may be an instance address: unicast only, and never link-local (cloud metadata lives there).

import { BlockList, isIPv4 } from 'node:net';

interface RefusedRange {
  readonly network: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly reason: string;
}

// An instance address becomes an endpoint every caller's proxy connects to, so the registry must not let a
// writer point a mesh at the metadata service (169.254.169.254, fd00:ec2::254) or at addresses a proxy
// cannot connect to. IPv6 forms that carry an IPv4 address (::ffff:a.b.c.d and the others below) are matched
// against the IPv4 ranges.
const refusedRanges: readonly RefusedRange[] = [
  { network: '0.0.0.0', prefix: 8, family: 'ipv4', reason: 'unspecified ("this network", 0.0.0.0/8)' },
  {
    network: '169.254.0.0',
    prefix: 16,
    family: 'ipv4',
    reason: 'link-local (169.254.0.0/16, cloud metadata)',
  },
  { network: '224.0.0.0', prefix: 4, family: 'ipv4', reason: 'multicast (224.0.0.0/4)' },
  { network: '255.255.255.255', prefix: 32, family: 'ipv4', reason: 'broadcast (255.255.255.255)' },
  { network: '240.0.0.0', prefix: 4, family: 'ipv4', reason: 'reserved, not unicast (240.0.0.0/4)' },
  { network: '::', prefix: 128, family: 'ipv6', reason: 'unspecified (::)' },
  { network: 'fe80::', prefix: 10, family: 'ipv6', reason: 'link-local (fe80::/10)' },
  { network: 'ff00::', prefix: 8, family: 'ipv6', reason: 'multicast (ff00::/8)' },
  { network: 'fd00:ec2::254', prefix: 128, family: 'ipv6', reason: 'cloud metadata (fd00:ec2::254)' },
];

/**
 * IPv6 prefixes whose last 32 bits are an IPv4 address that a host or a translator on the path may connect to:
 * IPv4-translated (::ffff:0:0/96, RFC 2765), the NAT64 well-known prefix (64:ff9b::/96, RFC 6052) and the
 * deprecated IPv4-compatible form (::/96). `::ffff:0:169.254.169.254` is judged as 169.254.169.254, like the
 * IPv4-mapped form BlockList already folds in.
 */
const ipv4EmbeddingPrefixes: readonly string[] = ['::ffff:0:', '64:ff9b::', '::'];

const checks = refusedRanges.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, range.family);
  if (range.family === 'ipv4') {
    for (const prefix of ipv4EmbeddingPrefixes) {
      // ::0.0.0.0/104 would hold :: and ::1, which have rules of their own (unspecified, loopback).
      if (prefix === '::' && range.network === '0.0.0.0') continue;
      list.addSubnet(`${prefix}${range.network}`, 96 + range.prefix, 'ipv6');
    }
  }
  return { list, reason: range.reason };
});

/** Why `address` (a valid IP literal) cannot be an instance address, or undefined when it can. */
export function refusedAddressReason(address: string): string | undefined {
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  return checks.find(({ list }) => list.check(address, family))?.reason;
}
