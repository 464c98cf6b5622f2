// Path normalization through a real gateway configured through the App Mesh API (issue 14.1): the translation
// asks for normalize_path and merge_slashes, and the gateway routes and forwards the normalized path, so that
// `..`, escaped dots and doubled slashes cannot step out of a gateway route's prefix. The answers are Envoy's for
// the same inputs (its path_utility tests and HCM docs): `/public/../secret` is `/secret` (no route, 404),
// `//public/x` is `/public/x`, `%2F` is kept as sent (path_with_escaped_slashes_action's default), `%00` is 400.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Echo } from '../support/echo-apps.ts';
import type { GatewayHarness } from './support/gateway-harness.ts';
import { startPublicRouteGateway } from './support/public-route-gateway.ts';
import { httpRequest as request } from '../support/http-client.ts';

const mesh = 'pn';
const service = 'pub.pn.local';

let h: GatewayHarness;
let port: number;

before(async () => {
  const started = await startPublicRouteGateway(mesh, service);
  h = started.harness;
  port = started.port;
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
