// Retries go to another instance: with one of two hosts refusing connections, no request fails.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freePorts } from '../support/free-ports.ts';
import { ms } from './envoy-fixtures.ts';
import { counter, startSingleRouteProxy } from './harness.ts';
import { startNamedServer } from '../support/echo-apps.ts';
import { closeClientAgent, request } from './harness.ts';

after(() => closeClientAgent());

const requests = 1_000;
const concurrency = 20;

const retryPolicy = {
  retry_on: 'connect-failure,5xx',
  num_retries: { value: 3 },
  retry_back_off: { base_interval: ms(1), max_interval: ms(2) },
  retry_host_predicate: [
    {
      name: 'envoy.retry_host_predicates.previous_hosts',
      typed_config: {
        type_url: 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
        value: Buffer.alloc(0),
      },
    },
  ],
  host_selection_retry_max_attempts: 3,
};

/** Sends `requests` requests, `concurrency` at a time; returns the statuses that were not 200. */
async function failures(port: number): Promise<number[]> {
  const bad: number[] = [];
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < requests) {
      sent++;
      const res = await request(port, '/');
      if (res.status !== 200) bad.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return bad;
}

for (const lb of ['RANDOM', 'LEAST_REQUEST', 'ROUND_ROBIN'] as const) {
  test(`${lb}: two instances, one dead, 3 retries avoiding previous hosts: 0 of ${requests} fail`, async () => {
    const live = await startNamedServer('live');
    const [dead] = await freePorts(1);
    const h = await startSingleRouteProxy(
      [dead!, live.port],
      { retry_policy: retryPolicy },
      {
        lb_policy: lb,
        // As the translation sends: no cluster-wide retry budget (Envoy's default of 3 would 503 concurrent retries).
        circuit_breakers: { thresholds: [{ max_retries: { value: 1_000_000 } }] },
      },
    );
    try {
      assert.deepEqual(await failures(h.port), []);
      assert.equal(live.hits, requests);
      // The dead host really was picked (and retried away from) for a good share of requests.
      assert.ok(counter(h.proxy, 'cluster.svc.upstream_rq_retry') > requests / 10);
    } finally {
      await h.close();
      await live.close();
    }
  });
}
