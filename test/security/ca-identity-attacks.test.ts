// What the built-in CA puts in a workload certificate must not be stretchable by API writes (issue 15 review): a
// virtual node whose DNS service-discovery hostname is `*.m.local` got a certificate with the DNS SAN `*.m.local`,
// which meets every exact SAN rule naming a host in m.local (`payments.m.local`), so one node could pass as any
// other behind a client policy's subjectAlternativeNames. And a name outside ASCII was written into the URI SAN
// one byte per UTF-16 unit (its low byte), so a node named "šdmin" (U+0161) held the identity of "admin".
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { unpackAny } from '../../src/xds/protos/any.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { call, startTestControlPlane } from '../support/in-process-control-plane.ts';
import { waitFor } from '../support/wait-for.ts';
import { AdsTestClient, testNode } from '../xds/ads-test-client.ts';

const identity = 'spiffe://example.org/mesh/m/virtualNode/wild';

test('a wildcard service-discovery hostname never becomes a wildcard DNS SAN', async (t) => {
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
  const created = await call(endpoint, 'PUT', '/v20190125/meshes/m/virtualNodes', {
    virtualNodeName: 'wild',
    spec: {
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: '*.m.local' } },
    },
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));

  const stream = client.delta();
  stream.send({
    node: testNode('mesh/m/virtualNode/wild'),
    type_url: typeUrls.secret,
    resource_names_subscribe: [identity],
  });
  const response = await stream.inbox.next('the identity of wild');
  const secret = unpackAny(response.resources[0]!.resource!, typeUrls.secret);
  const chain = secret.tls_certificate?.certificate_chain?.inline_string;
  assert.ok(chain, 'a certificate chain');
  const sans = new X509Certificate(chain).subjectAltName ?? '';
  assert.match(sans, /URI:spiffe:\/\/example\.org\/mesh\/m\/virtualNode\/wild/);
  assert.ok(!sans.includes('*'), `the certificate carries a wildcard: ${sans}`);
});

test('a name outside ASCII never becomes another name in a certificate', async (t) => {
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
  // U+0161's low byte is 0x61, "a".
  const lookalike = '\u0161dmin';
  const created = await call(endpoint, 'PUT', '/v20190125/meshes/m/virtualNodes', {
    virtualNodeName: lookalike,
    spec: {
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: 'lookalike.m.local' } },
    },
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const stream = client.delta();
  const spiffeId = `spiffe://example.org/mesh/m/virtualNode/${lookalike}`;
  stream.send({
    node: testNode(`mesh/m/virtualNode/${lookalike}`),
    type_url: typeUrls.secret,
    resource_names_subscribe: [spiffeId],
  });
  let sans = '';
  try {
    const response = await stream.inbox.next('the identity of the look-alike', 3_000);
    const secret = unpackAny(response.resources[0]!.resource!, typeUrls.secret);
    const chain = secret.tls_certificate?.certificate_chain?.inline_string;
    sans = chain ? (new X509Certificate(chain).subjectAltName ?? '') : '';
  } catch {
    // No certificate at all is a refusal, which is what a name no certificate can carry should get.
  }
  assert.ok(!sans.includes('virtualNode/admin'), `the look-alike holds the identity of admin: ${sans}`);
  // The refusal is the identity's only: the proxy still gets its configuration.
  await waitFor('the look-alike’s configuration', async () => {
    const view = await fetch(
      `${endpoint}/switchyard/v1/xds/config?node=${encodeURIComponent(`mesh/m/virtualNode/${lookalike}`)}`,
    );
    return view.status === 200 && (await view.text()).includes(typeUrls.listener);
  });
});
