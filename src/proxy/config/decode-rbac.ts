// envoy.filters.http.rbac (RBAC v3) → RbacFilterConfig. Only what Envoy would enforce exactly as we do is taken;
// every other field (shadow rules, matcher trees, CEL conditions, metadata, ...) is refused with its field path.
import type { Permission__Output } from '../../xds/protos/generated/envoy/config/rbac/v3/Permission.ts';
import type { Policy__Output } from '../../xds/protos/generated/envoy/config/rbac/v3/Policy.ts';
import type { Principal__Output } from '../../xds/protos/generated/envoy/config/rbac/v3/Principal.ts';
import type { RBAC__Output as RbacRulesOutput } from '../../xds/protos/generated/envoy/config/rbac/v3/RBAC.ts';
import type { RBAC__Output as RbacFilterOutput } from '../../xds/protos/generated/envoy/extensions/filters/http/rbac/v3/RBAC.ts';
import type { HttpFilter__Output } from '../../xds/protos/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.ts';
import { unpackAny } from '../../xds/protos/index.ts';
import type { AnyLike, HttpConnectionManager__Output } from '../../xds/protos/index.ts';
import type { Violations } from './config-error.ts';
import { decodeCidrRange } from './decode-rbac-cidr.ts';
import { decodeHeaderMatcher } from './header-matcher.ts';
import type {
  RbacFilterConfig,
  RbacPermission,
  RbacPolicy,
  RbacPrincipal,
  RbacRemoteIpSource,
  RbacRules,
} from './rbac-types.ts';
import { decodeStringMatcher } from './string-matcher.ts';

export const rbacFilterName = 'envoy.filters.http.rbac';
export const rbacTypeUrl = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';
export const rbacPerRouteTypeUrl = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute';

const filterConfigTypeUrl = 'type.googleapis.com/envoy.config.route.v3.FilterConfig';

/** Nesting deeper than this is refused: evaluation recurses, and no real policy comes near it. */
const maxDepth = 32;

/** The connection manager fields that decide which client address `remote_ip` sees. */
export interface RbacHcmContext {
  readonly useRemoteAddress: boolean;
  readonly xffNumTrustedHops: number;
}

export function rbacHcmContext(h: HttpConnectionManager__Output): RbacHcmContext {
  return {
    useRemoteAddress: h.use_remote_address?.value === true,
    xffNumTrustedHops: h.xff_num_trusted_hops,
  };
}

function tooDeep(depth: number, path: string, v: Violations): boolean {
  if (depth <= maxDepth) return false;
  v.add(path, `nested more than ${maxDepth} levels deep`);
  return true;
}

function decodePermission(
  p: Permission__Output,
  path: string,
  v: Violations,
  depth: number,
): RbacPermission | undefined {
  if (tooDeep(depth, path, v)) return undefined;
  switch (p.rule) {
    case 'any':
      if (p.any !== true) v.add(`${path}.any`, 'must be true');
      return { kind: 'any' };
    case 'and_rules':
    case 'or_rules': {
      const at = `${path}.${p.rule}.rules`;
      const list = p[p.rule]?.rules ?? [];
      if (list.length === 0) v.add(at, 'must have at least one rule');
      const rules = list.map((r, i) => decodePermission(r, `${at}[${i}]`, v, depth + 1));
      if (rules.some((r) => r === undefined)) return undefined;
      return { kind: p.rule === 'and_rules' ? 'and' : 'or', rules: rules as RbacPermission[] };
    }
    case 'not_rule': {
      if (!p.not_rule) {
        v.add(`${path}.not_rule`, 'is required');
        return undefined;
      }
      const rule = decodePermission(p.not_rule, `${path}.not_rule`, v, depth + 1);
      return rule === undefined ? undefined : { kind: 'not', rule };
    }
    case 'header': {
      const matcher = p.header ? decodeHeaderMatcher(p.header, `${path}.header`, v) : undefined;
      if (!p.header) v.add(`${path}.header`, 'is required');
      return matcher === undefined ? undefined : { kind: 'header', matcher };
    }
    case 'url_path': {
      if (p.url_path?.rule !== 'path') {
        v.add(`${path}.url_path.path`, 'is required');
        return undefined;
      }
      const matcher = decodeStringMatcher(p.url_path.path, `${path}.url_path.path`, v);
      return matcher === undefined ? undefined : { kind: 'urlPath', matcher };
    }
    case 'destination_port': {
      const port = p.destination_port ?? 0;
      if (port > 65_535) {
        v.add(`${path}.destination_port`, 'must be at most 65535');
        return undefined;
      }
      return { kind: 'destinationPort', port };
    }
    default:
      v.add(p.rule === undefined ? path : `${path}.${p.rule}`, 'is not supported by this proxy');
      return undefined;
  }
}

