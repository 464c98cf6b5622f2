import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import { Http1ResponseParser, ResponseParseError } from './http1-response-parser.ts';
import type { ResponseHead } from './http1-response-parser.ts';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  ended: boolean;
  trailers: IncomingHttpHeaders | undefined;
}

function parser(headRequest = false): { p: Http1ResponseParser; out: Parsed } {
  const out: Parsed = { heads: [], body: '', ended: false, trailers: undefined };
  const p = new Http1ResponseParser({
    onHead: (h) => out.heads.push(h),
    onBody: (c) => (out.body += c.toString('latin1')),
    onEnd: (t) => {
      out.ended = true;
      out.trailers = t;
    },
  });
  p.expect(headRequest);
  return { p, out };
}

/** Feeds `wire` in pieces of `size` bytes; returns the bytes left unconsumed. */
function feed(p: Http1ResponseParser, wire: string, size: number): number {
  const bytes = Buffer.from(wire, 'latin1');
  let left = 0;
  for (let i = 0; i < bytes.length; i += size) {
    const piece = bytes.subarray(i, i + size);
    left += piece.length - p.execute(piece);
  }
  return left;
}

const sizes = [1, 2, 3, 7, 1000];

test('a Content-Length response parses the same whatever the read sizes', () => {
  const wire =
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nSet-Cookie: a=1\r\n' +
    'set-cookie: b=2\r\nX-Multi: 1\r\nx-multi:  2 \r\n\r\nhello world';
  for (const size of sizes) {
    const { p, out } = parser();
    assert.equal(feed(p, wire, size), 0);
    assert.equal(out.heads.length, 1);
    assert.equal(out.heads[0]?.status, 200);
    assert.deepEqual(
      { ...out.heads[0]?.headers },
      {
        'content-type': 'text/plain',
        'content-length': '11',
        'set-cookie': ['a=1', 'b=2'],
        'x-multi': '1, 2',
      },
    );
    assert.equal(out.body, 'hello world');
    assert.ok(out.ended && p.done && p.keepAlive);
  }
});

