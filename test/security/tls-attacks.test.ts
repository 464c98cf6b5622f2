// Hostile clients against the proxy's TLS listeners (issue 15 review), with raw sockets and node:tls: plaintext
// smuggled into STRICT, a ClientHello that never ends or arrives a byte at a time, many half-open handshakes, old
// protocol versions, renegotiation, certificates from another CA or with SAN tricks, and a PERMISSIVE plaintext
// client forging x-forwarded-client-cert. Each must be refused (or served) exactly as Envoy would.
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import { startHttpServer } from '../support/echo-apps.ts';
import type { TestServer } from '../support/echo-apps.ts';
import { createTestPki, haveOpenssl } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  cluster,
  endpoints,
  ms,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from '../proxy/envoy-fixtures.ts';
import { hcmFilter, tlsListener } from '../proxy/tls-listener-fixtures.ts';
import { rawExchange } from './raw-exchange.ts';

const meshPrefix = 'spiffe://test.local/mesh/m/';
const clientId = `${meshPrefix}virtualNode/client`;
const forged = `By=${meshPrefix}virtualNode/server;URI=${meshPrefix}virtualNode/admin`;

/** The first flight a real TLS client sends, captured from node:tls against a socket that never answers. */
function captureClientHello(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk);
        socket.destroy();
        server.close();
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const client = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'x' });
      client.on('error', () => {});
      client.on('close', () => undefined);
    });
    server.on('error', reject);
  });
}

/** Writes `chunks` to `port` one by one, then resolves with what came back once the peer closed or `waitMs` ran out. */
function rawSend(
  port: number,
  chunks: readonly Buffer[],
  waitMs: number,
  gapMs = 2,
): Promise<{ closedByPeer: boolean; received: Buffer; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let closedByPeer = false;
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('end', () => (closedByPeer = true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') closedByPeer = true;
      else reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedByPeer, received: Buffer.concat(received), elapsedMs: Date.now() - started });
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        await new Promise((r) => (gapMs > 0 ? setTimeout(r, gapMs) : setImmediate(r)));
      }
    });
  });
}

/** A TLS client: resolves 'ok' with the handshake done, or the error that ended it. */
function handshake(port: number, options: tls.ConnectionOptions): Promise<'ok' | string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
    socket.on('secureConnect', () => {
      // TLS 1.3 servers refuse a client certificate after the client's side finished: read one byte to see it.
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    socket.on('data', () => {
      resolve('ok');
      socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve('closed'));
  });
}

const haveTools = await haveOpenssl();

