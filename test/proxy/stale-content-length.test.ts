// An upstream response framed both by Content-Length and chunked coding reaches the client framed by the coding
// alone: the stale length is not forwarded (RFC 9112 §6.3; issue 14.4), so the client does not wait for bytes
// that never come.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startSingleRouteProxy, type Harness } from './harness.ts';

let upstream: net.Server;
let h: Harness;

before(async () => {
  upstream = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () =>
      socket.end(
        'HTTP/1.1 200 OK\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\nx-up: 1\r\n\r\n' +
          '2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n',
      ),
    );
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  h = await startSingleRouteProxy([(upstream.address() as AddressInfo).port]);
});

after(async () => {
  await h.close();
  upstream.close();
});

test('Content-Length beside chunked coding from an upstream is dropped, and the body arrives whole', async () => {
  const answer = await new Promise<{ headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port: h.port, path: '/', headers: { host: 'svc' }, agent: false },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error('no whole answer within 5 s')));
    req.on('error', reject);
  });
  assert.equal(answer.body, 'abcde');
  assert.equal(answer.headers['content-length'], undefined);
  assert.equal(answer.headers['x-up'], '1');
});
