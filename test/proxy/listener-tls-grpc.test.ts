// gRPC over mTLS to a STRICT listener: grpc-js negotiates h2 by ALPN with a client certificate; one without a
// certificate the listener accepts fails its call.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { MeshProxy } from '../../src/proxy/index.ts';
import { EchoClientCtor, startGrpcApp } from '../support/grpc-echo-apps.ts';
import type { EchoClient, GrpcApp, Msg } from '../support/grpc-echo-apps.ts';
import { createTestPki, haveOpenssl } from '../support/test-pki.ts';
import type { TestPki } from '../support/test-pki.ts';
import { endpoints, http2Cluster, ms, prefixRoute, routeConfig, snapshot, vhost } from './envoy-fixtures.ts';
import { hcmFilter, tlsListener } from './tls-listener-fixtures.ts';

const skip = (await haveOpenssl()) ? false : 'openssl is not installed';

describe('gRPC over a STRICT mTLS listener', { skip }, () => {
  let pki: TestPki;
  let app: GrpcApp;
  let proxy: MeshProxy;
  const clients: EchoClient[] = [];

  const call = (client: EchoClient, text: string): Promise<Msg> =>
    new Promise((resolve, reject) =>
      client.echo({ text }, new grpc.Metadata(), (err, res) => (err ? reject(err) : resolve(res!))),
    );

  before(async () => {
    pki = await createTestPki();
    const server = await pki.issue('server', { dnsNames: ['echo.svc'] });
    app = await startGrpcApp();
    proxy = new MeshProxy();
    await proxy.applyConfig(
      snapshot({
        listeners: [
          tlsListener('in', {
            mode: 'STRICT',
            certPath: server.certPath,
            keyPath: server.keyPath,
            trustCaPath: pki.ca.certPath,
            sans: [{ kind: 'exact', value: 'spiffe://test.local/mesh/m/virtualNode/client' }],
            alpn: ['h2'],
            filter: hcmFilter('in', 'rc', { codec_type: 'HTTP2' }),
          }),
        ],
        routeConfigurations: [
          routeConfig('rc', [
            vhost('grpc', ['*'], [prefixRoute('/', 'echo', { timeout: ms(0) }, { grpc: {} })]),
          ]),
        ],
        clusters: [http2Cluster('echo')],
        clusterLoadAssignments: [endpoints('echo', [app.port])],
      }),
    );
  });

  after(async () => {
    for (const c of clients) c.close();
    await proxy?.close(0);
    await app?.close();
    await pki?.cleanup();
  });

  const client = async (identity: string | undefined): Promise<EchoClient> => {
    const ca = Buffer.from(pki.ca.certPem);
    let credentials = grpc.credentials.createSsl(ca);
    if (identity !== undefined) {
      const leaf = await pki.issue(identity.split('/').pop()!, { uris: [identity] });
      credentials = grpc.credentials.createSsl(ca, Buffer.from(leaf.keyPem), Buffer.from(leaf.certPem));
    }
    const c = new EchoClientCtor(`127.0.0.1:${proxy.listenerPort('in')}`, credentials, {
      'grpc.ssl_target_name_override': 'echo.svc',
      'grpc.default_authority': 'echo.svc',
    });
    clients.push(c);
    return c;
  };

  test('a client whose SPIFFE ID the listener allows gets its answer', async () => {
    const allowed = await client('spiffe://test.local/mesh/m/virtualNode/client');
    assert.deepEqual(await call(allowed, 'hi'), { text: 'echo:hi' });
  });

  test('no certificate, or an identity outside the SAN list: the call fails UNAVAILABLE and is counted', async () => {
    for (const identity of [undefined, 'spiffe://test.local/mesh/m/virtualNode/intruder']) {
      const refused = await client(identity);
      await assert.rejects(call(refused, 'nope'), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.UNAVAILABLE, String(identity));
        return true;
      });
    }
    const port = proxy.listenerPort('in');
    const stat = (n: string): number => proxy.stats.counter(`listener.127.0.0.1_${port}.ssl.${n}`).value;
    assert.ok(stat('fail_verify_no_cert') >= 1);
    assert.ok(stat('fail_verify_san') >= 1);
  });
});
