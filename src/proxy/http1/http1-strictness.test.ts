// Regression tests for the codec findings of issue 14.4 and of the differential tests against llhttp: each sends
// the exact bytes and expects llhttp's (or, where llhttp has no opinion, Envoy's) answer, to the parser and to a
// real listener connection on a socket.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { systemClock } from '../clock.ts';
import type { Http1Downstream } from '../listeners/http1-downstream.ts';
import { Http1ServerConnection } from '../listeners/http1-server-connection.ts';
import { Http1ParseError, Http1TooLargeError } from './http1-fields.ts';
import { Http1RequestParser, type RequestHead } from './http1-request-parser.ts';

interface Parsed {
  heads: RequestHead[];
  body: string;
  ends: number;
}

function parse(wire: string, pieceSize = 1000, maxHeadersCount?: number): Parsed {
  const out: Parsed = { heads: [], body: '', ends: 0 };
  const p = new Http1RequestParser(
    {
      onHead: (h) => out.heads.push(h),
      onBody: (c) => (out.body += c.toString('latin1')),
      onEnd: () => out.ends++,
    },
    { maxHeadersCount },
  );
  p.expectRequest();
  const bytes = Buffer.from(wire, 'latin1');
  for (let i = 0; i < bytes.length;) {
    const piece = bytes.subarray(i, Math.min(i + pieceSize, bytes.length));
    const used = p.execute(piece);
    i += used;
    if (p.done) p.expectRequest();
    else if (used < piece.length) throw new Error('parser stopped mid-message');
  }
  return out;
}

const chunkedHead = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n';

