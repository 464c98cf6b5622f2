// Path normalization through a real gateway configured through the App Mesh API (issue 14.1): the translation
// asks for normalize_path and merge_slashes, and the gateway routes and forwards the normalized path, so that
// `..`, escaped dots and doubled slashes cannot step out of a gateway route's prefix. The answers are Envoy's for
// the same inputs (its path_utility tests and HCM docs): `/public/../secret` is `/secret` (no route, 404),
// `//public/x` is `/public/x`, `%2F` is kept as sent (path_with_escaped_slashes_action's default), `%00` is 400.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { freePorts } from '../support/free-ports.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import type { Echo } from '../support/echo-apps.ts';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.ts';
import { httpRequest as request } from '../support/http-client.ts';

const mesh = 'pn';
const service = 'pub.pn.local';

let h: GatewayHarness;
let port: number;

before(async () => {
  h = await startGatewayHarness();
  [port] = (await freePorts(1)) as [number];
  const app = await h.startApp('pub-v1');
  const api = h.mesh.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'pub-v1', servingNode('pub-v1', app.port));
  await api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'pub-v1' } } });
  await api.createGateway(mesh, 'edge', { listeners: [{ portMapping: { port, protocol: 'http' } }] });
  await h.requests.send(mesh, [
    {
      kind: 'gatewayRoute',
      virtualGatewayName: 'edge',
      body: {
        gatewayRouteName: 'public',
        spec: {
          httpRoute: {
            match: { prefix: '/public/' },
            action: {
              target: { virtualService: { virtualServiceName: service } },
              rewrite: { prefix: { defaultPrefix: 'DISABLED' } },
            },
          },
        },
      },
    },
  ]);
  await h.sidecarFor(mesh, 'pub-v1', app);
  await h.gateway(mesh, 'edge');
  await waitFor('the app answering through the gateway', async () => {
    return (await request(port, '/public/ready')).status === 200;
  });
});

after(async () => {
  await h?.close();
});

/** Input path → the path the app sees (200), or the gateway's status when it does not forward. */
const table: [string, string | number][] = [
  ['/public/x', '/public/x'],
  ['//public/x', '/public/x'],
  ['/public//x', '/public/x'],
  ['/public///x//y', '/public/x/y'],
  ['/public/./x', '/public/x'],
  ['/public/a/../x', '/public/x'],
  ['/public/a/%2e%2E/x', '/public/x'],
  ['/public/%78?q=/../y//z', '/public/x?q=/../y//z'],
  ['/public/a/..', '/public/'],
  ['/public/..%2fx', '/public/..%2fx'],
  ['/public/a%2F..%2Fx', '/public/a%2F..%2Fx'],
  ['/public/a\\..\\x', '/public/x'],
  ['/public/../secret', 404],
  ['/public/%2e%2e/secret', 404],
  ['/public/.%2e/secret', 404],
  ['/public/..;jsessionid=1/secret', 404],
  ['/public/../../../etc/passwd', 404],
  ['/public/%00/x', 400],
];

test('each path is routed and forwarded normalized, as Envoy does with normalize_path and merge_slashes', async () => {
  const wrong: string[] = [];
  for (const [input, expected] of table) {
    const r = await request(port, input);
    const got = r.status === 200 ? (JSON.parse(r.body) as Echo).path : r.status;
    if (got !== expected) wrong.push(`${input}: expected ${expected}, got ${got}`);
  }
  assert.deepEqual(wrong, []);
});

test('an absolute-form target is normalized the same way', async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(
      `GET http://127.0.0.1:${port}//public/a/../b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
  });
  assert.match(answer, /^HTTP\/1\.1 200 /);
  assert.match(answer, /"path":"\/public\/b"/);
});
