// The listener's own HTTP/1.1 server on real sockets: framing, pipelining, 100-continue, bad requests, draining.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Http1Downstream } from './http1-downstream.ts';
import { Http1ServerConnection } from './http1-server-connection.ts';
import { systemClock } from '../clock.ts';

let server: net.Server;
const headSeen = Promise.withResolvers<void>();
let port = 0;
let protocolErrors = 0;
let headerTimeouts = 0;
let readingPauses = 0;
let readingResumes = 0;
let bigServed = 0;
const connections = new Set<Http1ServerConnection>();

function readAll(ds: Http1Downstream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    ds.body.on('data', (c: Buffer) => (text += c.toString()));
    ds.body.on('end', () => resolve(text));
    if (ds.bodyless) resolve('');
  });
}

async function handle(ds: Http1Downstream): Promise<void> {
  const path = ds.request.path;
  if (path === '/sync') {
    // Answered from inside the parser's callback, as the router's local replies are.
    const text = Buffer.from('sync');
    ds.respond(200, { 'content-length': text.length }, false, false).write(text);
    ds.finish(undefined);
    return;
  }
  if (path === '/big') {
    bigServed++;
    // Larger than the size up to which the first chunk is copied behind the head.
    const big = Buffer.alloc(40_000, 'b');
    ds.respond(200, { 'content-length': big.length }, false, false).write(big);
    ds.finish(undefined);
    return;
  }
  if (path === '/head-first') {
    // The head alone, then the body only once the client has seen that head.
    const sink = ds.respond(200, { 'x-kind': 'head-first' }, false, false);
    await headSeen.promise;
    sink.write(Buffer.from('late body'));
    ds.finish(undefined);
    return;
  }
  if (path === '/headers-only') {
    ds.respond(200, { 'x-kind': 'headers-only' }, true, false);
    return;
  }
  if (path.startsWith('/slow/')) await new Promise((r) => setTimeout(r, Number(path.slice(6))));
  const body = await readAll(ds);
  if (path === '/chunked') {
    const sink = ds.respond(200, { 'x-kind': 'chunked' }, false, true);
    sink.write(Buffer.from('part one,'));
    sink.write(Buffer.from('part two'));
    ds.finish({ 'x-checksum': 'abc' });
    return;
  }
  const answer = Buffer.from(`${ds.request.method} ${path} ${body}`);
  ds.respond(200, { 'content-length': answer.length }, false, false).write(answer);
  ds.finish(undefined);
}

