// The proxy's own HTTP/1.1 upstream client against upstreams whose exact bytes the test controls.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { after, test } from 'node:test';
import { startHttpServer } from '../support/echo-apps.ts';
import { waitFor } from '../support/wait-for.ts';
import { closeClientAgent, counter, request, startSingleRouteProxy } from './harness.ts';

after(() => closeClientAgent());

/** A TCP server that answers each request head it sees with `answer(head, socket, n)`. */
async function rawServer(
  answer: (head: string, socket: Socket, n: number) => void,
): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let n = 0;
  const state = { connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (d: Buffer) => {
      buffered += d.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        answer(head, socket, ++n);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return state.connections;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('sequential requests reuse one upstream connection', async () => {
  const up = await rawServer((_head, socket) =>
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'),
  );
  const h = await startSingleRouteProxy([up.port]);
  try {
    for (let i = 0; i < 5; i++) assert.equal((await request(h.port, '/')).body, 'ok');
    assert.equal(up.connections, 1);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_cx_total'), 1);
  } finally {
    await h.close();
    await up.close();
  }
});

test('request bodies are framed as the client framed them: length, chunked, or explicitly empty', async () => {
  const seen: { method: string; te: string | undefined; cl: string | undefined; body: string }[] = [];
  const up = await startHttpServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        te: req.headers['transfer-encoding'],
        cl: req.headers['content-length'],
        body,
      });
      res.end('done');
    });
  });
  const h = await startSingleRouteProxy([up.port]);
  try {
    await request(h.port, '/', { method: 'POST', body: 'fixed body' });
    // A chunked upload: written in two pieces with no length.
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: h.port, method: 'PUT', path: '/', headers: { host: 'svc' }, agent: false },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.write('part one, ');
      setImmediate(() => req.end('part two'));
    });
    await request(h.port, '/', { method: 'POST' });
    await request(h.port, '/');
    assert.deepEqual(seen, [
      { method: 'POST', te: undefined, cl: '10', body: 'fixed body' },
      { method: 'PUT', te: 'chunked', cl: undefined, body: 'part one, part two' },
      { method: 'POST', te: undefined, cl: '0', body: '' },
      { method: 'GET', te: undefined, cl: undefined, body: '' },
    ]);
  } finally {
    await h.close();
    await up.close();
  }
});

test('close-delimited, chunked-with-trailers and 100-continue answers reach the client whole', async () => {
  const up = await rawServer((head, socket) => {
    if (head.startsWith('GET /close'))
      socket.end('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end');
    else if (head.startsWith('GET /chunked'))
      socket.write(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\nx-sum: 7\r\n\r\n',
      );
    else socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-length: 4\r\n\r\nlate');
  });
  const h = await startSingleRouteProxy([up.port]);
  try {
    assert.equal((await request(h.port, '/close')).body, 'until the end');
    const chunked = await request(h.port, '/chunked');
    assert.equal(chunked.body, 'abcdefg');
    const cont = await request(h.port, '/continue');
    assert.equal(cont.status, 202);
    assert.equal(cont.body, 'late');
  } finally {
    await h.close();
    await up.close();
  }
});

test('a keep-alive connection the upstream closed while idle is replaced without a client-visible error', async () => {
  // Answers, then closes each connection shortly after, as an upstream with a short keep-alive timeout does.
  const up = await rawServer((_head, socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    setTimeout(() => socket.end(), 20);
  });
  const h = await startSingleRouteProxy([up.port]);
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal((await request(h.port, '/')).status, 200);
      await waitFor('the proxy to see the upstream close its idle connection', () => {
        return h.proxy.stats.gauge('cluster.svc.upstream_cx_active').value === 0;
      });
    }
    assert.equal(up.connections, 3);
  } finally {
    await h.close();
    await up.close();
  }
});

test('a reused connection dropped by the upstream before any answer is retried once on a new one', async () => {
  // Every connection serves one request and drops the next unanswered: the race a keep-alive timeout causes.
  const served = new WeakSet<Socket>();
  const up = await rawServer((_head, socket) => {
    if (served.has(socket)) return void socket.destroy();
    served.add(socket);
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
  });
  const h = await startSingleRouteProxy([up.port]);
  try {
    for (let i = 0; i < 3; i++) assert.equal((await request(h.port, '/')).status, 200);
    assert.equal(up.connections, 3);
    assert.equal(counter(h.proxy, 'cluster.svc.upstream_rq_retry'), 0);
  } finally {
    await h.close();
    await up.close();
  }
});

test('a malformed upstream answer becomes a 503 reset', async () => {
  const up = await rawServer((_head, socket) => socket.write('HTTP/1.1 2OO OK\r\n\r\n'));
  const h = await startSingleRouteProxy([up.port]);
  try {
    const res = await request(h.port, '/');
    assert.equal(res.status, 503);
    assert.match(res.body, /connection termination/);
  } finally {
    await h.close();
    await up.close();
  }
});
