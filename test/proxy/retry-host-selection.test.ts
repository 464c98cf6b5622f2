// Host selection for retries: the previous_hosts re-pick avoids tried hosts whatever the balancer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cluster as clusterFixture, endpoints } from './envoy-fixtures.ts';
import { ManualClock } from '../../src/proxy/clock.ts';
import { decodeCluster } from '../../src/proxy/config/decode-cluster.ts';
import { decodeClusterLoadAssignment } from '../../src/proxy/config/decode-cluster-load-assignment.ts';
import { StatsStore } from '../../src/proxy/stats/stats-store.ts';
import { Cluster } from '../../src/proxy/upstream/cluster.ts';
import type { Host } from '../../src/proxy/upstream/host.ts';

function makeCluster(
  lbPolicy: 'ROUND_ROBIN' | 'RANDOM' | 'LEAST_REQUEST',
  ports: number[],
  random: () => number,
) {
  const c = new Cluster(
    decodeCluster(clusterFixture('svc', { lb_policy: lbPolicy })),
    new StatsStore(),
    new ManualClock(),
    random,
  );
  c.setEndpoints(decodeClusterLoadAssignment(endpoints('svc', ports)));
  return c;
}

test('a retry never lands on a tried host while an untried one exists, for every balancer', () => {
  // A random source stuck at 0 makes RANDOM and LEAST_REQUEST always choose the first host.
  for (const lb of ['ROUND_ROBIN', 'RANDOM', 'LEAST_REQUEST'] as const) {
    const c = makeCluster(lb, [1, 2, 3], () => 0);
    const first = c.pickHost() as Host;
    for (let i = 0; i < 50; i++) {
      const second = c.pickHost([first], 3) as Host;
      assert.notEqual(second, first, lb);
      const third = c.pickHost([first, second], 3) as Host;
      assert.ok(third !== first && third !== second, lb);
    }
  }
});

test('with every host tried a retry still gets a host; without tried hosts the balancer is untouched', () => {
  const c = makeCluster('ROUND_ROBIN', [1, 2], () => 0);
  const [a, b] = c.hosts() as [Host, Host];
  assert.ok([a, b].includes(c.pickHost([a, b], 3) as Host));
  // Plain round robin continues in order after a re-pick.
  const order = Array.from({ length: 4 }, () => (c.pickHost() as Host).port);
  assert.deepEqual(order.slice(0, 2).sort(), [1, 2]);
  assert.deepEqual(order.slice(2).sort(), [1, 2]);
});

test('re-picks go through the balancer first, then an untried host is taken', () => {
  const c = makeCluster('ROUND_ROBIN', [1, 2, 3], () => 0);
  const [h1, h2] = c.hosts() as [Host, Host];
  assert.equal((c.pickHost() as Host).port, 1);
  // Round robin offers 2 (tried), its re-pick offers 3; the fallback scan would have started at 1.
  assert.equal((c.pickHost([h2], 3) as Host).port, 3);
  // No re-picks allowed: round robin offers 1 (tried) and the scan from index 0 takes the first untried host.
  assert.equal((c.pickHost([h1], 0) as Host).port, 2);
});
