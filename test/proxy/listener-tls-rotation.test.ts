// A listener's certificate is read when its scope is built: a configuration applied after the file changed serves
// the new certificate to new connections, while a connection opened before keeps working on the old one.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { MeshProxy } from '../../src/proxy/index.ts';
import { startHttpServer } from '../support/echo-apps.ts';
import type { TestServer } from '../support/echo-apps.ts';
import { createTestPki, haveOpenssl } from '../support/test-pki.ts';
import type { TestPki } from '../support/test-pki.ts';
import { cluster, endpoints, prefixRoute, routeConfig, snapshot, vhost } from './envoy-fixtures.ts';
import { hcmFilter, tlsListener } from './tls-listener-fixtures.ts';

const skip = (await haveOpenssl()) ? false : 'openssl is not installed';
let pki: TestPki;
let app: TestServer;

before(async () => {
  if (skip) return;
  pki = await createTestPki();
  app = await startHttpServer((req, res) => {
    req.resume();
    res.end('ok');
  });
});
after(async () => {
  await app?.close();
  await pki?.cleanup();
});

/** Opens a TLS connection and resolves with it and the serial of the certificate the server showed. */
function connect(port: number): Promise<{ socket: tls.TLSSocket; serial: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', ca: pki.ca.certPem, servername: 'svc.local' });
    socket.once('secureConnect', () =>
      resolve({ socket, serial: socket.getPeerX509Certificate()!.serialNumber }),
    );
    socket.once('error', reject);
  });
}

/** One HTTP/1.1 request on an open connection; resolves with the status line. */
function ask(socket: tls.TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (c: Buffer): void => {
      got += c.toString();
      if (!got.includes('\r\n\r\nok')) return;
      socket.off('data', onData);
      resolve(got.split('\r\n')[0]!);
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write('GET / HTTP/1.1\r\nHost: svc\r\n\r\n');
  });
}

test(
  'a certificate file replaced on disk is served to new connections without a new configuration; open ones keep theirs',
  { skip },
  async () => {
    const first = await pki.issue('first', { dnsNames: ['svc.local'] });
    const second = await pki.issue('second', { dnsNames: ['svc.local'] });
    const certPath = join(pki.dir, 'live.crt');
    const keyPath = join(pki.dir, 'live.key');
    await copyFile(first.certPath, certPath);
    await copyFile(first.keyPath, keyPath);
    const config = (): ReturnType<typeof snapshot> =>
      snapshot({
        listeners: [tlsListener('in', { mode: 'STRICT', certPath, keyPath, filter: hcmFilter('in', 'rc') })],
        routeConfigurations: [routeConfig('rc', [vhost('all', ['*'], [prefixRoute('/', 'app')])])],
        clusters: [cluster('app')],
        clusterLoadAssignments: [endpoints('app', [app.port])],
      });
    const proxy = new MeshProxy();
    try {
      await proxy.applyConfig(config());
      const port = proxy.listenerPort('in')!;
      const old = await connect(port);
      const firstSerial = new X509Certificate(first.certPem).serialNumber;
      assert.equal(old.serial, firstSerial);
      assert.equal(await ask(old.socket), 'HTTP/1.1 200 OK');

      await copyFile(second.certPath, certPath);
      await copyFile(second.keyPath, keyPath);
      // The proxy watches the files it serves: no new configuration is applied.
      const fresh = await waitFor('the replaced certificate is served', async () => {
        const attempt = await connect(port);
        if (attempt.serial !== firstSerial) return attempt;
        attempt.socket.destroy();
        return undefined;
      });
      assert.equal(proxy.listenerPort('in'), port, 'the listener keeps its socket');
      assert.equal(await ask(fresh.socket), 'HTTP/1.1 200 OK');
      // The connection made before the change lives on, on the certificate it was made with.
      assert.equal(await ask(old.socket), 'HTTP/1.1 200 OK');
      old.socket.destroy();
      fresh.socket.destroy();
    } finally {
      await proxy.close(0);
    }
  },
);

test(
  'a listener whose certificate file is missing is refused and the running one keeps serving',
  { skip },
  async () => {
    const cert = await pki.issue('kept', { dnsNames: ['svc.local'] });
    const build = (certPath: string): ReturnType<typeof snapshot> =>
      snapshot({
        listeners: [
          tlsListener('in', {
            mode: 'STRICT',
            certPath,
            keyPath: cert.keyPath,
            filter: hcmFilter('in', 'rc'),
          }),
        ],
        routeConfigurations: [routeConfig('rc', [vhost('all', ['*'], [prefixRoute('/', 'app')])])],
        clusters: [cluster('app')],
        clusterLoadAssignments: [endpoints('app', [app.port])],
      });
    const proxy = new MeshProxy();
    try {
      await proxy.applyConfig(build(cert.certPath));
      await assert.rejects(
        proxy.applyConfig(build(join(pki.dir, 'absent.crt'))),
        /TLS of listener "in".*cannot read/,
      );
      const c = await connect(proxy.listenerPort('in')!);
      assert.equal(await ask(c.socket), 'HTTP/1.1 200 OK');
      c.socket.destroy();
    } finally {
      await proxy.close(0);
    }
  },
);
