// The proxy's xDS client and SDS: secrets are subscribed by the names TLS contexts reference, a cluster waits for
// its secrets while the rest of the configuration applies, an overdue secret takes what names it out of service,
// and a rotated secret replaces the old one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { MeshProxy } from '../../src/proxy/index.ts';
import { createSidecarNode } from '../../src/proxy/sidecar/index.ts';
import { XdsClient } from '../../src/proxy/xds-client/index.ts';
import type { NackEvent } from '../../src/proxy/xds-client/index.ts';
import { AdsServer, Snapshot, SnapshotCache } from '../../src/xds/server/index.ts';
import { createResource, typeUrls } from '../../src/xds/protos/index.ts';
import type { Cluster, Cluster__Output } from '../../src/xds/protos/index.ts';
import { cluster, httpListener, prefixRoute, routeConfig, vhost } from '../proxy/envoy-fixtures.ts';
import { freePorts } from '../support/free-ports.ts';
import { certificateSecret, upstreamTlsSocket, validationSecret } from '../support/sds-secrets.ts';
import { createTestPki } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { waitFor } from '../support/wait-for.ts';

const nodeId = 'mesh/m/virtualNode/n';
const identity = 'spiffe://switchyard.local/mesh/m/virtualNode/n';
const bundle = 'spiffe://switchyard.local';
const warmingTimeoutMs = 3_000;

let pki: TestPki;
let first: IssuedCertificate;
let second: IssuedCertificate;
const cleanup: (() => Promise<void>)[] = [];
before(async () => {
  pki = await createTestPki();
  first = await pki.issue('n1', { uris: [identity] });
  second = await pki.issue('n2', { uris: [identity] });
  cleanup.push(() => pki.cleanup());
});
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

const staticCluster = (name: string, extra: Partial<Cluster> = {}): Cluster__Output =>
  cluster(name, {
    type: 'STATIC',
    eds_cluster_config: null,
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 9 } } } },
          ],
        },
      ],
    },
    ...extra,
  } as Partial<Cluster>);

const tlsCluster = (name: string, certificate: string, connectTimeoutMs = 1000): Cluster__Output =>
  staticCluster(name, {
    connect_timeout: { seconds: Math.floor(connectTimeoutMs / 1000), nanos: (connectTimeoutMs % 1000) * 1e6 },
    transport_socket: upstreamTlsSocket({ certificate, trust: bundle, sni: 'b.mesh.local' }),
  } as Partial<Cluster>);

function snapshotOf(resources: [string, object][]): Snapshot {
  return new Snapshot(resources.map(([t, m]) => createResource(t as typeof typeUrls.cluster, m as never)));
}

type ClientExtras = Omit<
  ConstructorParameters<typeof XdsClient>[0],
  'server' | 'node' | 'target' | 'reconnect'
>;

/** An ADS server on a free port, a proxy, and its xDS client for `nodeId` (not started); all cleaned up after. */
async function proxyOnAds(
  extras: (proxy: MeshProxy) => ClientExtras,
): Promise<{ cache: SnapshotCache; proxy: MeshProxy; client: XdsClient }> {
  const cache = new SnapshotCache();
  const server = new AdsServer({ cache });
  const xdsPort = await server.listen('127.0.0.1:0');
  cleanup.push(() => server.close());
  const proxy = new MeshProxy();
  cleanup.push(() => proxy.close(0));
  const client = new XdsClient({
    server: `127.0.0.1:${xdsPort}`,
    node: createSidecarNode({
      id: nodeId,
      inboundPort: 15000,
      outboundPort: 15001,
      appHost: '127.0.0.1',
      version: 't',
    }),
    target: proxy,
    reconnect: { baseMs: 20, maxMs: 100 },
    ...extras(proxy),
  });
  cleanup.push(() => client.close());
  return { cache, proxy, client };
}

