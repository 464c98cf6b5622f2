// Registry addresses that carry an IPv4 address inside an IPv6 one (issue 14 review): the metadata service's
// 169.254.169.254 written as IPv4-translated, NAT64 or IPv4-compatible IPv6 got past the unicast rule, which
// only folded in the IPv4-mapped form (::ffff:a.b.c.d). Each is sent as the exact bytes to a real control plane.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { rawExchange } from './raw-exchange.ts';

const service = '/switchyard/v1/registry/namespaces/n/services/s';

let cp: TestControlPlane;
let port: number;

function put(path: string, body: string): string {
  return (
    `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

before(async () => {
  cp = await startTestControlPlane();
  port = cp.running.apiAddress.port;
  assert.equal((await rawExchange(port, put('/switchyard/v1/registry/namespaces/n', ''))).status, 201);
  assert.equal((await rawExchange(port, put(service, ''))).status, 201);
});
after(async () => cp?.close());

const refused: readonly [address: string, reason: RegExp][] = [
  ['::ffff:0:a9fe:a9fe', /cloud metadata/],
  ['::ffff:0:169.254.169.254', /cloud metadata/],
  ['64:ff9b::a9fe:a9fe', /cloud metadata/],
  ['64:ff9b::169.254.169.254', /cloud metadata/],
  ['::a9fe:a9fe', /cloud metadata/],
  ['::169.254.169.254', /cloud metadata/],
  ['64:ff9b::e000:1', /multicast/],
  ['::ffff:0:0.0.0.1', /unspecified/],
];

for (const [address, reason] of refused) {
  test(`${address} is refused as the IPv4 address it carries, and nothing is registered`, async () => {
    const answer = await rawExchange(
      port,
      put(`${service}/instances/i`, `{"address":"${address}","port":80}`),
    );
    assert.equal(answer.status, 400, answer.text);
    assert.match(answer.text, reason);
    const listed = await rawExchange(
      port,
      `GET ${service}/instances HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    assert.doesNotMatch(listed.text, /"instanceId":"i"/);
  });
}

test('loopback and ordinary IPv6 addresses are still accepted', async () => {
  for (const [i, address] of ['::1', '64:ff9b::a00:5', '::ffff:0:a00:5', '2001:db8::1'].entries()) {
    const answer = await rawExchange(
      port,
      put(`${service}/instances/ok${i}`, `{"address":"${address}","port":80}`),
    );
    assert.equal(answer.status, 201, `${address}: ${answer.text}`);
  }
});
