// Mesh-wide mTLS from the built-in CA, end to end through real sidecars: the control plane runs with
// `--mtls strict` and 10-second certificates, so every hop is mutual TLS with identities nobody configured by hand,
// rotation happens several times during the test, and a SAN list on one listener keeps out a caller it does not name.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEchoApp, type Echo, type EchoApp } from '../support/echo-apps.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { ProxyClient } from '../support/http-client.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { plaintextAnswer, presentedCertificate } from '../support/tls-probe.ts';
import { waitFor } from '../support/wait-for.ts';

const mesh = 'm';
const trustDomain = 'switchyard.local';
const spiffe = (node: string): string => `spiffe://${trustDomain}/mesh/${mesh}/virtualNode/${node}`;
const service = 'server.e2e.local';
const pinned = 'pinned.e2e.local';

let h: MeshHarness;
let server: EchoApp;
let pinnedApp: EchoApp;
let serverSidecar: SidecarProcess;
let client: ProxyClient;
let intruder: ProxyClient;

before(async () => {
  h = await startMesh(['--mtls', 'strict', '--cert-ttl', '10s']);
  [server, pinnedApp] = await Promise.all([startEchoApp('server'), startEchoApp('pinned')]);
  const api = h.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'server', servingNode('server', server.port));
  // Its own TLS block wins over the mesh switch: built-in identity, but only the client node may call it.
  await api.createNode(
    mesh,
    'pinned',
    servingNode('pinned', pinnedApp.port, 'http', {
      listener: {
        tls: {
          mode: 'STRICT',
          certificate: { sds: { secretName: spiffe('pinned') } },
          validation: {
            trust: { sds: { secretName: `spiffe://${trustDomain}` } },
            subjectAlternativeNames: { match: { exact: [spiffe('client')] } },
          },
        },
      },
    }),
  );
  await api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'server' } } });
  await api.createService(mesh, pinned, { provider: { virtualNode: { virtualNodeName: 'pinned' } } });
  await api.createNode(mesh, 'client', clientNode(service, pinned));
  await api.createNode(mesh, 'intruder', clientNode(pinned));
  const node = (n: string): string => `mesh/${mesh}/virtualNode/${n}`;
  let clientSidecar: SidecarProcess;
  let intruderSidecar: SidecarProcess;
  [serverSidecar, , clientSidecar, intruderSidecar] = await Promise.all([
    h.sidecar(node('server')),
    h.sidecar(node('pinned')),
    h.sidecar(node('client')),
    h.sidecar(node('intruder')),
  ]);
  client = new ProxyClient(clientSidecar.outboundPort);
  intruder = new ProxyClient(intruderSidecar.outboundPort);
  await waitFor('the client reaches both services', async () => {
    const [a, b] = await Promise.all([client.get(service, '/'), client.get(pinned, '/')]);
    return a.status === 200 && b.status === 200;
  });
});

after(async () => {
  client?.close();
  intruder?.close();
  await h?.close();
  await Promise.all([server?.close(), pinnedApp?.close()]);
});

test("the server's app sees the caller's SPIFFE ID, put there by its sidecar from the client certificate", async () => {
  const answer = await client.get(service, '/who');
  assert.equal(answer.status, 200);
  const echo = JSON.parse(answer.body) as Echo;
  assert.match(
    echo.forwardedClientCert ?? '',
    new RegExp(`URI=${spiffe('client').replace(/[/.]/g, '\\$&')}`),
  );
});

test('the server sidecar presents its built-in identity and answers no plaintext (STRICT)', async () => {
  const cert = await presentedCertificate(serverSidecar.inboundPort);
  assert.match(cert.subjectAltName, new RegExp(spiffe('server').replace(/[/.]/g, '\\$&')));
  assert.equal(await plaintextAnswer(serverSidecar.inboundPort), 'closed');
});

test('a caller the SAN list does not name fails closed; the named one gets through', async () => {
  assert.equal((await client.get(pinned, '/')).status, 200);
  const refused = await intruder.get(pinned, '/');
  assert.equal(refused.status, 503);
  assert.equal(pinnedApp.seen.filter((p) => p === '/from-intruder').length, 0);
  assert.equal((await intruder.get(pinned, '/from-intruder')).status, 503);
  assert.equal(pinnedApp.seen.includes('/from-intruder'), false);
});

test('10-second certificates rotate under steady traffic with zero failed requests', async () => {
  const first = await presentedCertificate(serverSidecar.inboundPort);
  const failures: string[] = [];
  let answered = 0;
  let stop = false;
  const traffic = Promise.all(
    Array.from({ length: 4 }, async () => {
      while (!stop) {
        try {
          const r = await client.get(service, '/steady');
          if (r.status === 200) answered++;
          else failures.push(`${r.status} ${r.body}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    }),
  );
  try {
    // Two rotations of the server's certificate (a new serial each time) while requests flow.
    const serials = new Set([first.serialNumber]);
    await waitFor(
      'two rotations of the server certificate',
      async () => {
        serials.add((await presentedCertificate(serverSidecar.inboundPort)).serialNumber);
        return serials.size >= 3;
      },
      { timeoutMs: 40_000 },
    );
  } finally {
    stop = true;
    await traffic;
  }
  console.log(
    `# mtls rotation: ${answered} requests answered across two rotations, ${failures.length} failed`,
  );
  assert.deepEqual(failures, []);
  assert.ok(answered > 0);
});
