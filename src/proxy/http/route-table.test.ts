import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MatchRequest } from '../config/match-request.ts';
import { decodeRouteConfiguration } from '../config/decode-route-configuration.ts';
import { packAny, typeUrls, unpackAny } from '../../xds/protos/index.ts';
import { RouteTable } from './route-table.ts';

function table(virtualHosts: object[], extra: object = {}): RouteTable {
  const rc = unpackAny(
    packAny(typeUrls.routeConfiguration, { name: 'rt', virtual_hosts: virtualHosts, ...extra }),
    typeUrls.routeConfiguration,
  );
  return new RouteTable(decodeRouteConfiguration(rc));
}

function req(authority: string, path = '/', headers: Record<string, string> = {}): MatchRequest {
  const q = path.indexOf('?');
  return {
    method: 'GET',
    path,
    pathOnly: q < 0 ? path : path.slice(0, q),
    query: q < 0 ? '' : path.slice(q + 1),
    authority,
    scheme: 'http',
    headers,
  };
}

const to = (cluster: string) => [{ match: { prefix: '/' }, route: { cluster } }];

test('virtual host order: exact, longest suffix wildcard, longest prefix wildcard, then *', () => {
  const t = table([
    { name: 'star', domains: ['*'], routes: to('star') },
    { name: 'suffix-short', domains: ['*.com'], routes: to('suffix-short') },
    { name: 'suffix-long', domains: ['*.foo.com'], routes: to('suffix-long') },
    { name: 'prefix', domains: ['foo.*', 'foo.bar.*'], routes: to('prefix') },
    { name: 'exact', domains: ['www.foo.com', 'www.foo.com:8080'], routes: to('exact') },
  ]);
  const vh = (host: string) => t.lookup(req(host)).vhost?.name;
  assert.equal(vh('www.foo.com'), 'exact');
  assert.equal(vh('WWW.FOO.COM'), 'exact');
  assert.equal(vh('www.foo.com:8080'), 'exact');
  assert.equal(vh('api.foo.com'), 'suffix-long');
  assert.equal(vh('x.com'), 'suffix-short');
  assert.equal(vh('foo.org'), 'prefix');
  assert.equal(vh('.foo.com'), 'suffix-short', 'a wildcard never matches the empty string');
  assert.equal(
    vh('www.foo.com:9090'),
    'star',
    'a host with a port only matches domains written with that port',
  );
  assert.equal(vh('other'), 'star');
});

test('ignore_port_in_host_matching strips the port before lookup', () => {
  const t = table([{ name: 'svc', domains: ['svc'], routes: to('svc') }], {
    ignore_port_in_host_matching: true,
  });
  assert.equal(t.lookup(req('svc:8080')).vhost?.name, 'svc');
});

test('routes: first match wins; headers AND-ed with invert, present, range; query parameters; grpc', () => {
  const t = table([
    {
      name: 'v',
      domains: ['*'],
      routes: [
        {
          match: {
            prefix: '/api',
            headers: [
              { name: 'x-env', string_match: { exact: 'prod' }, invert_match: true },
              { name: 'x-user', present_match: true },
            ],
          },
          route: { cluster: 'not-prod-user' },
        },
        {
          match: { prefix: '/api', headers: [{ name: 'x-version', range_match: { start: 2, end: 5 } }] },
          route: { cluster: 'v2-4' },
        },
        {
          match: { prefix: '/api', query_parameters: [{ name: 'debug', string_match: { exact: 'true' } }] },
          route: { cluster: 'debug' },
        },
        { match: { prefix: '/', grpc: {} }, route: { cluster: 'grpc' } },
        { match: { prefix: '/API', case_sensitive: { value: false } }, route: { cluster: 'api-any-case' } },
        { match: { path_separated_prefix: '/docs' }, route: { cluster: 'docs' } },
        { match: { prefix: '/' }, route: { cluster: 'default' } },
      ],
    },
  ]);
  const cluster = (path: string, headers: Record<string, string> = {}) => {
    const r = t.lookup(req('h', path, headers)).route;
    return r?.action.kind === 'forward' ? r.action.clusters[0]?.name : undefined;
  };
  assert.equal(cluster('/api', { 'x-env': 'dev', 'x-user': 'u' }), 'not-prod-user');
  assert.equal(cluster('/api', { 'x-env': 'prod', 'x-user': 'u' }), 'api-any-case');
  assert.equal(
    cluster('/api', { 'x-user': 'u' }),
    'api-any-case',
    'a missing header never matches, even inverted',
  );
  assert.equal(cluster('/api', { 'x-version': '3' }), 'v2-4');
  assert.equal(cluster('/api', { 'x-version': '5' }), 'api-any-case');
  assert.equal(cluster('/api', { 'x-version': '3.5' }), 'api-any-case');
  assert.equal(cluster('/api?debug=true'), 'debug');
  assert.equal(cluster('/api?debug=false'), 'api-any-case');
  assert.equal(cluster('/x', { 'content-type': 'application/grpc+proto' }), 'grpc');
  assert.equal(cluster('/Api/x'), 'api-any-case');
  assert.equal(cluster('/docs'), 'docs');
  assert.equal(cluster('/docs/a'), 'docs');
  assert.equal(cluster('/docsx'), 'default');
});
