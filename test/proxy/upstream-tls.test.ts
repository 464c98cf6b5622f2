// TLS the proxy originates to upstream servers it did not write (Node's https/http2 servers, openssl s_server):
// verification against the cluster's CA and SAN rules, client certificates, h2 by ALPN, TCP and health checks.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import type { Cluster } from '../../src/xds/protos/index.ts';
import { extensionTypeUrls, packAny } from '../../src/xds/protos/index.ts';
import { createTestPki, haveOpenssl } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  cluster,
  endpoints,
  http2Cluster,
  httpListener,
  ms,
  prefixRoute,
  routeConfig,
  snapshot,
  tcpListener,
  vhost,
} from './envoy-fixtures.ts';
import { closeClientAgent, counter, request } from './harness.ts';
import {
  startH2Upstream,
  startHttpsUpstream,
  startOpensslRevServer,
  upstreamTlsSocket,
} from './upstream-tls-fixtures.ts';
import type { TlsPeerReport, UpstreamTlsOptions } from './upstream-tls-fixtures.ts';

const serverSpiffe = 'spiffe://switchyard.local/mesh/m/virtualNode/backend';
const clientSpiffe = 'spiffe://switchyard.local/mesh/m/virtualNode/web';
const logFormat = '%RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_TRANSPORT_FAILURE_REASON%\n';

let pki: TestPki;
let otherPki: TestPki;
let server: IssuedCertificate;
let client: IssuedCertificate;
let impostor: IssuedCertificate;
const skip = !(await haveOpenssl()) && 'the openssl command is not installed';

before(async () => {
  if (skip) return;
  pki = await createTestPki();
  otherPki = await createTestPki('Some Other CA');
  server = await pki.issue('backend', { dnsNames: ['backend.local'], uris: [serverSpiffe] });
  client = await pki.issue('web', { uris: [clientSpiffe] });
  impostor = await otherPki.issue('impostor', { dnsNames: ['backend.local'], uris: [serverSpiffe] });
});

after(async () => {
  closeClientAgent();
  await pki?.cleanup();
  await otherPki?.cleanup();
});

interface Started {
  readonly proxy: MeshProxy;
  readonly port: number;
  readonly logPath: string;
  close(): Promise<void>;
}

let logs = 0;

/** A proxy whose listener routes host `svc` to cluster `svc` (TLS as given) over the upstream ports. */
async function startProxy(
  ports: readonly number[],
  tls: UpstreamTlsOptions,
  extra: { http2?: boolean; cluster?: Partial<Cluster>; route?: Record<string, unknown> } = {},
): Promise<Started> {
  const logPath = join(tmpdir(), `upstream-tls-${process.pid}-${logs++}.log`);
  const proxy = new MeshProxy();
  await proxy.start();
  const clusterExtra: Partial<Cluster> = { transport_socket: upstreamTlsSocket(tls), ...extra.cluster };
  await proxy.applyConfig(
    snapshot({
      listeners: [
        httpListener('out', {
          accessLog: [
            {
              name: 'envoy.access_loggers.file',
              typed_config: packAny(extensionTypeUrls.fileAccessLog, {
                path: logPath,
                log_format: { text_format_source: { inline_string: logFormat } },
              }),
            },
          ],
        }),
      ],
      routeConfigurations: [
        routeConfig('out', [vhost('svc', ['svc'], [prefixRoute('/', 'svc', extra.route)])]),
      ],
      clusters: [extra.http2 ? http2Cluster('svc', clusterExtra) : cluster('svc', clusterExtra)],
      clusterLoadAssignments: [endpoints('svc', ports)],
    }),
  );
  return {
    proxy,
    port: proxy.listenerPort('out') ?? 0,
    logPath,
    close: async () => {
      await proxy.close();
      await rm(logPath, { force: true });
    },
  };
}

