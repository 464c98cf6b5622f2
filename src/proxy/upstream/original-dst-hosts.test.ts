// Passthrough destinations: parsing what the app named, the bound on destinations, idle eviction, loop refusal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock.ts';
import type { MatchRequest } from '../config/match-request.ts';
import type { Host } from './host.ts';
import { OriginalDstHosts, parseDestination, passthroughMarkerHeader } from './original-dst-hosts.ts';

const req = (authority: string, headers: Record<string, string> = {}): MatchRequest => ({
  method: 'GET',
  path: '/',
  pathOnly: '/',
  query: '',
  authority,
  scheme: 'http',
  headers,
});

test('destinations are IP literals with an optional port (80 by default); anything else is refused', () => {
  assert.deepEqual(parseDestination('127.0.0.1:8080'), { address: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseDestination('127.0.0.1'), { address: '127.0.0.1', port: 80 });
  assert.deepEqual(parseDestination('[::1]:81'), { address: '::1', port: 81 });
  assert.deepEqual(parseDestination('[::1]'), { address: '::1', port: 80 });
  for (const bad of [
    'example.com',
    'example.com:80',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    '127.0.0.1:8a',
    '[::1',
    '::1',
    '[127.0.0.1]:80',
    '',
  ])
    assert.equal(parseDestination(bad), undefined, bad);
});

test('one host per destination, at most maxHosts, idle ones evicted and retired; marked requests refused', () => {
  const clock = new ManualClock();
  const retired: Host[] = [];
  const hosts = new OriginalDstHosts({ headerName: 'host', maxHosts: 2, idleMs: 1_000 }, clock, (h) =>
    retired.push(h),
  );
  const a = hosts.hostFor(req('127.0.0.1:1001'));
  assert.equal(hosts.hostFor(req('127.0.0.1:1001')), a);
  const b = hosts.hostFor(req('127.0.0.1:1002'))!;
  b.activeRequests = 1;
  assert.equal(hosts.hostFor(req('127.0.0.1:1003')), undefined, 'full');
  clock.advance(1_000);
  const c = hosts.hostFor(req('127.0.0.1:1003'));
  assert.equal(c?.port, 1003, 'the idle one made room');
  assert.deepEqual(retired, [a]);
  assert.equal(a?.removed, true);
  assert.equal(hosts.size, 2, 'the busy one stays');
  assert.equal(hosts.hostFor(req('127.0.0.1:1001', { [passthroughMarkerHeader]: '1' })), undefined);
  hosts.clear();
  assert.equal(hosts.size, 0);
  assert.equal(retired.length, 3);
});

test('the header named in the cluster is read; host means the authority', () => {
  const hosts = new OriginalDstHosts(
    { headerName: 'x-envoy-original-dst-host', maxHosts: 4, idleMs: 1_000 },
    new ManualClock(),
    () => {},
  );
  assert.equal(hosts.hostFor(req('127.0.0.1:1')), undefined);
  assert.equal(hosts.hostFor(req('x', { 'x-envoy-original-dst-host': '127.0.0.2:9' }))?.key, '127.0.0.2:9');
});
