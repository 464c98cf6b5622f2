// The RBAC HTTP filter's decoding: what is taken (compiled, in Envoy's policy order) and what is refused, each
// refusal naming its field path so the NACK says what to fix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, Violations } from '../../src/proxy/config/config-error.ts';
import { decodeCidrRange } from '../../src/proxy/config/decode-rbac-cidr.ts';
import type { CidrRange } from '../../src/proxy/config/decode-rbac-cidr.ts';
import { decodeListener } from '../../src/proxy/config/decode-listener.ts';
import { decodeRouteConfiguration } from '../../src/proxy/config/decode-route-configuration.ts';
import type { HttpConnectionManagerConfig } from '../../src/proxy/config/listener-types.ts';
import { packAny, typeUrls, unpackAny } from '../../src/xds/protos/index.ts';
import type { Listener__Output, RouteConfiguration__Output } from '../../src/xds/protos/index.ts';
import {
  exactPrincipal,
  hcmWithFilters,
  headerExact,
  pathPrefix,
  rbacFilter,
  rbacRules,
  routerFilter,
} from './rbac-fixtures.ts';

type Obj = Record<string, unknown>;

const at = 'filter_chains.filters[0].typed_config.http_filters[0]';

function listener(httpFilters: Obj[], hcm: Obj = {}): Listener__Output {
  return unpackAny(
    packAny(typeUrls.listener, {
      name: 'in',
      address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
      filter_chains: [{ filters: [hcmWithFilters('in', 'rc', httpFilters, hcm)] }],
    }),
  ) as Listener__Output;
}

function decodeHcm(httpFilters: Obj[], hcm: Obj = {}): HttpConnectionManagerConfig {
  const l = decodeListener(listener(httpFilters, hcm));
  assert.equal(l.filter.kind, 'http');
  return l.filter as HttpConnectionManagerConfig;
}

function violations(httpFilters: Obj[], hcm: Obj = {}): string[] {
  try {
    decodeListener(listener(httpFilters, hcm));
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.violations];
  }
  assert.fail('expected a ConfigError');
}

const policy = (permissions: Obj[], principals: Obj[], extra: Obj = {}): Obj => ({
  permissions,
  principals,
  ...extra,
});