/** Each is refused by llhttp (Node 24, strict) with the code noted, and must be refused by us. */
const refused: [string, string][] = [
  [
    'TE with a leading VT (trim() took it)',
    'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n',
  ],
  [
    'TE with a trailing NBSP',
    'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\xa0\r\n\r\n0\r\n\r\n',
  ],
  ['chunk size followed by VT', `${chunkedHead}2\x0b\r\nab\r\n0\r\n\r\n`],
  ['chunk size followed by SP', `${chunkedHead}2 \r\nab\r\n0\r\n\r\n`],
  ['chunk size followed by HTAB', `${chunkedHead}2\t\r\nab\r\n0\r\n\r\n`],
  ['chunk size preceded by SP', `${chunkedHead} 2\r\nab\r\n0\r\n\r\n`],
  ['chunk extension with whitespace (HPE_STRICT)', `${chunkedHead}2; a=b\r\nab\r\n0\r\n\r\n`],
  ['chunk extension value with a space', `${chunkedHead}2;a=b c\r\nab\r\n0\r\n\r\n`],
  ['empty chunk extension', `${chunkedHead}2;\r\nab\r\n0\r\n\r\n`],
  ['control byte in a quoted chunk extension', `${chunkedHead}2;a="\x01"\r\nab\r\n0\r\n\r\n`],
  ['bytes after a quoted chunk extension', `${chunkedHead}2;a="b"c\r\nab\r\n0\r\n\r\n`],
  ['an unterminated quoted chunk extension', `${chunkedHead}2;a=b"\r\nab\r\n0\r\n\r\n`],
  ['SOH in a header value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n'],
  ['VT in a header value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x0bb\r\n\r\n'],
  ['US in a header value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x1fb\r\n\r\n'],
  ['DEL in a header value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n'],
  ['Connection: close with a trailing VT', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\x0b\r\n\r\n'],
  [
    'duplicate equal Content-Length',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab',
  ],
  ['duplicate Host (RFC 9112 §3.2; llhttp has no opinion)', 'GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n'],
  ['HTTP/1.1 without Host (node:http answers 400)', 'GET / HTTP/1.1\r\nX: y\r\n\r\n'],
  ['non-ASCII request target', 'GET /caf\xe9 HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['DEL in the request target', 'GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['a control byte in a trailer', `${chunkedHead}0\r\nx: \x01\r\n\r\n`],
  // Found by the differential test (test/fuzz/http1-differential.test.ts):
  ['Content-Length in trailers', `${chunkedHead}0\r\nContent-Length: 3\r\n\r\n`],
  ['Transfer-Encoding in trailers', `${chunkedHead}0\r\nTransfer-Encoding: chunked\r\n\r\n`],
  ['a target in no request-target form', 'POST =a/b?c=d HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['an absolute target with a bad scheme', 'HEAD http:z//svc/p HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['a bare target', 'GET x HTTP/1.1\r\nHost: a\r\n\r\n'],
  [
    'an empty Transfer-Encoding beside chunked',
    'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  ],
  [
    'chunked followed by HTAB (llhttp: another coding)',
    'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n',
  ],
  ['a bare CR inside a header line', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\r\r\n\r\n'],
  ['a bare CR ending the request line', 'GET / HTTP/1.1\r\r\nHost: a\r\n\r\n'],
];

test('bytes llhttp refuses are refused, whatever the read sizes', () => {
  const accepted: string[] = [];
  for (const [why, wire] of refused)
    for (const size of [1, 3, 1000]) {
      try {
        parse(wire, size);
        accepted.push(`${why} (pieces of ${size})`);
      } catch (error) {
        assert.ok(error instanceof Http1ParseError, `${why}: ${String(error)}`);
      }
    }
  assert.deepEqual(accepted, []);
});

test('bare-LF line ends are refused as they arrive instead of waiting for a CRLFCRLF that never comes', () => {
  const bareLf = [
    'GET / HTTP/1.1\nHost: a\n\n',
    'GET / HTTP/1.1\r\nHost: a\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\n\n',
    `${chunkedHead}0\r\nx: 1\n\r\n`,
  ];
  for (const wire of bareLf)
    for (const size of [1, 2, 1000]) assert.throws(() => parse(wire, size), /bare LF/, JSON.stringify(wire));
});

test('what llhttp accepts beside them is still accepted, the same way', () => {
  const ok = parse(
    `${chunkedHead}2;a\r\nab\r\n2;a=b;c="q \\" \t\xe9"\r\ncd\r\n00000000000000000002;=x\r\nef\r\n2;a=a"b c"\r\ngh\r\n0\r\n\r\n`,
  );
  assert.equal(ok.body, 'abcdefgh');
  const tabs = parse('GET / HTTP/1.1\r\nHost: a\r\nX:\t a\xa0b \t\r\n\r\n');
  assert.equal(tabs.heads[0]!.headers.x, 'a\xa0b');
  assert.equal(parse('GET / HTTP/1.0\r\n\r\n').heads.length, 1, 'HTTP/1.0 needs no Host');
  const zeros = parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0000000000000000000003\r\n\r\nabc');
  assert.equal(zeros.body, 'abc', 'a length with many leading zeros is still 3');
  const forms = [
    'GET http://[::1]:1/b',
    'GET HTTP://a',
    'GET *',
    'OPTIONS *',
    'CONNECT svc:443',
    'GET ftp://a/b',
  ];
  for (const line of forms) assert.equal(parse(`${line} HTTP/1.1\r\nHost: a\r\n\r\n`).heads.length, 1, line);
  const cookies = parse('GET / HTTP/1.1\r\nHost: a\r\ncookie: a=1\r\nCookie: b=2\r\n\r\n');
  assert.equal(
    cookies.heads[0]!.headers.cookie,
    'a=1; b=2',
    'cookie crumbs join with "; " as node:http does',
  );
});

test('empty lines before a request line are ignored (RFC 9112 §2.2), across reads and after a body', () => {
  for (const size of [1, 2, 1000]) {
    const out = parse(
      '\r\n\r\n\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n' +
        'POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nab\r\n' +
        'GET /c HTTP/1.1\r\nHost: a\r\n\r\n',
      size,
    );
    assert.deepEqual(
      out.heads.map((h) => h.target),
      ['/a', '/b', '/c'],
      `pieces of ${size}`,
    );
    assert.equal(out.ends, 3);
  }
});

test('header fields live in a prototype-free object: `constructor` and `__proto__` are fields like any other', () => {
  const out = parse('GET / HTTP/1.1\r\nHost: a\r\nconstructor: x\r\n__proto__: y\r\ntoString: z\r\n\r\n');
  const headers = out.heads[0]!.headers;
  assert.equal(headers.constructor, 'x');
  assert.equal(headers['__proto__'], 'y');
  assert.equal(headers.tostring, 'z');
  assert.ok(!('toString' in headers) && !('hasOwnProperty' in headers), 'nothing is inherited');
});

test("more than max_headers_count fields (Envoy's default 100) is refused as too large", () => {
  const fields = (n: number): string => Array.from({ length: n }, (_, i) => `x-${i}: v\r\n`).join('');
  assert.equal(parse(`GET / HTTP/1.1\r\nHost: a\r\n${fields(99)}\r\n`).heads.length, 1);
  assert.throws(() => parse(`GET / HTTP/1.1\r\nHost: a\r\n${fields(100)}\r\n`), Http1TooLargeError);
  assert.throws(() => parse(`GET / HTTP/1.1\r\nHost: a\r\n${fields(5)}\r\n`, 1000, 5), Http1TooLargeError);
  assert.equal(parse(`GET / HTTP/1.1\r\nHost: a\r\n${fields(4)}\r\n`, 1000, 5).heads.length, 1);
});

// Through a real listener connection: what the client gets back.

let server: net.Server;
let port = 0;
let protocolErrors = 0;

function answer(ds: Http1Downstream): void {
  ds.body.resume();
  const text = Buffer.from(`${ds.request.method} ${ds.request.path}`);
  ds.body.on('end', () => {
    ds.respond(200, { 'content-length': text.length }, false, false).write(text);
    ds.finish(undefined);
  });
  if (ds.bodyless) {
    ds.respond(200, { 'content-length': text.length }, false, false).write(text);
    ds.finish(undefined);
  }
}

before(async () => {
  server = net.createServer((socket) => {
    new Http1ServerConnection(socket, {
      onRequest: answer,
      onProtocolError: () => protocolErrors++,
      onIdleTimeout: () => {},
      onHeadersTimeout: () => {},
      onReadingPaused: () => {},
      strip: () => undefined,
      pathNormalization: () => ({ normalizePath: true, mergeSlashes: true }),
      maxHeadersCount: 10,
      idleTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      clock: systemClock,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

after(() => server.close());

/** Sends `wire` and returns everything the server wrote before it closed (bounded by 5 s). */
function exchange(wire: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer; got ${JSON.stringify(received)}`));
    }, 5_000);
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', () => {});
    // Not half-closed: a bare-LF head used to wait for more bytes rather than be answered.
    socket.write(wire, 'latin1');
  });
}

test('a listener answers the refused requests 400 and closes, bare-LF heads included', async () => {
  const before = protocolErrors;
  const cases = [
    'GET / HTTP/1.1\nHost: a\n\n',
    'GET / HTTP/1.1\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx',
    'GET /\xff HTTP/1.1\r\nHost: a\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\xa0\r\n\r\n0\r\n\r\n',
  ];
  for (const wire of cases) {
    const got = await exchange(wire);
    assert.match(got, /^HTTP\/1\.1 400 Bad Request\r\nconnection: close\r\n/, JSON.stringify(wire));
  }
  assert.equal(protocolErrors - before, cases.length);
});

test('a listener answers too many header fields 431', async () => {
  const fields = Array.from({ length: 10 }, (_, i) => `x-${i}: v\r\n`).join('');
  const got = await exchange(`GET / HTTP/1.1\r\nHost: a\r\n${fields}\r\n`);
  assert.match(got, /^HTTP\/1\.1 431 /);
});

test('a listener routes the normalized path, and answers 400 to a path Envoy cannot normalize', async () => {
  const got = await exchange(
    'GET /public/../secret?q=/../x HTTP/1.1\r\nHost: a\r\n\r\n' +
      'GET //public//%78/. HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  );
  assert.match(got, /GET \/secret\?q=\/\.\.\/x/);
  assert.match(got, /GET \/public\/x\/$/);
  const bad = await exchange('GET /a/%00/b HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.match(bad, /^HTTP\/1\.1 400 Bad Request\r\n/);
});
