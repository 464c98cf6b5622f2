// MeshProxy and TLS material: a rotated file certificate or SDS secret rebuilds exactly the listener scopes and
// clusters that use it, without rebinding and without touching open connections; a configuration naming
// material that does not exist is refused whole.
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError, MeshProxy } from '../../src/proxy/index.ts';
import { decodeSnapshot } from '../../src/proxy/config/proxy-config.ts';
import type { ProxyConfig } from '../../src/proxy/config/proxy-config.ts';
import type { SecretConfig } from '../../src/proxy/config/tls-types.ts';
import { cluster, httpListener, prefixRoute, routeConfig, snapshot, vhost } from './envoy-fixtures.ts';
import { startNamedServer } from '../support/echo-apps.ts';
import type { TestServer } from '../support/echo-apps.ts';
import { createTestPki } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { waitFor } from '../support/wait-for.ts';
import { counter } from './harness.ts';

let pki: TestPki;
let a: IssuedCertificate;
let b: IssuedCertificate;
let app: TestServer;
before(async () => {
  pki = await createTestPki();
  a = await pki.issue('a', { dnsNames: ['a.local'] });
  b = await pki.issue('b', { dnsNames: ['b.local'] });
  app = await startNamedServer('app');
});
after(async () => {
  await app.close();
  await pki.cleanup();
});

/**
 * A plaintext listener `plain` routing to `app`, a listener `front` with `tls` (file certificate), and a
 * cluster `tlsc` with `tls` (SDS certificate and trust). The TLS parts are set on the decoded configs.
 */
function config(certPath: string, keyPath: string, secrets: ReadonlyMap<string, SecretConfig>): ProxyConfig {
  const base = decodeSnapshot(
    snapshot({
      listeners: [
        httpListener('plain', {
          inlineRoutes: routeConfig('r', [vhost('all', ['*'], [prefixRoute('/', 'app')])]),
        }),
        httpListener('front', {
          inlineRoutes: routeConfig('f', [vhost('all', ['*'], [prefixRoute('/', 'app')])]),
        }),
      ],
      clusters: [
        cluster('app', {
          type: 'STATIC',
          eds_cluster_config: null,
          load_assignment: {
            cluster_name: 'app',
            endpoints: [
              {
                lb_endpoints: [
                  {
                    endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: app.port } } },
                  },
                ],
              },
            ],
          },
        }),
        cluster('tlsc'),
      ],
    }),
  );
  const front = {
    ...base.listeners.get('front')!,
    tls: {
      mode: 'STRICT' as const,
      certificate: { kind: 'file' as const, certificateChainPath: certPath, privateKeyPath: keyPath },
      validation: undefined,
      alpn: [],
    },
  };
  const tlsc = {
    ...base.clusters.get('tlsc')!,
    tls: {
      sni: 'b.local',
      certificate: { kind: 'sds' as const, secretName: 'id' },
      validation: { trust: { kind: 'sds' as const, secretName: 'td' }, subjectAltNames: [] },
      alpn: [],
    },
  };
  return {
    ...base,
    listeners: new Map([...base.listeners, ['front', front]]),
    clusters: new Map([...base.clusters, ['tlsc', tlsc]]),
    secrets,
  };
}

function get(port: number, agent: http.Agent): Promise<{ body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ body, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

test('rotation rebuilds what uses the material, nothing else, on the same sockets; missing material is refused', async (t) => {
  const certPath = await pki.write('front.crt', a.certPem);
  const keyPath = await pki.write('front.key', a.keyPem);
  const id: SecretConfig = { kind: 'certificate', certificateChain: a.certPem, privateKey: a.keyPem };
  const td: SecretConfig = { kind: 'validation', trustedCa: pki.ca.certPem };
  const proxy = new MeshProxy({ tlsFilePollIntervalMs: 200 });
  t.after(() => proxy.close(0));
  const first = config(
    certPath,
    keyPath,
    new Map<string, SecretConfig>([
      ['id', id],
      ['td', td],
    ]),
  );
  await proxy.apply(first);
  const plainPort = proxy.listenerPort('plain')!;
  const frontPort = proxy.listenerPort('front')!;
  const tlsCluster = proxy.cluster('tlsc')!;
  assert.equal(proxy.tlsMaterial.certificate({ kind: 'sds', secretName: 'id' }).certificateChain, a.certPem);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  assert.deepEqual(await get(plainPort, agent), { body: 'app', reused: false });
  const builds = counter(proxy, 'switchyard.config.listener_scope_builds');
  assert.equal(builds, 2);

  // The listener's certificate file is replaced by rename: its scope alone is rebuilt, nothing rebinds.
  writeFileSync(join(pki.dir, 'front.tmp'), b.certPem);
  writeFileSync(join(pki.dir, 'front.key'), b.keyPem);
  renameSync(join(pki.dir, 'front.tmp'), certPath);
  await waitFor(
    'the front scope rebuilt',
    () => counter(proxy, 'switchyard.config.listener_scope_builds') === builds + 1,
  );
  assert.equal(
    proxy.tlsMaterial.certificate(proxy.config!.listeners.get('front')!.tls!.certificate).certificateChain,
    b.certPem,
  );
  assert.equal(proxy.listenerPort('front'), frontPort);
  assert.equal(proxy.cluster('tlsc')!.config, first.clusters.get('tlsc'), 'the cluster was not touched');
  assert.deepEqual(
    await get(plainPort, agent),
    { body: 'app', reused: true },
    'the open connection lives on',
  );

  // The SDS certificate rotates (same name, new secret): the cluster is updated in place, listeners untouched.
  const rotated: SecretConfig = { kind: 'certificate', certificateChain: b.certPem, privateKey: b.keyPem };
  const second = {
    ...first,
    secrets: new Map<string, SecretConfig>([
      ['id', rotated],
      ['td', td],
    ]),
  };
  await proxy.apply(second);
  assert.equal(proxy.cluster('tlsc'), tlsCluster, 'the same cluster object (hosts and pools kept)');
  assert.notEqual(proxy.cluster('tlsc')!.config, first.clusters.get('tlsc'), 'given a new config object');
  assert.equal(counter(proxy, 'switchyard.config.listener_scope_builds'), builds + 1);
  assert.equal(counter(proxy, 'switchyard.config.tls_material_rebuilds'), 2);
  assert.equal(proxy.tlsMaterial.certificate({ kind: 'sds', secretName: 'id' }).certificateChain, b.certPem);
  // Applying the same configuration again rebuilds nothing.
  const givenAfterRotation = proxy.cluster('tlsc')!.config;
  await proxy.apply(second);
  assert.equal(proxy.cluster('tlsc')!.config, givenAfterRotation);
  assert.equal(counter(proxy, 'switchyard.config.tls_material_rebuilds'), 2);

  // A configuration whose secret is missing is refused whole; the old secrets stay in force.
  await assert.rejects(
    proxy.apply({ ...second, secrets: new Map<string, SecretConfig>([['td', td]]) }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /secret "id"/);
      return true;
    },
  );
  assert.equal(proxy.config, second);
  assert.equal(proxy.tlsMaterial.certificate({ kind: 'sds', secretName: 'id' }).certificateChain, b.certPem);
  assert.deepEqual(await get(plainPort, agent), { body: 'app', reused: true });
});
