// /stats filtering and its JSON form, over the text form's lines (names with `:` included).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatsStore } from '../stats/stats-store.ts';
import { StatsFilterError, statsJson, statsQuery, statsText } from './stats-json.ts';

function store(): string {
  const stats = new StatsStore();
  stats.counter('cluster.svc:8080.upstream_rq_total').inc(3);
  stats.counter('cluster.svc:8080.upstream_rq_retry');
  stats.gauge('server.live').set(1);
  stats.histogram('cluster.svc:8080.upstream_rq_time').record(5);
  return stats.renderText();
}

test('?filter= keeps matching names; ?usedonly drops zeros', () => {
  const text = store();
  assert.equal(
    statsText(text, statsQuery(new URLSearchParams('filter=rq_(total|retry)$'))),
    'cluster.svc:8080.upstream_rq_retry: 0\ncluster.svc:8080.upstream_rq_total: 3\n',
  );
  assert.equal(
    statsText(text, statsQuery(new URLSearchParams('filter=rq_(total|retry)$&usedonly'))),
    'cluster.svc:8080.upstream_rq_total: 3\n',
  );
});

test('?format=json lists counters and gauges with values, histograms by name', () => {
  assert.deepEqual(statsJson(store(), statsQuery(new URLSearchParams('filter=^(server|cluster.*time)'))), {
    stats: [
      { name: 'server.live', value: 1 },
      {
        histograms: {
          supported_quantiles: [],
          computed_quantiles: [{ name: 'cluster.svc:8080.upstream_rq_time', values: [] }],
        },
      },
    ],
  });
});

test('an invalid or oversized filter is a StatsFilterError', () => {
  assert.throws(() => statsQuery(new URLSearchParams('filter=(')), StatsFilterError);
  assert.throws(() => statsQuery(new URLSearchParams(`filter=${'a'.repeat(1025)}`)), StatsFilterError);
});
