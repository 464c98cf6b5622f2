import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';
import { startNamedServer } from '../support/echo-apps.ts';
import { closeClientAgent, request } from './harness.ts';

after(() => closeClientAgent());

test('smoke: a request goes through one proxy hop', async () => {
  const a = await startNamedServer('a');
  const proxy = new MeshProxy();
  try {
    await proxy.applyConfig(
      snapshot({
        listeners: [httpListener('out')],
        routeConfigurations: [routeConfig('out', [vhost('svc', ['svc'], [prefixRoute('/', 'a')])])],
        clusters: [cluster('a')],
        clusterLoadAssignments: [endpoints('a', [a.port])],
      }),
    );
    const port = proxy.listenerPort('out') ?? 0;
    const res = await request(port, '/hello');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'a');
    const miss = await request(port, '/hello', { host: 'other' });
    assert.equal(miss.status, 404);
  } finally {
    await proxy.close();
    await a.close();
  }
});