function decodePrincipal(
  p: Principal__Output,
  path: string,
  v: Violations,
  depth: number,
): RbacPrincipal | undefined {
  if (tooDeep(depth, path, v)) return undefined;
  switch (p.identifier) {
    case 'any':
      if (p.any !== true) v.add(`${path}.any`, 'must be true');
      return { kind: 'any' };
    case 'and_ids':
    case 'or_ids': {
      const at = `${path}.${p.identifier}.ids`;
      const list = p[p.identifier]?.ids ?? [];
      if (list.length === 0) v.add(at, 'must have at least one id');
      const ids = list.map((r, i) => decodePrincipal(r, `${at}[${i}]`, v, depth + 1));
      if (ids.some((r) => r === undefined)) return undefined;
      return { kind: p.identifier === 'and_ids' ? 'and' : 'or', ids: ids as RbacPrincipal[] };
    }
    case 'not_id': {
      if (!p.not_id) {
        v.add(`${path}.not_id`, 'is required');
        return undefined;
      }
      const id = decodePrincipal(p.not_id, `${path}.not_id`, v, depth + 1);
      return id === undefined ? undefined : { kind: 'not', id };
    }
    case 'authenticated': {
      const m = p.authenticated?.principal_name;
      if (m === null || m === undefined) return { kind: 'authenticated', name: undefined };
      const name = decodeStringMatcher(m, `${path}.authenticated.principal_name`, v);
      return name === undefined ? undefined : { kind: 'authenticated', name };
    }
    case 'direct_remote_ip':
    case 'remote_ip': {
      const range = decodeCidrRange(p[p.identifier], `${path}.${p.identifier}`, v);
      if (range === undefined) return undefined;
      return { kind: p.identifier === 'remote_ip' ? 'remoteIp' : 'directRemoteIp', range };
    }
    case 'header': {
      const matcher = p.header ? decodeHeaderMatcher(p.header, `${path}.header`, v) : undefined;
      if (!p.header) v.add(`${path}.header`, 'is required');
      return matcher === undefined ? undefined : { kind: 'header', matcher };
    }
    default:
      v.add(p.identifier === undefined ? path : `${path}.${p.identifier}`, 'is not supported by this proxy');
      return undefined;
  }
}

function decodePolicy(name: string, p: Policy__Output, path: string, v: Violations): RbacPolicy {
  if (p.condition !== null) v.add(`${path}.condition`, 'CEL conditions are not supported by this proxy');
  if (p.checked_condition !== null)
    v.add(`${path}.checked_condition`, 'CEL conditions are not supported by this proxy');
  if (p.permissions.length === 0) v.add(`${path}.permissions`, 'must have at least one permission');
  if (p.principals.length === 0) v.add(`${path}.principals`, 'must have at least one principal');
  const permissions = p.permissions.map((x, i) => decodePermission(x, `${path}.permissions[${i}]`, v, 1));
  const principals = p.principals.map((x, i) => decodePrincipal(x, `${path}.principals[${i}]`, v, 1));
  return {
    name,
    permissions: permissions.filter((x) => x !== undefined),
    principals: principals.filter((x) => x !== undefined),
  };
}

function decodeRules(r: RbacRulesOutput, path: string, v: Violations): RbacRules {
  if (r.action !== 'ALLOW' && r.action !== 'DENY')
    v.add(`${path}.action`, `${r.action} is not supported by this proxy (ALLOW and DENY are)`);
  if (r.audit_logging_options !== null)
    v.add(`${path}.audit_logging_options`, 'is not supported by this proxy');
  // Envoy keeps policies in a name-ordered map: the first match by name is the one a decision reports.
  const names = Object.keys(r.policies).sort();
  const policies = names.map((name) =>
    decodePolicy(name, r.policies[name]!, `${path}.policies[${JSON.stringify(name)}]`, v),
  );
  return { action: r.action === 'DENY' ? 'DENY' : 'ALLOW', policies };
}

