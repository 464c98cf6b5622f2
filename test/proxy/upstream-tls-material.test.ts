// Upstream TLS material from SDS secrets, and its rotation: a cluster's TLS rebuilt from new material verifies new
// connections with it, and material that is missing changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/proxy/clock.ts';
import { ConfigError } from '../../src/proxy/config/config-error.ts';
import { decodeCluster } from '../../src/proxy/config/decode-cluster.ts';
import { decodeClusterLoadAssignment } from '../../src/proxy/config/decode-cluster-load-assignment.ts';
import type { CertificateSource, SecretConfig, TrustSource } from '../../src/proxy/config/tls-types.ts';
import { StatsStore } from '../../src/proxy/stats/stats-store.ts';
import { DirectTlsMaterial } from '../../src/proxy/tls/tls-material.ts';
import type {
  CertificateMaterial,
  TlsMaterialSource,
  TrustMaterial,
} from '../../src/proxy/tls/tls-material.ts';
import { ClusterManager } from '../../src/proxy/upstream/cluster-manager.ts';
import { probe } from '../../src/proxy/upstream/health-probe.ts';
import type { ProbeResult } from '../../src/proxy/upstream/health-probe.ts';
import { extensionTypeUrls, packAny } from '../../src/xds/protos/index.ts';
import { createTestPki, haveOpenssl } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { cluster, endpoints } from './envoy-fixtures.ts';
import { startHttpsUpstream } from './upstream-tls-fixtures.ts';
import type { TlsUpstream } from './upstream-tls-fixtures.ts';

const skip = !(await haveOpenssl()) && 'the openssl command is not installed';
const ads = { ads: {}, resource_api_version: 'V3' };

let pki: TestPki;
let otherPki: TestPki;
let client: IssuedCertificate;
let up: TlsUpstream;

before(async () => {
  if (skip) return;
  pki = await createTestPki();
  otherPki = await createTestPki('Next CA');
  const server = await otherPki.issue('backend', { dnsNames: ['backend.local'] });
  client = await pki.issue('web', { uris: ['spiffe://td/mesh/m/virtualNode/web'] });
  // The server trusts clients of the first CA only and presents a certificate of the second.
  up = await startHttpsUpstream({ ...server, clientCaPem: pki.ca.certPem });
});

after(async () => {
  await up?.close();
  await pki?.cleanup();
  await otherPki?.cleanup();
});

function secrets(trustedCa: string, withCert = true): Map<string, SecretConfig> {
  const m = new Map<string, SecretConfig>([['spiffe://td', { kind: 'validation', trustedCa }]]);
  if (withCert)
    m.set('spiffe://td/mesh/m/virtualNode/web', {
      kind: 'certificate',
      certificateChain: client.certPem,
      privateKey: client.keyPem,
    });
  return m;
}

/** Material whose secrets the test replaces, as SDS updates replace the proxy's. */
class SwappableMaterial implements TlsMaterialSource {
  current: TlsMaterialSource;
  constructor(current: TlsMaterialSource) {
    this.current = current;
  }
  certificate(source: CertificateSource): CertificateMaterial {
    return this.current.certificate(source);
  }
  trust(source: TrustSource): TrustMaterial {
    return this.current.trust(source);
  }
}

describe('upstream TLS material', { skip }, () => {
  it('reads certificate and trust from SDS secrets; rotated trust reaches a cluster given a copy of its config; missing material changes nothing', async () => {
    const config = decodeCluster(
      cluster('svc', {
        transport_socket: {
          name: 'envoy.transport_sockets.tls',
          typed_config: packAny(extensionTypeUrls.upstreamTlsContext, {
            common_tls_context: {
              tls_certificate_sds_secret_configs: [
                { name: 'spiffe://td/mesh/m/virtualNode/web', sds_config: ads },
              ],
              validation_context_sds_secret_config: { name: 'spiffe://td', sds_config: ads },
            },
          }),
        },
      }),
    );
    const stats = new StatsStore();
    const material = new SwappableMaterial(new DirectTlsMaterial(secrets(pki.ca.certPem)));
    const manager = new ClusterManager(stats, systemClock, Math.random, material);
    const eds = new Map([['svc', decodeClusterLoadAssignment(endpoints('svc', [up.port]))]]);
    manager.apply(new Map([['svc', config]]), eds);
    const running = manager.get('svc');
    assert.ok(running?.tls);
    const target = { address: '127.0.0.1', port: up.port, defaultAuthority: 'svc', stats: running.stats };
    const check = (): Promise<ProbeResult> =>
      probe(
        { kind: 'http', path: '/hc', host: '', expectedStatuses: [[200, 201]], http2: false },
        { ...target, tls: running.tls },
        5_000,
      );
    // A TCP check over TLS passes only once the server passed verification.
    const tcpCheck = (): Promise<ProbeResult> =>
      probe({ kind: 'tcp' }, { ...target, tls: running.tls }, 5_000);
    // The bundle holds the first CA only: the server's certificate (second CA) is refused.
    assert.equal(await check(), 'network_failure');
    assert.equal(stats.counter('cluster.svc.ssl.fail_verify_error').value, 1);
    assert.equal(await tcpCheck(), 'network_failure');
    assert.equal(up.requests.length, 0);

    // Rotation: the bundle now holds both roots (as during a CA rotation).
    // A copy of the unchanged config is how the proxy hands a cluster rotated material: same cluster, new TLS.
    material.current = new DirectTlsMaterial(secrets(pki.ca.certPem + otherPki.ca.certPem));
    const before = running.tls;
    manager.apply(new Map([['svc', { ...config }]]), eds);
    assert.equal(manager.get('svc'), running);
    assert.notEqual(running.tls, before);
    assert.equal(await check(), 'pass');
    assert.equal(await tcpCheck(), 'pass');
    assert.match(up.requests[0]?.clientSan ?? '', /URI:spiffe:\/\/td\/mesh\/m\/virtualNode\/web/);

    // A secret that went away: refused whole, the running TLS stays.
    material.current = new DirectTlsMaterial(secrets(otherPki.ca.certPem, false));
    const current = running.tls;
    const applied = running.config;
    assert.throws(
      () => manager.apply(new Map([['svc', { ...config }]]), eds),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /cluster "svc".*no such TLS certificate secret/);
        return true;
      },
    );
    assert.equal(running.tls, current);
    assert.equal(running.config, applied);
    assert.equal(await check(), 'pass');
    manager.close();
  });
});