test('secrets: subscribed by reference, warming per resource, overdue fails closed, rotation, removal ignored', async () => {
  const [listenerPort] = (await freePorts(1)) as [number];
  const nacks: NackEvent[] = [];
  const logLines: string[] = [];
  const { cache, proxy, client } = await proxyOnAds(() => ({
    logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }),
    warmingTimeoutMs,
    onNack: (e) => nacks.push(e),
  }));

  const base: [string, object][] = [
    [typeUrls.listener, httpListener('front', { port: listenerPort, routeConfigName: 'routes' })],
    [typeUrls.routeConfiguration, routeConfig('routes', [vhost('all', ['*'], [prefixRoute('/', 'plain')])])],
    [typeUrls.cluster, staticCluster('plain')],
    [typeUrls.cluster, tlsCluster('tls', identity)],
  ];
  const unused = validationSecret('unused', pki.ca.certPem);
  cache.setSnapshot(nodeId, snapshotOf([...base, [typeUrls.secret, unused]]));
  client.start();

  // Without its secrets the TLS cluster warms; everything else applies.
  await waitFor('the first config', () => proxy.config);
  assert.deepEqual([...proxy.config!.clusters.keys()], ['plain']);
  assert.equal(proxy.config!.secrets.size, 0);
  assert.equal(proxy.listenerPort('front'), listenerPort);

  // The secrets arrive: the cluster is applied with them; a secret nothing names is never sent.
  const trust = validationSecret(bundle, pki.ca.certPem);
  cache.setSnapshot(
    nodeId,
    snapshotOf([
      ...base,
      [typeUrls.secret, unused],
      [typeUrls.secret, certificateSecret(identity, first)],
      [typeUrls.secret, trust],
    ]),
  );
  await waitFor('the TLS cluster', () => proxy.config?.clusters.has('tls'));
  assert.deepEqual([...proxy.config!.secrets.keys()].sort(), [bundle, identity]);
  assert.deepEqual(proxy.config!.secrets.get(identity), {
    kind: 'certificate',
    certificateChain: first.certPem,
    privateKey: first.keyPem,
  });

  // Rotation: the same name with a new certificate.
  const withSecrets = (cert: IssuedCertificate, extra: [string, object][] = []): Snapshot =>
    snapshotOf([...extra, [typeUrls.secret, certificateSecret(identity, cert)], [typeUrls.secret, trust]]);
  cache.setSnapshot(nodeId, withSecrets(second, base));
  await waitFor('the rotated certificate', () => {
    const s = proxy.config?.secrets.get(identity);
    return s?.kind === 'certificate' && s.certificateChain === second.certPem;
  });

  // The cluster now names a secret the server does not have, and an unrelated cluster is added: the unrelated
  // one applies at once, the TLS cluster's old version serves on while the new one waits.
  const oldTls = proxy.config!.clusters.get('tls');
  const renamed = [
    ...base.filter(([, m]) => (m as { name?: string }).name !== 'tls'),
    [typeUrls.cluster, tlsCluster('tls', 'late-secret', 2000)],
    [typeUrls.cluster, staticCluster('other')],
  ] as [string, object][];
  cache.setSnapshot(nodeId, withSecrets(second, renamed));
  await waitFor('the unrelated cluster', () => proxy.config?.clusters.has('other'));
  assert.equal(proxy.config!.clusters.get('tls'), oldTls, 'the old version serves while the new one warms');
  assert.equal(proxy.config!.clusters.get('tls')?.connectTimeoutMs, 1000);

  // Past the warming timeout the waiting cluster is taken out of service (not left on its old settings).
  await waitFor('the overdue cluster removed', () => proxy.config && !proxy.config.clusters.has('tls'), {
    timeoutMs: warmingTimeoutMs + 10_000,
  });
  assert.ok(proxy.config!.clusters.has('other'));
  assert.ok(logLines.some((l) => l.includes('late-secret') && l.includes('out of service')));

  // The secret arrives late: the new version is applied.
  cache.setSnapshot(
    nodeId,
    snapshotOf([
      ...renamed,
      [typeUrls.secret, certificateSecret('late-secret', first)],
      [typeUrls.secret, trust],
    ]),
  );
  await waitFor(
    'the new version of the TLS cluster',
    () => proxy.config?.clusters.get('tls')?.connectTimeoutMs === 2000,
  );
  // The identity secret is no longer named by anything: it is dropped.
  await waitFor('the unreferenced secret dropped', () => proxy.config && !proxy.config.secrets.has(identity));

  // The server removes a secret still in use: the proxy keeps the last one it received (as Envoy does).
  cache.setSnapshot(nodeId, snapshotOf([...renamed, [typeUrls.secret, trust]]));
  cache.setSnapshot(
    nodeId,
    snapshotOf([...renamed, [typeUrls.secret, trust], [typeUrls.cluster, staticCluster('last')]]),
  );
  await waitFor('the last update', () => proxy.config?.clusters.has('last'));
  assert.ok(proxy.config!.secrets.has('late-secret'));
  assert.ok(proxy.config!.clusters.has('tls'));
  assert.deepEqual(nacks, []);
  assert.ok(!logLines.some((l) => l.includes('PRIVATE KEY')), 'no private key in logs');
});