before(async () => {
  server = net.createServer((socket) => {
    const connection = new Http1ServerConnection(socket, {
      onRequest: (ds) => void handle(ds),
      onProtocolError: () => protocolErrors++,
      onIdleTimeout: () => {},
      onHeadersTimeout: () => headerTimeouts++,
      onReadingPaused: (paused) => (paused ? readingPauses++ : readingResumes++),
      strip: () => undefined,
      idleTimeoutMs: 10_000,
      headersTimeoutMs: 300,
      clock: systemClock,
    });
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

after(() => {
  for (const c of connections) c.socket.destroy();
  server.close();
});

/** Sends `wire` and collects what comes back until the server closes or `until` matches. */
function exchange(wire: string | string[], until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer; got ${JSON.stringify(received)}`));
    }, 5_000);
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (until?.test(received)) done();
    });
    socket.on('close', done);
    const parts = Array.isArray(wire) ? wire : [wire];
    socket.write(parts[0]!);
    if (parts.length > 1)
      socket.on('data', () => {
        if (received.includes('100 Continue') && parts.length > 1) socket.write(parts.splice(1).join(''));
      });
  });
}

const withoutDate = (text: string): string => text.replace(/date: [^\r]*\r\n/g, '');

test('pipelined requests are answered in order, each after the one before', async () => {
  const wire =
    'GET /slow/40 HTTP/1.1\r\nhost: a\r\n\r\n' +
    'POST /echo HTTP/1.1\r\nhost: a\r\ncontent-length: 4\r\n\r\nbody' +
    'GET /last HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n';
  const answer = withoutDate(await exchange(wire));
  assert.equal(
    answer,
    'HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\nGET /slow/40 ' +
      'HTTP/1.1 200 OK\r\ncontent-length: 15\r\n\r\nPOST /echo body' +
      'HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: close\r\n\r\nGET /last ',
  );
});

test('a body without a length is chunked for HTTP/1.1, with trailers, and close-delimited for HTTP/1.0', async () => {
  const chunked = withoutDate(
    await exchange('GET /chunked HTTP/1.1\r\nhost: a\r\n\r\n', /0\r\n.*\r\n\r\n$/s),
  );
  assert.equal(
    chunked,
    'HTTP/1.1 200 OK\r\nx-kind: chunked\r\ntransfer-encoding: chunked\r\n\r\n' +
      '9\r\npart one,\r\n8\r\npart two\r\n0\r\nx-checksum: abc\r\n\r\n',
  );
  const http10 = withoutDate(await exchange('GET /chunked HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'));
  assert.equal(http10, 'HTTP/1.1 200 OK\r\nx-kind: chunked\r\nconnection: close\r\n\r\npart one,part two');
});

test('a response head goes out on its own when no body follows in the same tick', async () => {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let received = '';
  const body = new Promise<void>((resolve) =>
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (received.endsWith('\r\n\r\n') && !received.includes('late body')) headSeen.resolve();
      if (received.endsWith('0\r\n\r\n')) resolve();
    }),
  );
  socket.write('GET /head-first HTTP/1.1\r\nhost: a\r\n\r\n');
  await body;
  socket.destroy();
  assert.equal(
    withoutDate(received),
    'HTTP/1.1 200 OK\r\nx-kind: head-first\r\ntransfer-encoding: chunked\r\n\r\n9\r\nlate body\r\n0\r\n\r\n',
  );
});

test('a large answer given at once arrives whole behind its head', async () => {
  const answer = withoutDate(await exchange('GET /big HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n'));
  assert.equal(
    answer,
    `HTTP/1.1 200 OK\r\ncontent-length: 40000\r\nconnection: close\r\n\r\n${'b'.repeat(40_000)}`,
  );
});

test('Expect: 100-continue gets its interim answer before the client sends the body', async () => {
  const answer = await exchange(
    ['PUT /echo HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\nexpect: 100-continue\r\n\r\n', 'hello'],
    /PUT \/echo hello$/,
  );
  assert.match(answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
});

test('a malformed or smuggling request gets 400, closes the connection and is counted', async () => {
  const before = protocolErrors;
  for (const wire of [
    'NOT A REQUEST\r\n\r\n',
    'POST / HTTP/1.1\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
  ]) {
    const answer = await exchange(wire);
    assert.equal(answer, 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  }
  assert.equal(protocolErrors - before, 2);
});

test('a request head over 60 KiB gets 431 and is counted as a protocol error', async () => {
  const before = protocolErrors;
  // Under 64 KiB, so the server reads it all at once and closes with nothing unread (no reset racing the answer).
  const answer = await exchange(`GET / HTTP/1.1\r\nhost: a\r\nx-big: ${'a'.repeat(62_000)}`);
  assert.equal(
    answer,
    'HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n\r\n',
  );
  assert.equal(protocolErrors - before, 1);
});

test('draining closes idle connections at once and busy ones after their answer', async () => {
  const idle = net.connect(port, '127.0.0.1');
  await new Promise((r) => idle.once('connect', r));
  const idleClosed = new Promise((r) => idle.once('close', r));
  const busy = exchange('GET /slow/100 HTTP/1.1\r\nhost: a\r\n\r\n');
  // Wait until both connections are known to the server and the slow request is in progress.
  const deadline = performance.now() + 5_000;
  while ([...connections].filter((c) => !c.idle).length < 1 || connections.size < 2) {
    if (performance.now() > deadline) throw new Error('connections never arrived');
    await new Promise((r) => setTimeout(r, 5));
  }
  for (const c of connections) c.closeWhenIdle();
  await idleClosed;
  const answer = withoutDate(await busy);
  assert.equal(answer, 'HTTP/1.1 200 OK\r\ncontent-length: 14\r\nconnection: close\r\n\r\nGET /slow/100 ');
});

test('a head trickled in for longer than the headers timeout gets 408 and the connection closes', async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const bytes = 'GET / HTTP/1.1\r\nhost: a\r\nx-slow: ' + 'a'.repeat(200);
    let sent = 0;
    // One byte every 20 ms: never idle for long, but the head is still unfinished after 300 ms.
    const drip = setInterval(() => {
      if (sent < bytes.length && !socket.destroyed) socket.write(bytes[sent++]!);
    }, 20);
    const timer = setTimeout(() => reject(new Error(`no 408; got ${JSON.stringify(received)}`)), 10_000);
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(drip);
      clearTimeout(timer);
      resolve(received);
    });
  });
  assert.equal(answer, requestHeaderTimeoutAnswer);
});

/** Envoy's local reply for request_headers_timeout (without its date and server headers). */
const requestHeaderTimeoutAnswer =
  'HTTP/1.1 408 Request Timeout\r\ncontent-length: 22\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n' +
  'request header timeout';

test('a partial head followed by silence gets 408 at the headers timeout, not at the idle timeout', async () => {
  const before = headerTimeouts;
  const started = performance.now();
  const answer = await exchange('GET / HTTP/1.1\r\nhost: a\r\n');
  const elapsedMs = performance.now() - started;
  assert.equal(answer, requestHeaderTimeoutAnswer);
  assert.ok(elapsedMs >= 290 && elapsedMs < 3_000, `answered after ${elapsedMs} ms`);
  assert.equal(headerTimeouts - before, 1);
});

test('a client that pipelines requests and never reads stops being read; its answers do not pile up', async () => {
  const count = 500;
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((r) => socket.once('connect', r));
  const served = bigServed;
  const pauses = readingPauses;
  socket.pause();
  socket.write('GET /big HTTP/1.1\r\nhost: a\r\n\r\n'.repeat(count));
  const server = (): Http1ServerConnection | undefined =>
    [...connections].find((c) => c.socket.remotePort === socket.localPort);
  let deadline = performance.now() + 10_000;
  while (readingPauses === pauses) {
    if (performance.now() > deadline)
      throw new Error(
        `reading never paused; served ${bigServed - served}, buffered ${server()?.socket.writableLength}`,
      );
    await new Promise((r) => setTimeout(r, 5));
  }
  // Paused: at most the answer in hand past the high-water mark, however many requests wait behind it.
  const buffered = server()?.socket.writableLength ?? 0;
  assert.ok(buffered < 100_000, `${buffered} bytes of answers buffered`);
  assert.ok(bigServed - served < count, 'not every request was taken up');
  // Once the client reads again every answer arrives.
  let responses = 0;
  let tail = '';
  socket.on('data', (d: Buffer) => {
    const text = tail + d.toString('latin1');
    responses += text.split('HTTP/1.1 200 OK').length - 1;
    // Shorter than the status line, so no status line is counted twice.
    tail = text.slice(-14);
  });
  socket.resume();
  deadline = performance.now() + 20_000;
  while (responses < count) {
    if (performance.now() > deadline) throw new Error(`only ${responses} answers arrived`);
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(readingResumes > 0);
  socket.destroy();
});

test('answers given at once keep the connection, and pipelined requests behind them are served', async () => {
  const answer = withoutDate(
    await exchange(
      'GET /sync HTTP/1.1\r\nhost: a\r\n\r\nGET /sync HTTP/1.1\r\nhost: a\r\n\r\n' +
        'GET /end HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n',
    ),
  );
  const sync = 'HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nsync';
  assert.equal(
    answer,
    `${sync}${sync}HTTP/1.1 200 OK\r\ncontent-length: 9\r\nconnection: close\r\n\r\nGET /end `,
  );
});

test('an empty line before a request is ignored; a headers-only answer to HEAD claims no length', async () => {
  const answer = withoutDate(
    await exchange(
      'POST /echo HTTP/1.1\r\nhost: a\r\ncontent-length: 2\r\n\r\nab\r\n' +
        'HEAD /headers-only HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n',
    ),
  );
  assert.equal(
    answer,
    'HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\nPOST /echo ab' +
      'HTTP/1.1 200 OK\r\nx-kind: headers-only\r\nconnection: close\r\n\r\n',
  );
});

test('a connection that ends with Connection: close is freed even if the client never closes its side', async () => {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  const ended = new Promise((resolve) => socket.once('end', resolve));
  socket.write('GET /sync HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n');
  await ended;
  // The client keeps its side open; the server's side must be gone (no connection object left behind).
  const deadline = performance.now() + 5_000;
  while ([...connections].some((c) => c.socket.remotePort === socket.localPort)) {
    if (performance.now() > deadline) throw new Error('the server kept the connection');
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.match(received, /connection: close\r\n\r\nsync$/);
  socket.destroy();
});

test('a malformed chunk in a request body closes that connection and nothing else; CONNECT gets 405', async () => {
  const answer = await exchange(
    'POST /slow/50 HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n',
  );
  assert.equal(answer, '', 'the connection is dropped without an answer');
  const after = withoutDate(await exchange('GET /sync HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n'));
  assert.match(after, /^HTTP\/1\.1 200 OK\r\n/, 'the server still serves');
  const connect = await exchange('CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n');
  assert.equal(connect, 'HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
});
