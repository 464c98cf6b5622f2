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
      return p.rules.every((r) => permits(r, ds));
    case 'or':
      return p.rules.some((r) => permits(r, ds));
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
      return p.ids.every((id) => identifies(id, ds, filter));
    case 'or':
      return p.ids.some((id) => identifies(id, ds, filter));
    case 'not':
      return !identifies(p.id, ds, filter);
    case 'authenticated': {
      const tls = ds.tls;
      if (tls === undefined) return false;
      const name = p.name;
      if (name === undefined) return true;
      // Envoy's order: every URI SAN, then every DNS SAN, then the subject ('' without a certificate).
      const peer = tls.peer;
      if (peer?.uriSans.some((s) => name.matches(s)) === true) return true;
      if (peer?.dnsSans.some((s) => name.matches(s)) === true) return true;
      return name.matches(peer?.subject ?? '');
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

export interface RbacDecision {
  readonly allowed: boolean;
  /** The policy that decided (the first matching one by name); undefined when none matched. */
  readonly policy: string | undefined;
}

/** One rule set's decision for a request. */
export function decide(rules: RbacRules, ds: Downstream, filter: RbacFilterConfig): RbacDecision {
  let matched: string | undefined;
  for (const policy of rules.policies) {
    if (
      policy.permissions.some((p) => permits(p, ds)) &&
      policy.principals.some((p) => identifies(p, ds, filter))
    ) {
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
