// A proxy's private key must not leave the control plane by any door but that proxy's own SDS stream (issue 15
// review): `GET /switchyard/v1/xds/config` (what `switchyard proxy-config` reads) served every resource of the
// proxy's snapshot, the SDS Secrets with their inline private keys included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { call, startTestControlPlane } from '../support/in-process-control-plane.ts';
import { waitFor } from '../support/wait-for.ts';
import { AdsTestClient, testNode } from '../xds/ads-test-client.ts';

const identity = 'spiffe://example.org/mesh/m/virtualNode/x';

test('the proxy-config view never carries a private key', async (t) => {
  const { endpoint, running, close } = await startTestControlPlane([], {
    mtls: 'strict',
    trustDomain: 'example.org',
  });
  const client = new AdsTestClient(running.xdsAddress.port);
  t.after(async () => {
    client.close();
    await close();
  });
  assert.equal((await call(endpoint, 'PUT', '/v20190125/meshes', { meshName: 'm', spec: {} })).status, 200);
  const node = await call(endpoint, 'PUT', '/v20190125/meshes/m/virtualNodes', {
    virtualNodeName: 'x',
    spec: {
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: 'x.m.local' } },
    },
  });
  assert.equal(node.status, 200);

  // The proxy itself receives its key over SDS: that is the one place it may go.
  const stream = client.delta();
  stream.send({
    node: testNode('mesh/m/virtualNode/x'),
    type_url: typeUrls.secret,
    resource_names_subscribe: [identity],
  });
  const sds = await stream.inbox.next('x’s identity');
  assert.ok(JSON.stringify(sds).length > 0);

  let view = '';
  await waitFor('the proxy-config view of x', async () => {
    const answer = await fetch(`${endpoint}/switchyard/v1/xds/config?node=mesh/m/virtualNode/x`);
    if (answer.status !== 200) return false;
    view = await answer.text();
    return view.includes(typeUrls.listener);
  });
  const decoded = (JSON.parse(view) as { types: { resources: { value: string }[] }[] }).types
    .flatMap((type) => type.resources)
    .map((resource) => Buffer.from(resource.value, 'base64').toString('latin1'))
    .join('\n');
  assert.ok(decoded.includes('spiffe://example.org'), 'the view names the secrets');
  assert.ok(!/PRIVATE KEY/.test(decoded), 'a private key is in the proxy-config view');
  // What is not secret is still shown: the certificate and the trust bundle, the key as Envoy's dump prints it.
  assert.ok(decoded.includes('BEGIN CERTIFICATE'));
  assert.ok(decoded.includes('[redacted]'));
  assert.ok(!/PRIVATE KEY/.test(view));
});
