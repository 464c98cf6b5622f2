// TLS on the proxy's listeners, driven by peers no one here wrote (openssl s_client, curl) and node clients:
// STRICT refuses plaintext, PERMISSIVE takes both, DISABLED refuses TLS; wrong CA, wrong SAN and no certificate
// are refused and counted; ALPN picks the codec; the app sees x-forwarded-client-cert; access logs name the peer.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http2 from 'node:http2';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import { extensionTypeUrls, packAny } from '../../src/xds/protos/index.ts';
import { startHttpServer, startTcpApp } from '../support/echo-apps.ts';
import type { TcpApp, TestServer } from '../support/echo-apps.ts';
import { httpRequest } from '../support/http-client.ts';
import { createTestPki, haveOpenssl } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { curl, haveCommand, opensslClient } from '../support/tls-clients.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  cluster,
  endpoints,
  httpListener,
  ms,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';
import { hcmFilter, tcpProxyFilter, tlsListener } from './tls-listener-fixtures.ts';

const meshPrefix = 'spiffe://test.local/mesh/m/';
const serverId = `${meshPrefix}virtualNode/server`;
const clientId = `${meshPrefix}virtualNode/client`;
const logFormat =
  '%REQ(:PATH)% tls=%DOWNSTREAM_TLS_VERSION% peer=%DOWNSTREAM_PEER_URI_SAN% subject=%DOWNSTREAM_PEER_SUBJECT% local=%DOWNSTREAM_LOCAL_URI_SAN%\n';

const haveTools = (await haveOpenssl()) && (await haveCommand('curl'));