describe('TLS listener attacks', { skip: haveTools ? false : 'openssl is not installed' }, () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let serverCert: IssuedCertificate;
  let client: IssuedCertificate;
  let foreign: IssuedCertificate;
  let dotted: IssuedCertificate;
  let upperCase: IssuedCertificate;
  let dnsLookalike: IssuedCertificate;
  let injector: IssuedCertificate;
  let app: TestServer;
  const appSaw: (string | undefined)[] = [];
  let proxy: MeshProxy;
  let hello: Buffer;
  const port = (name: string): number => proxy.listenerPort(name) ?? 0;
  const stat = (listener: string, name: string): number =>
    proxy.stats.counter(`listener.127.0.0.1_${port(listener)}.${name}`).value;
  const gauge = (listener: string, name: string): number =>
    proxy.stats.gauge(`listener.127.0.0.1_${port(listener)}.${name}`).value;

  before(async () => {
    pki = await createTestPki();
    otherPki = await createTestPki('Other CA');
    serverCert = await pki.issue('server', { uris: [`${meshPrefix}virtualNode/server`] });
    client = await pki.issue('client', { uris: [clientId] });
    foreign = await otherPki.issue('foreign', { uris: [clientId] });
    dotted = await pki.issue('dotted', { uris: ['spiffe://test.local/mesh/other/../m/virtualNode/client'] });
    upperCase = await pki.issue('upper', { uris: ['spiffe://test.local/mesh/m/virtualNode/CLIENT'] });
    dnsLookalike = await pki.issue('lookalike', { dnsNames: ['client.m.test.local'] });
    // A mesh name may hold ';', ',' and '=' (only '/' and control characters are refused), so the built-in CA
    // issues such URIs too.
    injector = await pki.issue('injector', { uris: [`${meshPrefix}virtualNode/x;DNS=payments.m.local`] });
    hello = await captureClientHello();
    app = await startHttpServer((req, res) => {
      req.resume();
      appSaw.push(req.headers['x-forwarded-client-cert'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('app');
    });
    const cert = { certPath: serverCert.certPath, keyPath: serverCert.keyPath };
    const sanitizeSet = hcmFilter('perm', 'rc', {
      forward_client_cert_details: 'SANITIZE_SET',
      set_current_client_cert_details: { uri: true },
    });
    proxy = new MeshProxy();
    await proxy.start();
    await proxy.applyConfig(
      snapshot({
        listeners: [
          tlsListener('strict', {
            mode: 'STRICT',
            ...cert,
            trustCaPath: pki.ca.certPath,
            sans: [{ kind: 'exact', value: clientId }],
            filter: hcmFilter('strict', 'rc'),
            listener: { listener_filters_timeout: ms(2_000) },
          }),
          tlsListener('perm', {
            mode: 'PERMISSIVE',
            ...cert,
            trustCaPath: pki.ca.certPath,
            sans: [{ kind: 'prefix', value: meshPrefix }],
            alpn: ['h2', 'http/1.1'],
            filter: sanitizeSet,
            listener: { listener_filters_timeout: ms(400) },
          }),
        ],
        routeConfigurations: [routeConfig('rc', [vhost('all', ['*'], [prefixRoute('/', 'app')])])],
        clusters: [cluster('app')],
        clusterLoadAssignments: [endpoints('app', [app.port])],
      }),
    );
  });

  after(async () => {
    await proxy?.close(0);
    await app?.close();
    await pki?.cleanup();
    await otherPki?.cleanup();
  });

  const withClient = { cert: () => ({ cert: client.certPem, key: client.keyPem }) };

  test('a ClientHello sent one byte at a time still completes (the sniffer does not need the whole record)', async () => {
    const bytes = [...hello].map((b) => Buffer.from([b]));
    const answer = await rawSend(port('strict'), bytes, 5_000, 0);
    assert.equal(answer.received[0], 0x16, 'no ServerHello came back');
  });

  test('a ClientHello that never finishes is closed at the listener deadline', async () => {
    const before = stat('strict', 'downstream_pre_cx_timeout');
    const answer = await rawSend(port('strict'), [hello.subarray(0, 20)], 10_000);
    assert.ok(answer.closedByPeer, 'the proxy did not close the stalled handshake');
    assert.ok(answer.elapsedMs < 5_000, `closed only after ${answer.elapsedMs} ms`);
    assert.equal(stat('strict', 'downstream_pre_cx_timeout'), before + 1);
  });

  test('plaintext smuggled after a partial ClientHello gets no HTTP answer', async () => {
    const smuggled = Buffer.from('\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await rawSend(port('strict'), [hello.subarray(0, 9), smuggled], 5_000);
    assert.ok(answer.closedByPeer);
    assert.ok(!answer.received.toString('latin1').includes('HTTP/1.1'), 'an HTTP answer came back');
  });

  test('PERMISSIVE: a first byte 0x16 followed by plaintext HTTP is TLS, and fails as TLS', async () => {
    const answer = await rawSend(
      port('perm'),
      [Buffer.from('\x16GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')],
      5_000,
    );
    assert.ok(answer.closedByPeer);
    assert.ok(!answer.received.toString('latin1').includes('HTTP/1.1 200'));
  });

  test('200 half-open handshakes are all closed at the deadline and none stays counted', async () => {
    const runs = Array.from({ length: 200 }, () => rawSend(port('strict'), [hello.subarray(0, 30)], 15_000));
    const answers = await Promise.all(runs);
    assert.ok(answers.every((a) => a.closedByPeer));
    await waitFor('no pre-connection left active', () => gauge('strict', 'downstream_pre_cx_active') === 0, {
      timeoutMs: 10_000,
    });
    assert.equal(await handshake(port('strict'), withClient.cert()), 'ok', 'the listener stopped serving');
  });

  test('TLS 1.0 and 1.1 are refused', async () => {
    for (const version of ['TLSv1', 'TLSv1.1'] as const) {
      const result = await handshake(port('strict'), {
        ...withClient.cert(),
        minVersion: version,
        maxVersion: version,
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      assert.notEqual(result, 'ok', `${version} was accepted`);
    }
  });

  test('renegotiation is refused', async () => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: port('strict'),
      rejectUnauthorized: false,
      maxVersion: 'TLSv1.2',
      ...withClient.cert(),
    });
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('close', () => reject(new Error('closed before the handshake')));
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.renegotiate({ rejectUnauthorized: false }, (error) =>
        resolve(error ? 'refused' : 'renegotiated'),
      );
      // OpenSSL answers a renegotiation the server refuses with an error on the client's socket.
      socket.once('error', () => resolve('refused'));
      socket.once('close', () => resolve('refused'));
    });
    socket.destroy();
    assert.equal(outcome, 'refused');
  });

  test('mTLS refuses the right SPIFFE ID from another CA, and SAN look-alikes from the right CA', async () => {
    assert.equal(await handshake(port('strict'), withClient.cert()), 'ok');
    for (const cert of [foreign, dotted, upperCase, dnsLookalike]) {
      const before = stat('strict', 'ssl.connection_error');
      const result = await handshake(port('strict'), { cert: cert.certPem, key: cert.keyPem });
      assert.notEqual(result, 'ok', 'a look-alike certificate was accepted');
      assert.equal(stat('strict', 'ssl.connection_error'), before + 1);
    }
    assert.notEqual(await handshake(port('strict'), {}), 'ok', 'no certificate was accepted');
  });

  test('ALPN h2 followed by an HTTP/1.1 request instead of the preface is closed without an answer', async () => {
    const text = await new Promise<string>((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: port('perm'),
        rejectUnauthorized: false,
        ALPNProtocols: ['h2'],
        ...withClient.cert(),
      });
      let got = '';
      socket.on('secureConnect', () => {
        assert.equal(socket.alpnProtocol, 'h2');
        socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => resolve(got));
    });
    assert.ok(!text.includes('HTTP/1.1 200'), 'an HTTP/1.1 answer came over an h2 connection');
    assert.equal(await handshake(port('perm'), withClient.cert()), 'ok', 'the listener stopped serving');
  });

  test('a client offering only an unknown ALPN protocol gets no application protocol it did not ask for', async () => {
    const result = await new Promise<string>((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: port('perm'),
        rejectUnauthorized: false,
        ALPNProtocols: ['spdy/1'],
        ...withClient.cert(),
      });
      socket.on('secureConnect', () => {
        resolve(`alpn=${String(socket.alpnProtocol)}`);
        socket.destroy();
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    assert.notEqual(result, 'alpn=spdy/1');
    assert.notEqual(result, 'alpn=h2');
  });

  test('a URI SAN holding ";" or "," cannot add a field or an element to x-forwarded-client-cert', async () => {
    appSaw.length = 0;
    const status = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: port('perm'),
        rejectUnauthorized: false,
        cert: injector.certPem,
        key: injector.keyPem,
      });
      let got = '';
      socket.on('secureConnect', () =>
        socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      socket.on('data', (chunk: Buffer) => (got += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(got.slice(0, 12)));
    });
    assert.equal(status, 'HTTP/1.1 200');
    const xfcc = appSaw[0] ?? '';
    // An XFCC reader splits elements on unquoted ',' and fields on unquoted ';' (Envoy's own parser does).
    const unquoted = xfcc.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    assert.ok(!/(^|;)DNS=/.test(unquoted), `the certificate's URI added a DNS field: ${xfcc}`);
    assert.ok(xfcc.includes('virtualNode/x;DNS=payments.m.local'), xfcc);
  });

  test('PERMISSIVE: a plaintext client cannot forge x-forwarded-client-cert', async () => {
    appSaw.length = 0;
    const answer = await rawExchange(
      port('perm'),
      `GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Client-Cert: ${forged}\r\nx-forwarded-client-cert: ${forged}\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(appSaw, [undefined]);
  });

  test('PERMISSIVE over mTLS: the app sees only the verified identity, never the forged one', async () => {
    appSaw.length = 0;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: port('perm'),
        rejectUnauthorized: false,
        ...withClient.cert(),
      });
      let got = '';
      socket.on('secureConnect', () =>
        socket.write(
          `GET / HTTP/1.1\r\nHost: x\r\nx-forwarded-client-cert: ${forged}\r\nConnection: close\r\n\r\n`,
        ),
      );
      socket.on('data', (chunk: Buffer) => (got += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(got));
    });
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.equal(appSaw.length, 1);
    assert.ok(!appSaw[0]!.includes('admin'), `the forged identity reached the app: ${appSaw[0]}`);
    assert.match(appSaw[0]!, new RegExp(`URI=${clientId}$`));
  });
});
