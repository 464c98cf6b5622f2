// Envoy's RBAC HTTP filter in the request path: decides from the connection's identity and the request head
// whether a request reaches routing, counts the decision, and answers a denial with 403.
import type { RbacFilterConfig, RbacPermission, RbacPrincipal, RbacRules } from '../config/rbac-types.ts';
import type { HttpStats } from '../stats/http-stats.ts';
import type { Downstream } from './downstream.ts';
import { rescue } from './rescue.ts';
import type { RequestInfo } from './request-info.ts';

function urlPath(path: string): string {
  const hash = path.indexOf('#');
  return hash === -1 ? path : path.slice(0, hash);
}

function permits(p: RbacPermission, ds: Downstream): boolean {
  switch (p.kind) {
    case 'any':
      return true;
    case 'and':
      for (const r of p.rules) if (!permits(r, ds)) return false;
      return true;
    case 'or':
      for (const r of p.rules) if (permits(r, ds)) return true;
      return false;
    case 'not':
      return !permits(p.rule, ds);
    case 'header':
      return p.matcher.matches(ds.request);
    case 'urlPath':
      return p.matcher.matches(urlPath(ds.request.pathOnly));
    case 'destinationPort':
      return ds.localPort === p.port;
  }
}

/** The x-forwarded-for entry `skip` places from the right, as Envoy reads it; undefined when there is none. */
function xffAddress(ds: Downstream, skip: number): string | undefined {
  const raw = ds.request.headers['x-forwarded-for'];
  if (raw === undefined) return undefined;
  const entries = (Array.isArray(raw) ? raw.join(',') : raw).split(',');
  const entry = entries[entries.length - 1 - skip];
  return entry?.trim();
}

function identifies(p: RbacPrincipal, ds: Downstream, filter: RbacFilterConfig): boolean {
  switch (p.kind) {
    case 'any':
      return true;
    case 'and':
      for (const id of p.ids) if (!identifies(id, ds, filter)) return false;
      return true;
    case 'or':
      for (const id of p.ids) if (identifies(id, ds, filter)) return true;
      return false;
    case 'not':
      return !identifies(p.id, ds, filter);
    case 'authenticated': {
      const tls = ds.tls;
      if (tls === undefined) return false;
      const name = p.name;
      if (name === undefined) return true;
      // Envoy's order: every URI SAN, then every DNS SAN, then the subject ('' without a certificate).
      const peer = tls.peer;
      if (peer === undefined) return name.matches('');
      for (const san of peer.uriSans) if (name.matches(san)) return true;
      for (const san of peer.dnsSans) if (name.matches(san)) return true;
      return name.matches(peer.subject);
    }
    case 'directRemoteIp':
      return p.range.contains(ds.remoteAddress);
    case 'remoteIp': {
      const source = filter.remoteIp;
      if (source.kind === 'xff') {
        const forwarded = xffAddress(ds, source.xffTrustedHops);
        // An entry that is not an address is skipped for the connection's peer, as Envoy does.
        if (forwarded !== undefined && p.range.parses(forwarded)) return p.range.contains(forwarded);
      }
      return p.range.contains(ds.remoteAddress);
    }
    case 'header':
      return p.matcher.matches(ds.request);
  }
}

// Loops rather than some/every with closures: this runs for every request on a filtered listener.
function anyPermits(list: readonly RbacPermission[], ds: Downstream): boolean {
  for (const p of list) if (permits(p, ds)) return true;
  return false;
}

function anyIdentifies(list: readonly RbacPrincipal[], ds: Downstream, filter: RbacFilterConfig): boolean {
  for (const p of list) if (identifies(p, ds, filter)) return true;
  return false;
}

export interface RbacDecision {
  readonly allowed: boolean;
  /** The policy that decided (the first matching one by name); undefined when none matched. */
  readonly policy: string | undefined;
}

/** One rule set's decision for a request. */
export function decide(rules: RbacRules, ds: Downstream, filter: RbacFilterConfig): RbacDecision {
  let matched: string | undefined;
  for (const policy of rules.policies) {
    if (anyPermits(policy.permissions, ds) && anyIdentifies(policy.principals, ds, filter)) {
      matched = policy.name;
      break;
    }
  }
  const hit = matched !== undefined;
  return { allowed: rules.action === 'ALLOW' ? hit : !hit, policy: matched };
}

/** Envoy's response code details for a denial (spaces in a policy name would split an access log field). */
export function deniedDetails(policy: string | undefined): string {
  return `rbac_access_denied_matched_policy[${(policy ?? 'none').replace(/\s/g, '_')}]`;
}

/**
 * Runs the connection manager's RBAC filters in order; true when one denied the request, which has then been
 * answered (403 `RBAC: access denied`, flag RBAC, or a gRPC PERMISSION_DENIED) and must not be routed.
 */
export function rbacDenied(
  filters: readonly RbacFilterConfig[],
  ds: Downstream,
  httpStats: HttpStats,
  info: RequestInfo,
): boolean {
  for (const filter of filters) {
    const rules = filter.rules;
    if (rules === undefined) continue;
    const decision = decide(rules, ds, filter);
    const stats = httpStats.rbac(filter.rulesStatPrefix);
    if (decision.allowed) {
      stats.allowed.value++;
      continue;
    }
    stats.denied.value++;
    info.responseCodeDetails = deniedDetails(decision.policy);
    ds.body.resume();
    rescue(ds, 'rbac_access_denied', info);
    return true;
  }
  return false;
}
