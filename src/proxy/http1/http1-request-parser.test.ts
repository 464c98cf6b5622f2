import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import { Http1ParseError } from './http1-fields.ts';
import { Http1RequestParser, type RequestHead } from './http1-request-parser.ts';

interface Parsed {
  heads: RequestHead[];
  body: string;
  ends: number;
  trailers: IncomingHttpHeaders | undefined;
}

function parser(): { p: Http1RequestParser; out: Parsed } {
  const out: Parsed = { heads: [], body: '', ends: 0, trailers: undefined };
  const p = new Http1RequestParser({
    onHead: (h) => out.heads.push(h),
    onBody: (c) => (out.body += c.toString('latin1')),
    onEnd: (t) => {
      out.ends++;
      out.trailers = t;
    },
  });
  p.expectRequest();
  return { p, out };
}

/** Feeds `wire` in pieces of `size` bytes; returns the bytes left unconsumed (what follows the request). */
function feed(p: Http1RequestParser, wire: string, size: number): string {
  const bytes = Buffer.from(wire, 'latin1');
  let left = '';
  for (let i = 0; i < bytes.length; i += size) {
    const piece = bytes.subarray(i, i + size);
    if (left !== '' || p.done) {
      left += piece.toString('latin1');
      continue;
    }
    const used = p.execute(piece);
    left += piece.subarray(used).toString('latin1');
  }
  return left;
}

const sizes = [1, 2, 3, 7, 1000];

test('a request without a body parses the same whatever the read sizes, and stops before the next one', () => {
  const wire =
    'GET /a?b=1 HTTP/1.1\r\nHost: svc:8080\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n';
  for (const size of sizes) {
    const { p, out } = parser();
    assert.equal(feed(p, wire, size), 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n', `size ${size}`);
    assert.equal(out.heads.length, 1);
    const head = out.heads[0]!;
    assert.equal(head.method, 'GET');
    assert.equal(head.target, '/a?b=1');
    assert.equal(head.minor, 1);
    assert.deepEqual({ ...head.headers }, { host: 'svc:8080', 'x-multi': '1, 2' });
    assert.ok(head.keepAlive && head.bodyless && !head.expectContinue);
    assert.equal(out.ends, 1);
    assert.ok(p.done);
  }
});

test('Content-Length and chunked bodies arrive whole, with trailers', () => {
  for (const size of sizes) {
    const { p, out } = parser();
    feed(
      p,
      'POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 11\r\nexpect: 100-continue\r\n\r\nhello world',
      size,
    );
    assert.equal(out.body, 'hello world');
    assert.ok(out.heads[0]!.expectContinue && !out.heads[0]!.bodyless);
    assert.equal(out.ends, 1);

    const chunked = parser();
    const rest = feed(
      chunked.p,
      'PUT /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-sum: 42\r\n\r\nNEXT',
      size,
    );
    assert.equal(rest, 'NEXT');
    assert.equal(chunked.out.body, 'hello world');
    assert.deepEqual({ ...chunked.out.trailers }, { 'x-sum': '42' });
    assert.equal(chunked.out.heads[0]!.headers['transfer-encoding'], 'chunked', 'kept, as node:http does');
  }
});

test('HTTP/1.0 keeps the connection only when asked; Connection: close ends HTTP/1.1', () => {
  const cases: [string, boolean][] = [
    ['GET / HTTP/1.0\r\n\r\n', false],
    ['GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n', true],
    ['GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', false],
    ['GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n', false],
  ];
  for (const [wire, keepAlive] of cases) {
    const { p, out } = parser();
    feed(p, wire, 1000);
    assert.equal(out.heads[0]?.keepAlive, keepAlive, wire);
  }
});

test('requests that could be smuggled or are malformed are refused', () => {
  const bad = [
    'POST / HTTP/1.1\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n',
    'POST / HTTP/1.1\r\ntransfer-encoding: gzip, chunked\r\n\r\n',
    'POST / HTTP/1.1\r\ntransfer-encoding: identity\r\n\r\n',
    'POST / HTTP/1.0\r\ntransfer-encoding: chunked\r\n\r\n',
    'POST / HTTP/1.1\r\ncontent-length: -1\r\n\r\n',
    'POST / HTTP/1.1\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n',
    'GET / HTTP/2.0\r\n\r\n',
    'GET /a b HTTP/1.1\r\n\r\n',
    'G(T / HTTP/1.1\r\n\r\n',
    'GET\r\n\r\n',
    'GET / HTTP/1.1\r\nbad header\r\n\r\n',
    'GET / HTTP/1.1\r\nx: a\rb\r\n\r\n',
    'GET /\x01 HTTP/1.1\r\n\r\n',
    'POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    'POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabcX',
  ];
  for (const wire of bad) {
    const { p } = parser();
    assert.throws(() => feed(p, wire, 1000), Http1ParseError, JSON.stringify(wire));
  }
  const { p } = parser();
  assert.throws(() => feed(p, `GET / HTTP/1.1\r\nx: ${'a'.repeat(70_000)}`, 4096), /too large/);
});
