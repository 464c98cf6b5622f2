// Golden-metrics reports on the xDS port need the same proof as ADS streams when authentication is on: a
// report without a token, or with another node's, is refused and counts nothing; the node's own token reports.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { systemClock } from '../../src/proxy/clock.ts';
import { MeshMetrics } from '../../src/proxy/mesh-metrics/mesh-metrics.ts';
import { MetricsReporter } from '../../src/proxy/mesh-metrics/metrics-reporter.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { TestProxyAuthority } from '../support/proxy-authority-fixture.ts';
import { waitFor } from '../support/wait-for.ts';

const front = { meshName: 'mauth', kind: 'virtualNode', name: 'front' } as const;
const back = { meshName: 'mauth', kind: 'virtualNode', name: 'back' } as const;
const authority = new TestProxyAuthority();
let cp: TestControlPlane;
const reporters: MetricsReporter[] = [];

before(async () => {
  cp = await startTestControlPlane([], { proxyAuth: authority });
  const api = new MeshApiClient(cp.endpoint);
  await api.createMesh('mauth');
  await api.createNode('mauth', 'front', servingNode('front', 8080));
  await api.createNode('mauth', 'back', servingNode('back', 8080));
});
after(async () => {
  for (const r of reporters) await r.close();
  await cp?.close();
});

/** A reporter for `front` with one request counted, presenting `token` (none when undefined). */
function report(token: string | undefined): MetricsReporter {
  const metrics = new MeshMetrics();
  metrics.record(
    'color.mauth.local_80',
    {
      routeName: 'r',
      clusterName: 'cds_egress_mauth_back_http_8080',
      responseCode: 200,
      responseFlags: '',
    },
    1,
  );
  const reporter = new MetricsReporter({
    metrics,
    node: { id: 'mesh/mauth/virtualNode/front' },
    server: () => `127.0.0.1:${cp.running.xdsAddress.port}`,
    intervalMs: 50,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    backOff: { baseMs: 50, maxMs: 200 },
    metadata: () => {
      const metadata = new grpc.Metadata();
      if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
      return metadata;
    },
  });
  reporters.push(reporter);
  reporter.start();
  return reporter;
}

const reportingProxies = async (): Promise<number> => {
  const text = await fetch(`${cp.endpoint}/metrics`).then((r) => r.text());
  return Number(/^switchyard_metrics_reporting_proxies\s+(\d+)/m.exec(text)?.[1] ?? 'NaN');
};

test('a report without a token or with another node\u2019s token is refused; the node\u2019s own token reports', async () => {
  const anonymous = report(undefined);
  const foreign = report(authority.issue(back).token);
  await waitFor('both refused a few times', () => anonymous.endedStreams >= 2 && foreign.endedStreams >= 2);
  assert.equal(await reportingProxies(), 0);
  await anonymous.close();
  await foreign.close();

  report(authority.issue(front).token);
  await waitFor('the proxy with its own token reports', async () => (await reportingProxies()) === 1);
  const refusals = cp.running.xds.refusals();
  assert.ok(
    Object.keys(refusals).some((reason) => reason.includes('no proxy token')),
    JSON.stringify(refusals),
  );
  assert.ok(
    Object.keys(refusals).some((reason) => reason.includes('another node')),
    JSON.stringify(refusals),
  );
});
