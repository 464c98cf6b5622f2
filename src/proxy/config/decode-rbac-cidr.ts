// envoy.config.core.v3.CidrRange for RBAC's IP principals: parsed once, tested against peer addresses per request.
import { isIPv4, isIPv6 } from 'node:net';
import type { CidrRange__Output } from '../../xds/protos/generated/envoy/config/core/v3/CidrRange.ts';
import type { Violations } from './config-error.ts';

interface ParsedAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

function ipv4Value(s: string): bigint {
  let n = 0n;
  for (const part of s.split('.')) n = (n << 8n) | BigInt(Number(part));
  return n;
}

/** A numeric IPv4 or IPv6 address; an IPv4-mapped IPv6 address (a dual-stack socket's view of a v4 peer) is v4. */
export function parseAddress(raw: string): ParsedAddress | undefined {
  if (isIPv4(raw)) return { family: 4, value: ipv4Value(raw) };
  const zone = raw.indexOf('%');
  const s = zone === -1 ? raw : raw.slice(0, zone);
  if (!isIPv6(s)) return undefined;
  const lower = s.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7)))
    return { family: 4, value: ipv4Value(lower.slice(7)) };
  const groupsOf = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = Number(ipv4Value(g));
        out.push(v4 >>> 16, v4 & 0xffff);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const gap = lower.indexOf('::');
  const left = groupsOf(gap === -1 ? lower : lower.slice(0, gap));
  const right = gap === -1 ? [] : groupsOf(lower.slice(gap + 2));
  const groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return { family: 6, value: n };
}

export class CidrRange {
  readonly addressPrefix: string;
  readonly prefixLen: number;
  readonly #family: 4 | 6;
  readonly #shift: bigint;
  readonly #network: bigint;

  constructor(addressPrefix: string, family: 4 | 6, value: bigint, prefixLen: number) {
    this.addressPrefix = addressPrefix;
    this.prefixLen = prefixLen;
    this.#family = family;
    this.#shift = BigInt((family === 4 ? 32 : 128) - prefixLen);
    // Host bits in the prefix are ignored, as Envoy does.
    this.#network = value >> this.#shift;
  }

  /** An address of the other family, or one that does not parse, is never in range. */
  contains(address: string): boolean {
    const a = parseAddress(address);
    return a !== undefined && a.family === this.#family && a.value >> this.#shift === this.#network;
  }

  /** Whether `address` is an IP address at all (of either family). */
  parses(address: string): boolean {
    return parseAddress(address) !== undefined;
  }

  toJSON(): object {
    return { address_prefix: this.addressPrefix, prefix_len: this.prefixLen };
  }
}

export function decodeCidrRange(
  r: CidrRange__Output | null | undefined,
  path: string,
  v: Violations,
): CidrRange | undefined {
  const parsed = parseAddress(r?.address_prefix ?? '');
  if (r === null || r === undefined || parsed === undefined) {
    v.add(`${path}.address_prefix`, `"${r?.address_prefix ?? ''}" is not an IP address`);
    return undefined;
  }
  // Unset is 0: every address of the family (PGV leaves it unconstrained).
  const prefixLen = r.prefix_len?.value ?? 0;
  const bits = parsed.family === 4 ? 32 : 128;
  if (!Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > bits) {
    v.add(`${path}.prefix_len`, `must be between 0 and ${bits} for ${r.address_prefix}`);
    return undefined;
  }
  return new CidrRange(r.address_prefix, parsed.family, parsed.value, prefixLen);
}