test('a bad secret is NACKed without its key in the message, and the good one it would replace stays', async () => {
  const nacks: NackEvent[] = [];
  const logLines: string[] = [];
  const { cache, proxy, client } = await proxyOnAds(() => ({
    logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }),
    onNack: (e) => nacks.push(e),
  }));
  const trust = validationSecret(bundle, pki.ca.certPem);
  const resources: [string, object][] = [
    [typeUrls.cluster, tlsCluster('tls', identity)],
    [typeUrls.secret, trust],
  ];
  cache.setSnapshot(
    nodeId,
    snapshotOf([...resources, [typeUrls.secret, certificateSecret(identity, first)]]),
  );
  client.start();
  await waitFor('the TLS cluster', () => proxy.config?.clusters.has('tls'));

  // A certificate with someone else's key.
  const mismatched = certificateSecret(identity, { certPem: first.certPem, keyPem: second.keyPem });
  cache.setSnapshot(nodeId, snapshotOf([...resources, [typeUrls.secret, mismatched]]));
  await waitFor('a NACK', () => nacks.length > 0);
  assert.equal(nacks[0]!.typeUrl, typeUrls.secret);
  assert.match(nacks[0]!.message, /private_key: does not match the certificate/);
  const s = proxy.config!.secrets.get(identity);
  assert.ok(s?.kind === 'certificate' && s.privateKey === first.keyPem, 'the good secret stays');
  for (const text of [nacks[0]!.message, ...logLines]) {
    assert.ok(!text.includes('PRIVATE KEY'), 'no private key in NACKs or logs');
    assert.ok(!text.includes(second.keyPem.split('\n')[1]!), 'no key material in NACKs or logs');
  }
});

test('the first configuration waits for the secrets its listeners and clusters name', async () => {
  const firstClusters: string[][] = [];
  const { cache, client } = await proxyOnAds((proxy) => ({
    logger: pino({ level: 'silent' }),
    onApplied: (e) => {
      if (e.first) firstClusters.push([...proxy.config!.clusters.keys()].sort());
    },
  }));
  cache.setSnapshot(
    nodeId,
    snapshotOf([
      [typeUrls.cluster, staticCluster('plain')],
      [typeUrls.cluster, tlsCluster('tls', identity)],
      [typeUrls.secret, certificateSecret(identity, first)],
      [typeUrls.secret, validationSecret(bundle, pki.ca.certPem)],
    ]),
  );
  client.start();
  await waitFor('the first config', () => firstClusters.length > 0);
  assert.deepEqual(firstClusters, [['plain', 'tls']]);
  assert.equal(client.appliedCount, 1);
});
