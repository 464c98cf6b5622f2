import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock.ts';
import type { OutlierDetectionConfig } from '../config/cluster-types.ts';
import { ClusterStats } from '../stats/cluster-stats.ts';
import { StatsStore } from '../stats/stats-store.ts';
import { Host } from './host.ts';
import { OutlierDetector } from './outlier-detector.ts';

const config: OutlierDetectionConfig = {
  consecutive5xx: 3,
  consecutiveGatewayFailure: 5,
  intervalMs: 10_000,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectionPercent: 50,
  enforcingConsecutive5xx: 100,
  enforcingConsecutiveGatewayFailure: 0,
  successfulHealthCheckUnejects: true,
};

function setup(n: number) {
  const clock = new ManualClock();
  const hosts = Array.from(
    { length: n },
    (_, i) =>
      new Host(
        {
          host: '10.0.0.1',
          port: i + 1,
          weight: 1,
          health: 'HEALTHY',
          priority: 0,
          healthCheckPort: undefined,
        },
        false,
      ),
  );
  let changes = 0;
  const stats = new ClusterStats(new StatsStore(), 'c');
  const detector = new OutlierDetector(
    config,
    { hosts: () => hosts, availabilityChanged: () => changes++ },
    stats,
    clock,
  );
  return { clock, hosts, detector, stats, changes: () => changes };
}

test('consecutive 5xx eject a host; a success in between resets the count', () => {
  const { hosts, detector, stats } = setup(4);
  const h = hosts[0] as Host;
  detector.onResponse(h, 500);
  detector.onResponse(h, 500);
  detector.onResponse(h, 200);
  detector.onResponse(h, 503);
  detector.onResponse(h, 500);
  assert.equal(h.ejected, false);
  detector.onFailure(h);
  assert.equal(h.ejected, true);
  assert.equal(stats.ejectionsEnforcedConsecutive5xx.value, 1);
  assert.equal(stats.ejectionsActive.value, 1);
});

test('ejected hosts return at the first interval after base × times ejected', () => {
  const { clock, hosts, detector } = setup(2);
  const h = hosts[0] as Host;
  for (let i = 0; i < 3; i++) detector.onResponse(h, 500);
  assert.equal(h.ejected, true);
  clock.advance(20_000);
  assert.equal(h.ejected, true);
  clock.advance(10_000);
  assert.equal(h.ejected, false, 'back after 30 s');
  for (let i = 0; i < 3; i++) detector.onResponse(h, 500);
  assert.equal(h.timesEjected, 2);
  clock.advance(30_000);
  assert.equal(h.ejected, true, 'second ejection lasts 60 s');
  clock.advance(30_000);
  assert.equal(h.ejected, false);
});

test('max ejection percent limits ejections but never blocks the first', () => {
  const { hosts, detector, stats } = setup(3);
  for (const h of hosts) for (let i = 0; i < 3; i++) detector.onResponse(h, 500);
  assert.equal(hosts.filter((h) => h.ejected).length, 1, '50% of 3 hosts allows one ejection');
  assert.equal(stats.ejectionsOverflow.value, 2);
});

test('a passing health check un-ejects', () => {
  const { hosts, detector } = setup(2);
  const h = hosts[1] as Host;
  for (let i = 0; i < 3; i++) detector.onResponse(h, 502);
  assert.equal(h.ejected, true);
  detector.onHealthCheckSuccess(h);
  assert.equal(h.ejected, false);
});
