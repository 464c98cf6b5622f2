// A `#` in a request target through a real gateway configured through the App Mesh API (issue 14 review).
// Path normalization removed every `..` it could see, but `/public/..#` matched the `/public/` gateway route and
// reached the upstream as is; an app that parses its target as a URL (`new URL(req.url, base)`, WHATWG) drops
// the fragment and resolves `/public/..` to `/`, outside the route. Envoy refuses a fragment with 400 (its
// http_reject_path_with_fragment default), over HTTP/1.1 and HTTP/2 alike; so does the gateway now.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, test } from 'node:test';
import type { Echo } from '../support/echo-apps.ts';
import type { GatewayHarness } from '../gateway/support/gateway-harness.ts';
import { startPublicRouteGateway } from '../gateway/support/public-route-gateway.ts';
import { rawExchange } from './raw-exchange.ts';

const mesh = 'frag';
const service = 'pub.frag.local';

let h: GatewayHarness;
let port: number;
let seen: string[];

before(async () => {
  const started = await startPublicRouteGateway(mesh, service);
  h = started.harness;
  port = started.port;
  seen = started.app.seen;
});

after(async () => {
  await h?.close();
});

const targets = ['/public/..#', '/public/..#/x', '/public/%2e%2e#x', '/public/x?a#b', '/public/x#'];

test('HTTP/1.1: a target with a fragment is answered 400 and never reaches the app', async () => {
  for (const target of targets) {
    const answer = await rawExchange(
      port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(answer.status, 400, `${target}: ${answer.text}`);
  }
  assert.deepEqual(
    seen.filter((p) => p.includes('#')),
    [],
  );
  // The same connection shape without a fragment is served.
  const ok = await rawExchange(
    port,
    `GET /public/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(ok.status, 200, ok.text);
});

test('HTTP/2: a :path with a fragment is answered 400 on its stream, and the session keeps serving', async () => {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  try {
    const ask = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({ ':path': path });
        let body = '';
        let status = 0;
        stream.on('response', (headers) => (status = Number(headers[':status'])));
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
        stream.end();
      });
    for (const target of targets) assert.equal((await ask(target)).status, 400, target);
    const ok = await ask('/public/y');
    assert.equal(ok.status, 200);
    assert.equal((JSON.parse(ok.body) as Echo).path, '/public/y');
  } finally {
    session.close();
  }
  assert.deepEqual(
    seen.filter((p) => p.includes('#')),
    [],
  );
});