async function logLines(path: string, count: number): Promise<string[]> {
  return waitFor(`${count} access log lines`, async () => {
    const lines = (await readFile(path, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
    return lines.length >= count ? lines : undefined;
  });
}

describe('upstream TLS', { skip }, () => {
  it('verifies the server against the trusted CA and sends SNI; no SAN rules accepts any name it signed', async () => {
    const up = await startHttpsUpstream(server);
    const p = await startProxy([up.port], { sni: 'backend.svc.local', caFile: pki.ca.certPath });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(p.port, `/hello/${i}`);
        assert.equal(res.status, 200, res.body);
        const seen = JSON.parse(res.body) as TlsPeerReport;
        assert.equal(seen.servername, 'backend.svc.local');
        assert.equal(seen.alpn, 'http/1.1');
        assert.equal(seen.clientSan, '', 'no client certificate configured, none presented');
      }
      // Kept-alive: one handshake carried the three requests.
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.handshake'), 1);
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.connection_error'), 0);
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.versions.TLSv1.3'), 1);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('refuses a server whose certificate another CA signed: 503 UF, the reason logged, nothing sent to it', async () => {
    const up = await startHttpsUpstream(impostor);
    const p = await startProxy([up.port], { caFile: pki.ca.certPath });
    try {
      const res = await request(p.port, '/secret?token=abc');
      assert.equal(res.status, 503);
      assert.equal(
        res.body,
        'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport ' +
          'failure reason: TLS_error:|CERTIFICATE_VERIFY_FAILED:UNABLE_TO_VERIFY_LEAF_SIGNATURE:TLS_error_end',
      );
      assert.equal(up.requests.length, 0, 'the request never reached the unverified server');
      const [line] = await logLines(p.logPath, 1);
      assert.match(
        line ?? '',
        /^503 UF TLS_error:\|CERTIFICATE_VERIFY_FAILED:UNABLE_TO_VERIFY_LEAF_SIGNATURE:TLS_error_end$/,
      );
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.fail_verify_error'), 1);
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.connection_error'), 1);
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.handshake'), 0);
      assert.equal(counter(p.proxy, 'cluster.svc.upstream_cx_connect_fail'), 1);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('refuses a server whose SANs meet none of the rules, and accepts one that meets an exact or a prefix rule', async () => {
    const up = await startHttpsUpstream(server);
    const wrong = await startProxy([up.port], {
      caFile: pki.ca.certPath,
      sans: ['exact:spiffe://switchyard.local/mesh/m/virtualNode/other', 'exact:other.local'],
    });
    const exactDns = await startProxy([up.port], { caFile: pki.ca.certPath, sans: ['exact:BACKEND.local'] });
    const prefix = await startProxy([up.port], {
      caFile: pki.ca.certPath,
      sans: ['prefix:spiffe://switchyard.local/mesh/m/'],
    });
    try {
      const refused = await request(wrong.port, '/');
      assert.equal(refused.status, 503);
      assert.equal(up.requests.length, 0);
      const [line] = await logLines(wrong.logPath, 1);
      assert.equal(line, '503 UF TLS_error:|CERTIFICATE_VERIFY_FAILED:verify_SAN_list:TLS_error_end');
      assert.equal(counter(wrong.proxy, 'cluster.svc.ssl.fail_verify_san'), 1);
      assert.equal(counter(wrong.proxy, 'cluster.svc.ssl.fail_verify_error'), 0);
      assert.equal(counter(wrong.proxy, 'cluster.svc.upstream_cx_connect_fail'), 1);
      assert.equal((await request(exactDns.port, '/')).status, 200);
      assert.equal((await request(prefix.port, '/')).status, 200);
      assert.equal(counter(prefix.proxy, 'cluster.svc.ssl.fail_verify_san'), 0);
    } finally {
      await Promise.all([wrong.close(), exactDns.close(), prefix.close()]);
      await up.close();
    }
  });

  it('presents its client certificate to a server that demands one (mTLS)', async () => {
    const up = await startHttpsUpstream({ ...server, clientCaPem: pki.ca.certPem });
    const withCert = await startProxy([up.port], {
      caFile: pki.ca.certPath,
      certFile: client.certPath,
      keyFile: client.keyPath,
    });
    const without = await startProxy([up.port], { caFile: pki.ca.certPath });
    try {
      const res = await request(withCert.port, '/');
      assert.equal(res.status, 200, res.body);
      assert.equal((JSON.parse(res.body) as TlsPeerReport).clientSan, `URI:${clientSpiffe}`);
      // TLS 1.3: the server refuses after our side finished the handshake, so it is a reset, not a connect failure.
      const refused = await request(without.port, '/');
      assert.equal(refused.status, 503);
      assert.equal(up.requests.length, 1);
      const [line] = await logLines(without.logPath, 1);
      assert.match(line ?? '', /^503 UC /);
    } finally {
      await Promise.all([withCert.close(), without.close()]);
      await up.close();
    }
  });

  it('speaks HTTP/2 over TLS (ALPN h2, :scheme https) to an h2-only server', async () => {
    const up = await startH2Upstream(server);
    const p = await startProxy([up.port], { caFile: pki.ca.certPath, sni: 'backend.local' }, { http2: true });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(p.port, `/h2/${i}`);
        assert.equal(res.status, 200, res.body);
        const seen = JSON.parse(res.body) as TlsPeerReport;
        assert.equal(seen.alpn, 'h2');
        assert.equal(seen.httpVersion, '2.0');
        assert.equal(seen.servername, 'backend.local');
      }
      assert.equal(up.requests[0]?.path, 'https /h2/0');
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.handshake'), 1);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('refuses an HTTP/2 server another CA signed, as a connect failure', async () => {
    const up = await startH2Upstream(impostor);
    const p = await startProxy([up.port], { caFile: pki.ca.certPath }, { http2: true });
    try {
      const res = await request(p.port, '/');
      assert.equal(res.status, 503);
      const [line] = await logLines(p.logPath, 1);
      assert.match(line ?? '', /^503 UF TLS_error:\|CERTIFICATE_VERIFY_FAILED:/);
      assert.equal(up.requests.length, 0);
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.fail_verify_error'), 1);
      assert.equal(counter(p.proxy, 'cluster.svc.upstream_cx_connect_fail'), 1);
    } finally {
      await p.close();
      await up.close();
    }
  });

  it('retries a refused host on connect-failure and reaches a verified one', async () => {
    const bad = await startHttpsUpstream(impostor);
    const good = await startHttpsUpstream(server);
    const p = await startProxy(
      [bad.port, good.port],
      { caFile: pki.ca.certPath },
      { route: { retry_policy: { retry_on: 'connect-failure', num_retries: { value: 2 } } } },
    );
    try {
      for (let i = 0; i < 6; i++) assert.equal((await request(p.port, '/')).status, 200);
      assert.equal(bad.requests.length, 0);
      assert.ok(counter(p.proxy, 'cluster.svc.ssl.fail_verify_error') >= 1);
    } finally {
      await p.close();
      await bad.close();
      await good.close();
    }
  });

  it('proxies TCP over mutual TLS to openssl s_server, which sees our client certificate', async () => {
    const up = await startOpensslRevServer({
      certFile: server.certPath,
      keyFile: server.keyPath,
      verifyCaFile: pki.ca.certPath,
    });
    const proxy = new MeshProxy();
    try {
      await proxy.start();
      await proxy.applyConfig(
        snapshot({
          listeners: [tcpListener('tcp', 'db')],
          clusters: [
            cluster('db', {
              transport_socket: upstreamTlsSocket({
                caFile: pki.ca.certPath,
                sans: [`exact:${serverSpiffe}`],
                certFile: client.certPath,
                keyFile: client.keyPath,
              }),
            }),
          ],
          clusterLoadAssignments: [endpoints('db', [up.port])],
        }),
      );
      const socket = net.connect(proxy.listenerPort('tcp') ?? 0, '127.0.0.1');
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.write('hello mesh\n');
      await waitFor('the reversed line', () => answer.includes('hsem olleh'));
      socket.destroy();
      assert.match(up.output(), /Peer certificate: CN = web/);
      assert.equal(counter(proxy, 'cluster.db.ssl.handshake'), 1);
    } finally {
      await proxy.close();
      await up.close();
    }
  });

  it('refuses a TCP upstream another CA signed before a byte of the client reaches it', async () => {
    const up = await startOpensslRevServer({ certFile: impostor.certPath, keyFile: impostor.keyPath });
    const proxy = new MeshProxy();
    try {
      await proxy.start();
      await proxy.applyConfig(
        snapshot({
          listeners: [tcpListener('tcp', 'db')],
          clusters: [cluster('db', { transport_socket: upstreamTlsSocket({ caFile: pki.ca.certPath }) })],
          clusterLoadAssignments: [endpoints('db', [up.port])],
        }),
      );
      const socket = net.connect(proxy.listenerPort('tcp') ?? 0, '127.0.0.1');
      socket.on('error', () => {});
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      let closed = false;
      socket.once('close', () => (closed = true));
      socket.write('top secret\n');
      await waitFor('the proxy to close the client connection', () => closed);
      assert.equal(answer, '');
      assert.doesNotMatch(up.output(), /top secret|terces pot/);
      assert.equal(counter(proxy, 'cluster.db.ssl.fail_verify_error'), 1);
      assert.equal(counter(proxy, 'cluster.db.upstream_cx_connect_fail'), 1);
    } finally {
      await proxy.close();
      await up.close();
    }
  });

  it('health-checks over the cluster TLS: a verified host passes, an unverifiable one fails', async () => {
    const good = await startHttpsUpstream(server);
    const bad = await startHttpsUpstream(impostor);
    const healthChecks = [
      {
        timeout: ms(2000),
        interval: ms(100),
        unhealthy_threshold: { value: 1 },
        healthy_threshold: { value: 1 },
        http_health_check: { path: '/healthz' },
      },
    ];
    const p = await startProxy(
      [good.port, bad.port],
      { caFile: pki.ca.certPath },
      { cluster: { health_checks: healthChecks } },
    );
    try {
      await waitFor(
        'a passing and a failing check',
        () =>
          counter(p.proxy, 'cluster.svc.health_check.success') >= 1 &&
          counter(p.proxy, 'cluster.svc.health_check.failure') >= 1,
      );
      assert.ok(good.requests.some((r) => r.path === '/healthz'));
      assert.equal(bad.requests.length, 0);
      assert.ok(counter(p.proxy, 'cluster.svc.ssl.fail_verify_error') >= 1);
      // Only the verified host takes traffic.
      for (let i = 0; i < 4; i++) assert.equal((await request(p.port, '/')).status, 200);
      assert.equal(bad.requests.length, 0);
    } finally {
      await p.close();
      await good.close();
      await bad.close();
    }
  });

  it('bounds the handshake by the cluster connect timeout: a server that never answers TLS is a UF timeout', async () => {
    const silent = net.createServer(() => {});
    const held = new Set<net.Socket>();
    silent.on('connection', (s) => held.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const p = await startProxy(
      [port],
      { caFile: pki.ca.certPath },
      { cluster: { connect_timeout: ms(300) } },
    );
    try {
      const started = Date.now();
      const res = await request(p.port, '/');
      assert.equal(res.status, 503);
      assert.ok(Date.now() - started < 5_000);
      assert.equal(counter(p.proxy, 'cluster.svc.upstream_cx_connect_timeout'), 1);
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.handshake'), 0);
      assert.equal(counter(p.proxy, 'cluster.svc.ssl.connection_error'), 0, 'a timeout is not a TLS error');
      const [line] = await logLines(p.logPath, 1);
      assert.equal(line, '503 UF -');
    } finally {
      await p.close();
      for (const s of held) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('rejects a configuration whose TLS material cannot be read, keeping the one it had', async () => {
    const up = await startHttpsUpstream(server);
    const p = await startProxy([up.port], { caFile: pki.ca.certPath });
    try {
      await assert.rejects(
        p.proxy.applyConfig(
          snapshot({
            listeners: [httpListener('out')],
            routeConfigurations: [routeConfig('out', [vhost('svc', ['svc'], [prefixRoute('/', 'svc')])])],
            clusters: [
              cluster('svc', { transport_socket: upstreamTlsSocket({ caFile: '/nonexistent/ca.pem' }) }),
            ],
            clusterLoadAssignments: [endpoints('svc', [up.port])],
          }),
        ),
        /cluster "svc".*cannot read \/nonexistent\/ca.pem \(ENOENT\)/,
      );
      assert.equal((await request(p.port, '/')).status, 200);
    } finally {
      await p.close();
      await up.close();
    }
  });
});