describe('RBAC filter decoding', () => {
  test('no RBAC filter: the connection manager carries none (the request path skips it)', () => {
    assert.equal(decodeHcm([routerFilter]).rbac, undefined);
  });

  test('every supported permission and principal decodes; policies are kept in name order', () => {
    const hcm = decodeHcm([
      rbacFilter({
        ...rbacRules('ALLOW', {
          zeta: policy([{ any: true }], [{ any: true }]),
          alpha: policy(
            [
              {
                and_rules: {
                  rules: [
                    headerExact(':authority', 'color.local'),
                    pathPrefix('/api'),
                    headerExact(':method', 'GET'),
                  ],
                },
              },
              { or_rules: { rules: [{ destination_port: 8080 }, { not_rule: { any: true } }] } },
              { header: { name: ':path', prefix_match: '/x' } },
            ],
            [
              exactPrincipal('spiffe://t/mesh/m/virtualNode/a'),
              { authenticated: {} },
              {
                and_ids: {
                  ids: [{ direct_remote_ip: { address_prefix: '127.0.0.0', prefix_len: { value: 8 } } }],
                },
              },
              { or_ids: { ids: [{ remote_ip: { address_prefix: '::1', prefix_len: { value: 128 } } }] } },
              { not_id: { header: { name: 'x-evil', present_match: true } } },
            ],
          ),
        }),
        rules_stat_prefix: 'inbound_',
      }),
      routerFilter,
    ]);
    const filters = hcm.rbac ?? [];
    assert.equal(filters.length, 1);
    const f = filters[0]!;
    assert.equal(f.rulesStatPrefix, 'inbound_');
    assert.deepEqual(f.remoteIp, { kind: 'xff', xffTrustedHops: 0 });
    assert.equal(f.rules?.action, 'ALLOW');
    assert.deepEqual(
      f.rules?.policies.map((p) => p.name),
      ['alpha', 'zeta'],
    );
    const alpha = f.rules!.policies[0]!;
    assert.deepEqual(
      alpha.permissions.map((p) => p.kind),
      ['and', 'or', 'header'],
    );
    assert.deepEqual(
      alpha.principals.map((p) => p.kind),
      ['authenticated', 'authenticated', 'and', 'or', 'not'],
    );
    assert.ok(Object.isFrozen(f.rules!.policies));
  });

  test('a filter without rules enforces nothing; DENY is taken; use_remote_address makes remote_ip the peer', () => {
    assert.equal(decodeHcm([rbacFilter({}), routerFilter]).rbac?.[0]?.rules, undefined);
    const deny = decodeHcm(
      [
        rbacFilter(
          rbacRules('DENY', {
            p: policy(
              [{ any: true }],
              [{ remote_ip: { address_prefix: '10.0.0.0', prefix_len: { value: 8 } } }],
            ),
          }),
        ),
        routerFilter,
      ],
      { use_remote_address: { value: true } },
    );
    assert.equal(deny.rbac?.[0]?.rules?.action, 'DENY');
    assert.deepEqual(deny.rbac?.[0]?.remoteIp, { kind: 'connection' });
  });

  const refused: [string, Obj[], string[], Obj?][] = [
    [
      'shadow rules, matcher trees and per-rule stats',
      [
        rbacFilter({
          shadow_rules: { action: 'ALLOW' },
          shadow_rules_stat_prefix: 's_',
          matcher: { on_no_match: { action: { name: 'a' } } },
          track_per_rule_stats: true,
        }),
        routerFilter,
      ],
      [
        `${at}.typed_config.shadow_rules: is not supported by this proxy`,
        `${at}.typed_config.shadow_rules_stat_prefix: is not supported by this proxy`,
        `${at}.typed_config.matcher: is not supported by this proxy`,
        `${at}.typed_config.track_per_rule_stats: is not supported by this proxy`,
      ],
    ],
    [
      'the LOG action and audit logging',
      [rbacFilter({ rules: { action: 'LOG', audit_logging_options: {}, policies: {} } }), routerFilter],
      [
        `${at}.typed_config.rules.action: LOG is not supported by this proxy (ALLOW and DENY are)`,
        `${at}.typed_config.rules.audit_logging_options: is not supported by this proxy`,
      ],
    ],
    [
      'CEL conditions and empty policies',
      [rbacFilter(rbacRules('ALLOW', { p: { condition: { id: '1' } } })), routerFilter],
      [
        `${at}.typed_config.rules.policies["p"].condition: CEL conditions are not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].permissions: must have at least one permission`,
        `${at}.typed_config.rules.policies["p"].principals: must have at least one principal`,
      ],
    ],
    [
      'permissions outside the supported set, nested or not',
      [
        rbacFilter(
          rbacRules('ALLOW', {
            p: policy(
              [
                { metadata: { filter: 'f' } },
                { requested_server_name: { exact: 'a' } },
                { destination_ip: { address_prefix: '127.0.0.1' } },
                { and_rules: { rules: [{ any: true }, { destination_port_range: { start: 1, end: 2 } }] } },
                { not_rule: { uri_template: { name: 'u' } } },
                { or_rules: { rules: [] } },
              ],
              [{ any: true }],
            ),
          }),
        ),
        routerFilter,
      ],
      [
        `${at}.typed_config.rules.policies["p"].permissions[0].metadata: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].permissions[1].requested_server_name: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].permissions[2].destination_ip: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].permissions[3].and_rules.rules[1].destination_port_range: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].permissions[4].not_rule.uri_template: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].permissions[5].or_rules.rules: must have at least one rule`,
      ],
    ],
    [
      'principals outside the supported set, and bad CIDR ranges and matchers',
      [
        rbacFilter(
          rbacRules('ALLOW', {
            p: policy(
              [{ any: true }],
              [
                { source_ip: { address_prefix: '127.0.0.1' } },
                { metadata: { filter: 'f' } },
                { filter_state: { key: 'k' } },
                { url_path: { path: { exact: '/' } } },
                { direct_remote_ip: { address_prefix: '127.0.0.1', prefix_len: { value: 33 } } },
                { or_ids: { ids: [{ remote_ip: { address_prefix: 'localhost' } }] } },
                { authenticated: { principal_name: { safe_regex: { regex: '(' } } } },
              ],
            ),
          }),
        ),
        routerFilter,
      ],
      [
        `${at}.typed_config.rules.policies["p"].principals[0].source_ip: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].principals[1].metadata: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].principals[2].filter_state: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].principals[3].url_path: is not supported by this proxy`,
        `${at}.typed_config.rules.policies["p"].principals[4].direct_remote_ip.prefix_len: must be between 0 and 32 for 127.0.0.1`,
        `${at}.typed_config.rules.policies["p"].principals[5].or_ids.ids[0].remote_ip.address_prefix: "localhost" is not an IP address`,
        `${at}.typed_config.rules.policies["p"].principals[6].authenticated.principal_name.safe_regex.regex: invalid regex "(": Invalid regular expression: /^(?:()$/: Unterminated group`,
      ],
    ],
    [
      'an RBAC filter after the router, a disabled one, one delivered by ECDS',
      [
        routerFilter,
        rbacFilter({}, { disabled: true }),
        { name: 'envoy.filters.http.rbac', config_discovery: { type_urls: ['x'] } },
      ],
      [
        'filter_chains.filters[0].typed_config.http_filters[1]: must come before the router (the terminal filter)',
        'filter_chains.filters[0].typed_config.http_filters[1].disabled: per-route filter enabling is not supported by this proxy',
        'filter_chains.filters[0].typed_config.http_filters[2]: must come before the router (the terminal filter)',
        'filter_chains.filters[0].typed_config.http_filters[2]: the RBAC filter needs a typed_config (config_discovery is not supported by this proxy)',
      ],
    ],
    [
      'remote_ip when use_remote_address trusts x-forwarded-for hops',
      [
        rbacFilter(
          rbacRules('ALLOW', { p: policy([{ any: true }], [{ remote_ip: { address_prefix: '::' } }]) }),
        ),
        routerFilter,
      ],
      [
        `${at}.typed_config.rules: remote_ip with use_remote_address and xff_num_trusted_hops is not supported by this proxy`,
      ],
      { use_remote_address: { value: true }, xff_num_trusted_hops: 1 },
    ],
  ];
  for (const [name, filters, expected, hcm] of refused)
    test(`refused with field paths: ${name}`, () => {
      const got = violations(filters, hcm);
      for (const line of expected) assert.ok(got.includes(line), `missing "${line}" in\n${got.join('\n')}`);
      assert.equal(got.length, expected.length, got.join('\n'));
    });

  test('per-route RBAC (RBACPerRoute, bare or in a FilterConfig) is refused at every level', () => {
    const perRoute = {
      'envoy.filters.http.rbac': packAny(
        'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute',
        {},
      ),
    };
    const wrapped = {
      authz: packAny('type.googleapis.com/envoy.config.route.v3.FilterConfig', {
        config: packAny('type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute', {}),
      }),
    };
    const rc = unpackAny(
      packAny(typeUrls.routeConfiguration, {
        name: 'rc',
        typed_per_filter_config: perRoute,
        virtual_hosts: [
          {
            name: 'vh',
            domains: ['*'],
            typed_per_filter_config: wrapped,
            routes: [
              { match: { prefix: '/' }, route: { cluster: 'c' }, typed_per_filter_config: perRoute },
              {
                match: { prefix: '/w' },
                route: {
                  weighted_clusters: {
                    clusters: [{ name: 'c', weight: { value: 1 }, typed_per_filter_config: wrapped }],
                  },
                },
              },
            ],
          },
        ],
      }),
    ) as RouteConfiguration__Output;
    assert.throws(
      () => decodeRouteConfiguration(rc),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual([...error.violations].sort(), [
          'route_config.typed_per_filter_config["envoy.filters.http.rbac"]: per-route RBAC is not supported by this proxy',
          'virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.rbac"]: per-route RBAC is not supported by this proxy',
          'virtual_hosts[0].routes[1].route.weighted_clusters.clusters[0].typed_per_filter_config["authz"]: per-route RBAC is not supported by this proxy',
          'virtual_hosts[0].typed_per_filter_config["authz"]: per-route RBAC is not supported by this proxy',
        ]);
        return true;
      },
    );
  });
});

