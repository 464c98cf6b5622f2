// The control plane's `--mtls strict --trust-domain` reach what a proxy fetches over ADS (built-in identities on
// listeners and clusters), and TLS a spec asks for that translation cannot express is logged as a warning.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { unpackAny } from '../../src/xds/protos/any.ts';
import { extensionTypeUrls, typeUrls } from '../../src/xds/protos/type-urls.ts';
import type { Listener__Output, Cluster__Output } from '../../src/xds/protos/message-types.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { MeshApiClient } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { AdsTestClient, testNode } from '../xds/ads-test-client.ts';

const mesh = 'm';
const logLines: string[] = [];
let cp: TestControlPlane;
let api: MeshApiClient;
let ads: AdsTestClient;

before(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  cp = await startTestControlPlane([], { mtls: 'strict', trustDomain: 'corp.test', logger: pino(sink) });
  api = new MeshApiClient(cp.endpoint);
  await api.createMesh(mesh);
  const listeners = [{ portMapping: { port: 8080, protocol: 'http' as const } }];
  await api.createNode(mesh, 'b', { listeners, serviceDiscovery: { dns: { hostname: 'b.m.local' } } });
  await api.createService(mesh, 'b.m.local', { provider: { virtualNode: { virtualNodeName: 'b' } } });
  await api.createNode(mesh, 'n', {
    listeners,
    serviceDiscovery: { dns: { hostname: 'n.m.local' } },
    backends: [{ virtualService: { virtualServiceName: 'b.m.local' } }],
  });
  const arns = ['one', 'two'].map(
    (id) => `arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/${id}`,
  );
  await api.createNode(mesh, 'w', {
    backends: [{ virtualService: { virtualServiceName: 'b.m.local' } }],
    backendDefaults: {
      clientPolicy: { tls: { validation: { trust: { acm: { certificateAuthorityArns: arns } } } } },
    },
  });
  ads = new AdsTestClient(cp.running.xdsAddress.port);
});

after(async () => {
  ads?.close();
  api?.close();
  await cp?.close();
});

async function fetchAll<T>(nodeId: string, typeUrl: string): Promise<T[]> {
  const s = ads.sotw();
  s.send({ node: testNode(nodeId), type_url: typeUrl });
  const res = await s.inbox.next(typeUrl);
  s.call.end();
  return res.resources.map((r) => unpackAny(r) as T);
}

test('--mtls strict: the inbound listener is STRICT with the SPIFFE identity; egress originates mTLS', async () => {
  const listeners = await fetchAll<Listener__Output>(`mesh/${mesh}/virtualNode/n`, typeUrls.listener);
  const inbound = listeners.find((l) => l.name === 'lds_ingress_0.0.0.0_15000');
  assert.ok(inbound);
  assert.deepEqual(
    inbound.filter_chains.map((c) => c.filter_chain_match?.transport_protocol),
    ['tls'],
  );
  const downstream = unpackAny(
    inbound.filter_chains[0]!.transport_socket!.typed_config!,
    extensionTypeUrls.downstreamTlsContext,
  );
  assert.equal(
    downstream.common_tls_context?.tls_certificate_sds_secret_configs[0]?.name,
    'spiffe://corp.test/mesh/m/virtualNode/n',
  );
  const clusters = await fetchAll<Cluster__Output>(`mesh/${mesh}/virtualNode/n`, typeUrls.cluster);
  const egress = clusters.find((c) => c.name === 'cds_egress_m_b_http_8080');
  const upstream = unpackAny(egress!.transport_socket!.typed_config!, extensionTypeUrls.upstreamTlsContext);
  assert.equal(upstream.sni, 'b.m.local');
  assert.equal(
    upstream.common_tls_context?.combined_validation_context?.validation_context_sds_secret_config?.name,
    'spiffe://corp.test',
  );
});

test('TLS a spec asks for that cannot be expressed is logged, naming the field and the proxy', async () => {
  await fetchAll<Cluster__Output>(`mesh/${mesh}/virtualNode/w`, typeUrls.cluster);
  const line = await waitFor('the warning about the second CA ARN', () =>
    logLines.find((l) => l.includes('certificateAuthorityArns')),
  );
  const entry = JSON.parse(line) as { level: number; proxy: string; msg: string };
  assert.equal(entry.level, 40);
  assert.equal(entry.proxy, 'mesh/m/virtualNode/w');
  assert.match(
    entry.msg,
    /^spec not applied: spec\.backendDefaults\.clientPolicy\.tls\.validation\.trust\.acm/,
  );
});
