// The proxy's own, immutable form of Envoy's RBAC HTTP filter (envoy.filters.http.rbac): policies compiled once.
import type { CidrRange } from './decode-rbac-cidr.ts';
import type { HeaderMatcher } from './header-matcher.ts';
import type { StringMatcher } from './string-matcher.ts';

export type RbacPermission =
  | { readonly kind: 'any' }
  | { readonly kind: 'and'; readonly rules: readonly RbacPermission[] }
  | { readonly kind: 'or'; readonly rules: readonly RbacPermission[] }
  | { readonly kind: 'not'; readonly rule: RbacPermission }
  | { readonly kind: 'header'; readonly matcher: HeaderMatcher }
  /** The path without query and fragment. */
  | { readonly kind: 'urlPath'; readonly matcher: StringMatcher }
  /** The port the downstream connection was accepted on. */
  | { readonly kind: 'destinationPort'; readonly port: number };

export type RbacPrincipal =
  | { readonly kind: 'any' }
  | { readonly kind: 'and'; readonly ids: readonly RbacPrincipal[] }
  | { readonly kind: 'or'; readonly ids: readonly RbacPrincipal[] }
  | { readonly kind: 'not'; readonly id: RbacPrincipal }
  /** A TLS connection; with `name`, a peer certificate URI SAN, DNS SAN or subject it matches (Envoy's order). */
  | { readonly kind: 'authenticated'; readonly name: StringMatcher | undefined }
  /** The connection's peer address. */
  | { readonly kind: 'directRemoteIp'; readonly range: CidrRange }
  /** The client address the connection manager trusts (x-forwarded-for, as `RbacRemoteIpSource` says). */
  | { readonly kind: 'remoteIp'; readonly range: CidrRange }
  | { readonly kind: 'header'; readonly matcher: HeaderMatcher };

export interface RbacPolicy {
  readonly name: string;
  /** Any one matching is enough. */
  readonly permissions: readonly RbacPermission[];
  /** Any one matching is enough. */
  readonly principals: readonly RbacPrincipal[];
}

export interface RbacRules {
  /** ALLOW: a request matching some policy passes, others are denied; DENY: the reverse. */
  readonly action: 'ALLOW' | 'DENY';
  /** Sorted by name, the order Envoy evaluates them in (and so the policy a decision names). */
  readonly policies: readonly RbacPolicy[];
}

/**
 * Where `remote_ip` takes the client address from, as the connection manager decides it: Envoy's default
 * (use_remote_address false) trusts x-forwarded-for, skipping `xffTrustedHops` entries from the right; with
 * use_remote_address it is the connection's peer.
 */
export type RbacRemoteIpSource =
  { readonly kind: 'xff'; readonly xffTrustedHops: number } | { readonly kind: 'connection' };

export interface RbacFilterConfig {
  /** The HttpFilter's name, for logs and config dumps. */
  readonly filterName: string;
  /** Absent: the filter enforces nothing and counts nothing (Envoy's rule when `rules` is unset). */
  readonly rules: RbacRules | undefined;
  /** Inserted after `rbac.` in the filter's stat names (rules_stat_prefix). */
  readonly rulesStatPrefix: string;
  readonly remoteIp: RbacRemoteIpSource;
}