test('chunked bodies with extensions and trailers parse across any split', () => {
  const wire =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n' +
    'Grpc-Status: 0\r\nX-T: y\r\n\r\n';
  for (const size of sizes) {
    const { p, out } = parser();
    assert.equal(feed(p, wire, size), 0);
    assert.equal(out.body, 'hello world');
    assert.deepEqual({ ...out.trailers }, { 'grpc-status': '0', 'x-t': 'y' });
    assert.ok(p.done && p.keepAlive);
  }
  const { p, out } = parser();
  feed(p, 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n', 4);
  assert.equal(out.body, '0123456789');
  assert.equal(out.trailers, undefined);
  assert.ok(out.ended);
});

test('hop-by-hop fields frame the message but are not part of the forwarded head', () => {
  const { p, out } = parser();
  feed(
    p,
    'HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nKeep-Alive: timeout=5\r\n' +
      'Transfer-Encoding: chunked\r\nX-Kept: yes\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
    5,
  );
  assert.deepEqual({ ...out.heads[0]?.headers }, { 'x-kept': 'yes' });
  assert.equal(out.body, 'hi');
  assert.ok(p.done && !p.keepAlive);
});

test('interim 100 Continue answers are skipped', () => {
  for (const size of sizes) {
    const { p, out } = parser();
    feed(p, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok', size);
    assert.deepEqual(
      out.heads.map((h) => h.status),
      [201],
    );
    assert.equal(out.body, 'ok');
  }
});

test('HEAD, 204 and 304 answers have no body; bytes after a response are reported', () => {
  const head = parser(true);
  assert.equal(feed(head.p, 'HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n', 1000), 0);
  assert.ok(head.out.ended && head.p.keepAlive);
  const noContent = parser();
  assert.equal(feed(noContent.p, 'HTTP/1.1 204 No Content\r\n\r\nextra', 1000), 5);
  assert.ok(noContent.out.ended);
});

test('close-delimited bodies end with the connection and are not reusable', () => {
  const { p, out } = parser();
  feed(p, 'HTTP/1.1 200 OK\r\n\r\nsome bytes', 3);
  assert.ok(!out.ended);
  p.finish();
  assert.ok(out.ended && !p.keepAlive);
  assert.equal(out.body, 'some bytes');
});

test('keep-alive follows Connection and the HTTP version', () => {
  const close = parser();
  feed(close.p, 'HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 0\r\n\r\n', 1000);
  assert.ok(close.p.done && !close.p.keepAlive);
  const old = parser();
  feed(old.p, 'HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n', 1000);
  assert.ok(!old.p.keepAlive);
  const oldKept = parser();
  feed(oldKept.p, 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\ncontent-length: 0\r\n\r\n', 1000);
  assert.ok(oldKept.p.keepAlive);
});

test('a response cut short by the connection closing is an error', () => {
  const { p } = parser();
  feed(p, 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc', 1000);
  assert.throws(() => p.finish(), ResponseParseError);
});

test('malformed responses are refused', () => {
  const bad = [
    'HTTP/2.0 200 OK\r\n\r\n',
    'HTTP/1.1 20 OK\r\n\r\n',
    'XTTP/1.1 200 OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nbad header\r\n\r\n',
    'HTTP/1.1 200 OK\r\n folded: x\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx: a\nb\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx: a\rb\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx: a\0b\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nab\r\n',
    'HTTP/1.1 101 Switching Protocols\r\n\r\n',
  ];
  for (const wire of bad) {
    const { p } = parser();
    assert.throws(() => feed(p, wire, 1000), ResponseParseError, wire);
  }
  const { p } = parser();
  assert.throws(() => feed(p, `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`, 4096), ResponseParseError);
});

test('Content-Length beside chunked coding is dropped, not forwarded stale (RFC 9112 §6.3)', () => {
  for (const size of sizes) {
    const { p, out } = parser();
    feed(
      p,
      'HTTP/1.1 200 OK\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n',
      size,
    );
    assert.equal(out.heads[0]?.headers['content-length'], undefined, `pieces of ${size}`);
    assert.equal(out.body, 'ab');
    assert.ok(out.ended && !p.keepAlive, 'a message framed both ways is not trusted for reuse');
  }
});

test('only SP and HTAB are whitespace around a coding: `chunked\\xa0` is not chunked, as llhttp reads it', () => {
  const { p, out } = parser();
  feed(p, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\xa0\r\n\r\n2\r\nab\r\n0\r\n\r\n', 1000);
  p.finish();
  assert.equal(out.body, '2\r\nab\r\n0\r\n\r\n');
  assert.ok(!p.keepAlive);
});

test('what llhttp refuses in a response is refused: equal duplicate lengths, bare LFs, control bytes', () => {
  const bad = [
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab',
    'HTTP/1.1 200 OK\nContent-Length: 2\n\nab',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nab',
    'HTTP/1.1 200 OK\r\nx: a\x0bb\r\nContent-Length: 0\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx: a\x7f\r\nContent-Length: 0\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 \r\nab\r\n0\r\n\r\n',
  ];
  for (const wire of bad)
    for (const size of [1, 1000]) {
      const { p } = parser();
      assert.throws(() => feed(p, wire, size), ResponseParseError, JSON.stringify(wire));
    }
});

test('response fields are held without a prototype', () => {
  const { p, out } = parser();
  feed(p, 'HTTP/1.1 200 OK\r\nconstructor: x\r\nContent-Length: 0\r\n\r\n', 1000);
  assert.equal(out.heads[0]?.headers.constructor, 'x');
});

test('differential findings: a bad length beside chunked, framing in trailers, bare CRs, empty codings', () => {
  const bad = [
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3,3\r\n\r\n0\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 3\r\n\r\n',
    'HTTP/1.1 200 O\rK\r\nContent-Length: 0\r\n\r\n',
    'HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n',
    'HTTP/1.1 204 No Content\r\nTransfer-Encoding: \r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nTransfer-Encoding: \r\n\r\n',
  ];
  for (const wire of bad) {
    const { p } = parser();
    assert.throws(() => feed(p, wire, 1000), ResponseParseError, JSON.stringify(wire));
  }
});

test('differential findings: what llhttp reads in a response, we read the same way', () => {
  const tab = parser();
  feed(tab.p, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\t\r\n\r\n2\r\nab\r\n0\r\n\r\n', 1000);
  tab.p.finish();
  assert.equal(
    tab.out.body,
    '2\r\nab\r\n0\r\n\r\n',
    '`chunked` then HTAB is another coding: read to the close',
  );
  const lead = parser();
  feed(lead.p, '\r\n\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 1);
  assert.equal(lead.out.body, 'ok', 'empty lines before a status line are skipped');
  const trailerTe = parser();
  feed(
    trailerTe.p,
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nTransfer-Encoding: x\r\n\r\n',
    1000,
  );
  assert.ok(trailerTe.out.ended, 'a response trailer may say Transfer-Encoding (llhttp takes it)');
  const zeros = parser();
  feed(zeros.p, 'HTTP/1.1 200 OK\r\nContent-Length: 00000000000000000002\r\n\r\nok', 1000);
  assert.equal(zeros.out.body, 'ok');
});