/** `v` is given when a policy uses remote_ip, the only principal the source matters to. */
function remoteIpSource(ctx: RbacHcmContext, path: string, v: Violations | undefined): RbacRemoteIpSource {
  if (!ctx.useRemoteAddress) return { kind: 'xff', xffTrustedHops: ctx.xffNumTrustedHops };
  if (ctx.xffNumTrustedHops > 0)
    v?.add(path, 'remote_ip with use_remote_address and xff_num_trusted_hops is not supported by this proxy');
  return { kind: 'connection' };
}

function usesRemoteIp(rules: RbacRules | undefined): boolean {
  const walk = (p: RbacPrincipal): boolean => {
    switch (p.kind) {
      case 'remoteIp':
        return true;
      case 'and':
      case 'or':
        return p.ids.some(walk);
      case 'not':
        return walk(p.id);
      default:
        return false;
    }
  };
  return rules?.policies.some((policy) => policy.principals.some(walk)) ?? false;
}

/** Decodes one RBAC entry of an HCM's http_filters; violations go to `v` with paths under `path`. */
export function decodeRbacFilter(
  f: HttpFilter__Output,
  ctx: RbacHcmContext,
  path: string,
  v: Violations,
): RbacFilterConfig | undefined {
  if (f.disabled) v.add(`${path}.disabled`, 'per-route filter enabling is not supported by this proxy');
  const any = f.typed_config;
  if (f.config_type !== 'typed_config' || !any) {
    v.add(path, 'the RBAC filter needs a typed_config (config_discovery is not supported by this proxy)');
    return undefined;
  }
  if (any.type_url !== rbacTypeUrl) {
    v.add(`${path}.typed_config`, `expected ${rbacTypeUrl}, got ${any.type_url}`);
    return undefined;
  }
  let c: RbacFilterOutput;
  try {
    c = unpackAny(any) as RbacFilterOutput;
  } catch (cause) {
    v.add(`${path}.typed_config`, (cause as Error).message);
    return undefined;
  }
  const at = `${path}.typed_config`;
  const unsupported: [boolean, string][] = [
    [c.shadow_rules !== null, 'shadow_rules'],
    [c.shadow_rules_stat_prefix !== '', 'shadow_rules_stat_prefix'],
    [c.matcher !== null, 'matcher'],
    [c.shadow_matcher !== null, 'shadow_matcher'],
    [c.track_per_rule_stats, 'track_per_rule_stats'],
  ];
  for (const [isSet, field] of unsupported)
    if (isSet) v.add(`${at}.${field}`, 'is not supported by this proxy');
  const rules = c.rules === null ? undefined : decodeRules(c.rules, `${at}.rules`, v);
  const remoteIp = remoteIpSource(ctx, `${at}.rules`, usesRemoteIp(rules) ? v : undefined);
  return { filterName: f.name, rules, rulesStatPrefix: c.rules_stat_prefix, remoteIp };
}

/**
 * Per-route RBAC (RBACPerRoute, bare or inside a FilterConfig) would change what the listener's filter enforces on
 * some routes: refused, where silently ignoring it would enforce the wrong policy there.
 */
export function refuseRbacPerRoute(
  configs: Readonly<Record<string, AnyLike>> | null | undefined,
  path: string,
  v: Violations,
): void {
  // Decoded protos always carry the map; routes the proxy builds itself (local backends) may not.
  for (const [name, any] of Object.entries(configs ?? {})) {
    let typeUrl = any.type_url;
    if (typeUrl === filterConfigTypeUrl) {
      try {
        typeUrl = (unpackAny(any) as { config?: AnyLike | null }).config?.type_url ?? '';
      } catch {
        typeUrl = '';
      }
    }
    if (typeUrl === rbacPerRouteTypeUrl || name === rbacFilterName)
      v.add(
        `${path}.typed_per_filter_config[${JSON.stringify(name)}]`,
        'per-route RBAC is not supported by this proxy',
      );
  }
}