describe('RBAC CIDR ranges', () => {
  const range = (address_prefix: string, prefixLen: number): CidrRange => {
    const v = new Violations();
    const r = decodeCidrRange({ address_prefix, prefix_len: { value: prefixLen } }, 'r', v);
    assert.equal(v.count, 0);
    return r!;
  };

  test('IPv4 and IPv6 prefixes, host bits ignored, families kept apart', () => {
    const ten = range('10.1.2.3', 16);
    assert.equal(ten.contains('10.1.255.9'), true);
    assert.equal(ten.contains('10.2.0.1'), false);
    // A dual-stack socket's view of an IPv4 peer.
    assert.equal(ten.contains('::ffff:10.1.0.1'), true);
    assert.equal(ten.contains('::1'), false);
    const doc = range('2001:db8::', 32);
    assert.equal(doc.contains('2001:db8:0:1::5'), true);
    assert.equal(doc.contains('2001:0DB8:ffff::'), true);
    assert.equal(doc.contains('2001:db9::'), false);
    assert.equal(doc.contains('10.1.0.1'), false);
    assert.equal(range('::1', 128).contains('0:0:0:0:0:0:0:1'), true);
    assert.equal(range('fe80::', 10).contains('fe80::1%eth0'), true);
    assert.equal(range('::', 96).contains('::7f00:1'), true);
    assert.equal(range('0.0.0.0', 0).contains('203.0.113.9'), true);
    assert.equal(range('0.0.0.0', 0).contains('not-an-address'), false);
  });

  test('an address that is not one, or a prefix longer than the family, is refused', () => {
    const v = new Violations();
    assert.equal(decodeCidrRange({ address_prefix: '10.0.0.0/8', prefix_len: null }, 'r', v), undefined);
    assert.equal(decodeCidrRange({ address_prefix: '::', prefix_len: { value: 129 } }, 's', v), undefined);
    assert.throws(
      () => v.throwIfAny('x'),
      /r\.address_prefix: "10\.0\.0\.0\/8" is not an IP address; s\.prefix_len: must be between 0 and 128 for ::/,
    );
  });
});
