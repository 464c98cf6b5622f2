// Fan-out and isolation: 500 delta streams all get an update; a client that stops reading never delays another.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createResource } from '../../src/xds/protos/resource.ts';
import type { Resource } from '../../src/xds/protos/resource.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { AdsTestClient, testNode } from './ads-test-client.ts';
import type { DeltaStream } from './ads-test-client.ts';
import { cluster, snapshot, startServer } from './fixtures.ts';
import { waitFor } from '../support/wait-for.ts';
import { StuckSotwStream } from './stuck-h2-client.ts';
import type { RunningServer } from './fixtures.ts';

let srv: RunningServer;
const clients: AdsTestClient[] = [];
const snapshotLatencies: number[] = [];

before(async () => {
  srv = await startServer({
    callbacks: { onResponse: (_c, e) => e.trigger === 'snapshot' && snapshotLatencies.push(e.latencyMs) },
  });
});
after(async () => {
  for (const c of clients) c.close();
  await srv.close();
});

test('500 concurrent delta streams all receive an update', async (t) => {
  const streamCount = 500;
  const perConnection = 50;
  const base = Array.from({ length: 20 }, (_, i) => cluster(`c${i}`));
  for (let i = 0; i < streamCount; i++) srv.cache.setSnapshot(`scale-${i}`, snapshot(...base));
  const streams: DeltaStream[] = [];
  for (let i = 0; i < streamCount; i++) {
    if (i % perConnection === 0) clients.push(new AdsTestClient(srv.port));
    const s = clients.at(-1)!.delta();
    s.send({ node: testNode(`scale-${i}`), type_url: typeUrls.cluster });
    streams.push(s);
  }
  const initial = await Promise.all(streams.map((s) => s.inbox.next('initial CDS', 20000)));
  for (const [i, res] of initial.entries()) {
    assert.equal(res.resources.length, 20);
    streams[i]!.send({ type_url: typeUrls.cluster, response_nonce: res.nonce });
  }
  await waitFor('every stream to be listed', () => srv.server.clients().length >= streamCount, {
    intervalMs: 0,
    timeoutMs: 10_000,
  });

  // One changed cluster, shared by every node's snapshot: encoded once, sent 500 times.
  const changed = [cluster('c0', 1), ...base.slice(1)];
  snapshotLatencies.length = 0;
  const start = performance.now();
  for (let i = 0; i < streamCount; i++) srv.cache.setSnapshot(`scale-${i}`, snapshot(...changed));
  const setMs = performance.now() - start;
  const updates = await Promise.all(streams.map((s) => s.inbox.next('CDS update', 20000)));
  const allMs = performance.now() - start;
  for (const res of updates) assert.equal(res.resources.map((r) => r.name).join(), 'c0');
  t.diagnostic(
    `setSnapshot x${streamCount}: ${setMs.toFixed(1)} ms; update received by all ${streamCount} streams after ${allMs.toFixed(1)} ms`,
  );
  assert.ok(allMs < 10000, `fan-out took ${allMs} ms`);
  // The server's own set-to-write measurement, reported through onResponse for every stream.
  assert.equal(snapshotLatencies.length, streamCount);
  const sorted = [...snapshotLatencies].sort((a, b) => a - b);
  const p50 = sorted[streamCount >> 1]!;
  t.diagnostic(`server set-to-write latency: p50 ${p50.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
});

function bigCluster(i: number, rev: number): Resource {
  // ~2 KB each, so one full CDS response (~200 KB) overflows a stuck client's HTTP/2 window.
  return createResource(typeUrls.cluster, {
    name: `big${i}`,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {} }, service_name: `svc-${i}-${'x'.repeat(2000)}` },
    connect_timeout: { seconds: 1 + (i === 0 ? rev : 0) },
  });
}

test('a client that never reads does not delay another client, and its stream stops buffering', async (t) => {
  const liveClient = new AdsTestClient(srv.port);
  clients.push(liveClient);
  const build = (rev: number) => snapshot(...Array.from({ length: 100 }, (_, i) => bigCluster(i, rev)));
  srv.cache.setSnapshot('stuck', build(0));
  srv.cache.setSnapshot('live', build(0));
  const stuck = new StuckSotwStream(srv.port, { node: testNode('stuck'), type_url: typeUrls.cluster });
  t.after(() => stuck.close());
  const live = liveClient.sotw();
  live.send({ node: testNode('live'), type_url: typeUrls.cluster });
  await live.inbox.next('initial CDS');

  const latencies: number[] = [];
  let rev = 0;
  const stalled = () => srv.server.clients().find((c) => c.nodeId === 'stuck')?.stalled === true;
  for (; rev < 60 && !stalled();) {
    rev++;
    const started = performance.now();
    srv.cache.setSnapshot('stuck', build(rev));
    srv.cache.setSnapshot('live', build(rev));
    const res = await live.inbox.next(`live update ${rev}`);
    latencies.push(performance.now() - started);
    assert.equal(res.resources.length, 100);
  }
  assert.ok(stalled(), `the stuck stream never reported backpressure after ${rev} updates`);
  // Further updates while it is stalled: the live client keeps getting them promptly; the stuck one gets nothing queued.
  const stalledAt = srv.server.clients().find((c) => c.nodeId === 'stuck')?.types[0]?.lastSentVersion;
  for (let i = 0; i < 10; i++) {
    rev++;
    const started = performance.now();
    srv.cache.setSnapshot('stuck', build(rev));
    srv.cache.setSnapshot('live', build(rev));
    await live.inbox.next(`live update ${rev} while the other is stalled`);
    latencies.push(performance.now() - started);
  }
  const stuckStatus = srv.server.clients().find((c) => c.nodeId === 'stuck');
  assert.equal(
    stuckStatus?.types[0]?.lastSentVersion,
    stalledAt,
    'nothing more was written to the stalled stream',
  );
  const worst = Math.max(...latencies);
  t.diagnostic(
    `stuck client stalled after ${rev - 10} updates; live client latency max ${worst.toFixed(1)} ms`,
  );
  assert.ok(worst < 1000, `live client waited ${worst} ms`);

  // Once it reads again, the stuck client catches up to the latest state (coalesced, not every intermediate one).
  const latest = build(rev).version(typeUrls.cluster);
  const seen = await stuck.resumeUntil((res) => res.version_info === latest);
  assert.ok(seen < rev, `the stuck client received ${seen} responses for ${rev} updates`);
});