describe('TLS listeners', { skip: haveTools ? false : 'openssl or curl is not installed' }, () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let serverCert: IssuedCertificate;
  let client: IssuedCertificate;
  let outsider: IssuedCertificate;
  let foreign: IssuedCertificate;
  let app: TestServer;
  const appSaw: string[] = [];
  let tcpApp: TcpApp;
  let proxy: MeshProxy;
  let logPath: string;
  const port = (name: string): number => proxy.listenerPort(name) ?? 0;
  const stat = (listener: string, name: string): number =>
    proxy.stats.counter(`listener.127.0.0.1_${port(listener)}.${name}`).value;
  const clientCertArgs = (c: IssuedCertificate): string[] => ['-cert', c.certPath, '-key', c.keyPath];

  before(async () => {
    pki = await createTestPki();
    otherPki = await createTestPki('Other CA');
    serverCert = await pki.issue('server', { dnsNames: ['svc.local'], uris: [serverId] });
    client = await pki.issue('client', { uris: [clientId] });
    outsider = await pki.issue('outsider', { uris: ['spiffe://test.local/mesh/other/virtualNode/x'] });
    foreign = await otherPki.issue('foreign', { uris: [clientId] });
    logPath = join(pki.dir, 'access.log');
    app = await startHttpServer((req, res) => {
      req.resume();
      appSaw.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, headers: req.headers }));
    });
    tcpApp = await startTcpApp('echo');
    const cert = { certPath: serverCert.certPath, keyPath: serverCert.keyPath };
    const mtls = { trustCaPath: pki.ca.certPath, sans: [{ kind: 'prefix' as const, value: meshPrefix }] };
    const accessLog = [
      {
        name: 'envoy.access_loggers.file',
        typed_config: packAny(extensionTypeUrls.fileAccessLog, {
          path: logPath,
          log_format: { text_format_source: { inline_string: logFormat } },
        }),
      },
    ];
    proxy = new MeshProxy();
    await proxy.start();
    await proxy.applyConfig(
      snapshot({
        listeners: [
          tlsListener('mtls', {
            mode: 'STRICT',
            ...cert,
            ...mtls,
            alpn: ['h2', 'http/1.1'],
            filter: hcmFilter('mtls', 'rc', {
              forward_client_cert_details: 'SANITIZE_SET',
              set_current_client_cert_details: { uri: true, subject: { value: true } },
              access_log: accessLog,
            }),
          }),
          tlsListener('perm', {
            mode: 'PERMISSIVE',
            ...cert,
            alpn: ['h2', 'http/1.1'],
            filter: hcmFilter('perm', 'rc'),
          }),
          httpListener('plain', { routeConfigName: 'rc' }),
          tlsListener('tcp', { mode: 'STRICT', ...cert, ...mtls, filter: tcpProxyFilter('tcp', 'tcpapp') }),
          tlsListener('slow', {
            mode: 'STRICT',
            ...cert,
            filter: hcmFilter('slow', 'rc'),
            listener: { listener_filters_timeout: ms(300) },
          }),
        ],
        routeConfigurations: [routeConfig('rc', [vhost('all', ['*'], [prefixRoute('/', 'app')])])],
        clusters: [cluster('app'), cluster('tcpapp')],
        clusterLoadAssignments: [endpoints('app', [app.port]), endpoints('tcpapp', [tcpApp.port])],
      }),
    );
  });

  after(async () => {
    await proxy?.close(0);
    await app?.close();
    await tcpApp?.close();
    await pki?.cleanup();
    await otherPki?.cleanup();
  });

  const curlMtls = (
    listener: string,
    extra: string[] = [],
  ): Promise<{ code: number; stdout: string; stderr: string }> =>
    curl([
      '--cacert',
      pki.ca.certPath,
      '--cert',
      client.certPath,
      '--key',
      client.keyPath,
      '--resolve',
      `svc.local:${port(listener)}:127.0.0.1`,
      '-w',
      '\n%{http_version}',
      ...extra,
      `https://svc.local:${port(listener)}/hello`,
    ]);

  test('curl with a client certificate gets through STRICT mTLS over HTTP/1.1 and HTTP/2', async () => {
    const before = stat('mtls', 'ssl.handshake');
    const h1 = await curlMtls('mtls', ['--http1.1', '-H', 'x-forwarded-client-cert: By=forged']);
    assert.equal(h1.code, 0, h1.stderr);
    const [body1, version1] = h1.stdout.split('\n');
    assert.equal(version1, '1.1');
    const seen = JSON.parse(body1!) as { headers: Record<string, string> };
    // SANITIZE_SET: the client's header is gone, ours names our identity, the client's hash, subject and URI.
    const xfcc = seen.headers['x-forwarded-client-cert'] ?? '';
    assert.match(xfcc, new RegExp(`^By=${serverId};Hash=[0-9a-f]{64};Subject="CN=client";URI=${clientId}$`));
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    const h2 = await curlMtls('mtls', ['--http2']);
    assert.equal(h2.code, 0, h2.stderr);
    assert.equal(h2.stdout.split('\n')[1], '2');
    assert.equal(stat('mtls', 'ssl.handshake'), before + 2);
    const log = await waitFor('access log lines', async () => {
      const text = await readFile(logPath, 'utf8').catch(() => '');
      return text.split('\n').filter((l) => l !== '').length >= 2 ? text : undefined;
    });
    assert.match(
      log,
      new RegExp(`^/hello tls=TLSv1\\.3 peer=${clientId} subject=CN=client local=${serverId}$`, 'm'),
    );
  });

  test('openssl s_client: ALPN h2 and http/1.1 are negotiated; a request gets its answer', async () => {
    const h2 = await opensslClient(
      port('mtls'),
      ['-CAfile', pki.ca.certPath, ...clientCertArgs(client), '-alpn', 'h2'],
      '',
      { untilClosed: false },
    );
    assert.match(h2.stdout, /ALPN protocol: h2/);
    const h1 = await opensslClient(
      port('mtls'),
      ['-CAfile', pki.ca.certPath, ...clientCertArgs(client), '-alpn', 'http/1.1'],
      'GET /over-openssl HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n',
    );
    assert.match(h1.stdout, /ALPN protocol: http\/1\.1/);
    assert.match(h1.stdout, /HTTP\/1\.1 200 OK/);
    assert.match(h1.stdout, /"path":"\/over-openssl"/);
    assert.match(h1.stdout, /Verify return code: 0 \(ok\)/);
  });

  test('STRICT: a plaintext client is closed unanswered and counted', async () => {
    const before = stat('mtls', 'no_filter_chain_match');
    const answer = await rawExchange(port('mtls'), 'GET / HTTP/1.1\r\nHost: svc\r\n\r\n');
    assert.equal(answer, '');
    assert.equal(stat('mtls', 'no_filter_chain_match'), before + 1);
  });

  test('no client certificate, a certificate from another CA, or a SAN outside the rules: refused and counted', async () => {
    const request = 'GET /refused HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n';
    const cases: [string, string[], string][] = [
      ['no certificate', [], 'ssl.fail_verify_no_cert'],
      ['another CA', clientCertArgs(foreign), 'ssl.fail_verify_error'],
      ['wrong SAN', clientCertArgs(outsider), 'ssl.fail_verify_san'],
    ];
    for (const [what, args, counter] of cases) {
      const before = stat('mtls', counter);
      const errors = stat('mtls', 'ssl.connection_error');
      const r = await opensslClient(port('mtls'), ['-CAfile', pki.ca.certPath, ...args], request);
      assert.doesNotMatch(r.stdout, /HTTP\/1\.1/, what);
      assert.equal(stat('mtls', counter), before + 1, what);
      assert.equal(stat('mtls', 'ssl.connection_error'), errors + 1, what);
    }
    assert.equal(appSaw.includes('/refused'), false);
  });

  test('PERMISSIVE takes TLS and plaintext (HTTP/1.1 and h2c prior knowledge) on one port', async () => {
    const tlsAnswer = await curl([
      '--cacert',
      pki.ca.certPath,
      '--resolve',
      `svc.local:${port('perm')}:127.0.0.1`,
      `https://svc.local:${port('perm')}/tls`,
    ]);
    assert.equal(tlsAnswer.code, 0, tlsAnswer.stderr);
    assert.match(tlsAnswer.stdout, /"path":"\/tls"/);
    assert.equal(stat('perm', 'ssl.no_certificate'), 1);
    const plain = await httpRequest(port('perm'), '/plain', { host: 'svc' });
    assert.equal(plain.status, 200);
    // No mTLS on a plaintext request: whatever the client claimed is not passed on (Envoy's default SANITIZE).
    const forged = await httpRequest(port('perm'), '/forged', {
      host: 'svc',
      headers: { 'x-forwarded-client-cert': 'By=spiffe://forged' },
    });
    assert.equal(
      (JSON.parse(forged.body) as { headers: Record<string, string> }).headers['x-forwarded-client-cert'],
      undefined,
    );
    const session = http2.connect(`http://127.0.0.1:${port('perm')}`);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = session.request({ ':path': '/h2c', ':authority': 'svc' });
        req.on('response', (h) => resolve(Number(h[':status'])));
        req.on('error', reject);
        req.resume();
        req.end();
      });
      assert.equal(status, 200);
    } finally {
      session.close();
    }
  });

  test('DISABLED: a ClientHello gets no handshake; plaintext is served', async () => {
    const r = await opensslClient(port('plain'), [], '', { timeoutMs: 10_000 });
    assert.doesNotMatch(r.stdout, /Cipher is (?!\(NONE\))/);
    assert.match(
      r.stdout + r.stderr,
      /no peer certificate available|wrong version number|unexpected eof|Cipher is \(NONE\)/,
    );
    assert.equal((await httpRequest(port('plain'), '/', { host: 'svc' })).status, 200);
  });

  test('TCP over STRICT mTLS: bytes reach the app decrypted and come back; a wrong SAN is refused', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({
        port: port('tcp'),
        host: '127.0.0.1',
        ca: pki.ca.certPem,
        cert: client.certPem,
        key: client.keyPem,
        servername: 'svc.local',
      });
      let got = '';
      s.setEncoding('utf8');
      s.on('data', (c: string) => {
        got += c;
        if (got.includes('\n')) {
          s.end();
          resolve(got);
        }
      });
      s.on('error', reject);
      s.write('ping-over-tls\n');
    });
    assert.equal(echoed, 'ping-over-tls\n');
    const refused = await opensslClient(
      port('tcp'),
      ['-CAfile', pki.ca.certPath, ...clientCertArgs(outsider)],
      'x\n',
    );
    assert.doesNotMatch(refused.stdout, /^x$/m);
    assert.equal(stat('tcp', 'ssl.fail_verify_san'), 1);
  });

  test('a client that stalls in the handshake is closed at the listener-filters deadline', async () => {
    const before = proxy.stats.counter(`listener.127.0.0.1_${port('slow')}.downstream_pre_cx_timeout`).value;
    const socket = net.connect(port('slow'), '127.0.0.1');
    socket.on('error', () => {});
    // A handshake record header and nothing more: the proxy waits for the rest of the ClientHello, until 300 ms.
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));
    await new Promise((resolve) => socket.once('close', resolve));
    assert.equal(stat('slow', 'downstream_pre_cx_timeout'), before + 1);
  });

  test('TLS 1.2 sessions resume under mTLS; a client asking to renegotiate is refused', async () => {
    const mtlsArgs = ['-CAfile', pki.ca.certPath, ...clientCertArgs(client), '-tls1_2'];
    const resumed = await opensslClient(port('mtls'), [...mtlsArgs, '-reconnect'], '', {
      untilClosed: false,
    });
    assert.match(resumed.stdout, /^Reused, TLSv1\.2/m);
    assert.doesNotMatch(resumed.stderr, /error/i);
    const renegotiate = await opensslClient(port('mtls'), mtlsArgs, 'R\n', { untilClosed: false });
    assert.match(renegotiate.stderr, /RENEGOTIATING/);
    assert.match(renegotiate.stderr, /no renegotiation/);
  });

  test('TLS below 1.2 is refused', async () => {
    const r = await new Promise<string>((resolve) => {
      const s = tls.connect({
        port: port('perm'),
        host: '127.0.0.1',
        ca: pki.ca.certPem,
        servername: 'svc.local',
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      s.once('secureConnect', () => resolve(`connected ${s.getProtocol()}`));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    assert.doesNotMatch(r, /^connected/);
  });
});

/** Sends `data` over plaintext TCP and resolves with everything read until the server closes. */
function rawExchange(port: number, data: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (got += c));
    socket.on('error', () => {});
    socket.on('close', () => resolve(got));
    socket.write(data);
  });
}
