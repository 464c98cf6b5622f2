// Seeded mutation fuzzing of HTTP/2 frames against a real proxy listener (issue 14.6): generated connections
// (preface, SETTINGS, HEADERS with odd paths, DATA) mutated at the frame and byte level must never bring the proxy
// down or leave a connection open after the client is done, and the listener must keep serving. A bounded budget
// runs in `npm test`; `npm run fuzz` runs FUZZ_SCALE times more.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startFuzzProxy, type FuzzProxy } from './fuzz-proxy.ts';
import { fuzzCases, fuzzSeed, Prng } from './prng.ts';

const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

const type = {
  data: 0,
  headers: 1,
  priority: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goaway: 7,
  window: 8,
  cont: 9,
};
const flag = { endStream: 0x1, ack: 0x1, endHeaders: 0x4, padded: 0x8, priority: 0x20 };

function frame(frameType: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = frameType;
  head[4] = flags;
  head.writeUInt32BE(streamId >>> 0, 5);
  return Buffer.concat([head, payload]);
}

/** HPACK literal header field without indexing, new name (RFC 7541 §6.2.2); strings shorter than 127 bytes. */
function literal(name: string, value: string): Buffer {
  const n = Buffer.from(name, 'latin1');
  const v = Buffer.from(value, 'latin1');
  return Buffer.concat([Buffer.from([0x00, n.length]), n, Buffer.from([v.length]), v]);
}

const paths = [
  '/',
  '/a/../b',
  '/a/%2e%2e/b',
  '//x//y',
  '/%00',
  '/a?b=//..',
  '*',
  '',
  'x',
  '/\u00e9',
  '/a%2Fb',
];

function requestHeaders(r: Prng): Buffer {
  const fields = [
    literal(':method', r.pick(['GET', 'POST', 'HEAD', 'CONNECT', 'g e t', ''])),
    literal(':scheme', r.pick(['http', 'https', ''])),
    literal(':path', r.pick(paths)),
    literal(':authority', r.pick(['svc', 'svc:1', ''])),
  ];
  if (r.chance(0.3))
    fields.push(
      literal(
        r.pick(['x-a', 'connection', 'te', 'X-Upper', 'content-length']),
        r.pick(['1', 'trailers', 'v']),
      ),
    );
  if (r.chance(0.2)) fields.splice(r.int(fields.length), 1);
  return Buffer.concat(fields);
}

function randomFrame(r: Prng): Buffer {
  const payload = Buffer.alloc(r.int(24));
  for (let i = 0; i < payload.length; i++) payload[i] = r.int(256);
  return frame(r.int(12), r.int(256), r.pick([0, 1, 2, 3, 5, 0x7fffffff]), payload);
}

function settings(r: Prng): Buffer {
  const entries = Buffer.alloc(6 * (1 + r.int(3)));
  for (let i = 0; i < entries.length; i += 6) {
    entries.writeUInt16BE(1 + r.int(7), i);
    entries.writeUInt32BE(r.pick([0, 1, 2, 16_383, 16_384, 65_535, 2 ** 31, 2 ** 32 - 1]), i + 2);
  }
  return frame(type.settings, 0, 0, entries);
}

/** A client connection's bytes: a mostly valid exchange with frames and bytes mutated in. */
function connectionCase(r: Prng): Buffer {
  const frames: Buffer[] = [frame(type.settings, 0, 0, Buffer.alloc(0))];
  const streams = 1 + r.int(3);
  for (let s = 0; s < streams; s++) {
    const id = 1 + 2 * s;
    const block = requestHeaders(r);
    const withBody = r.chance(0.3);
    if (r.chance(0.2) && block.length > 4) {
      const cut = 1 + r.int(block.length - 1);
      frames.push(frame(type.headers, withBody ? 0 : flag.endStream, id, block.subarray(0, cut)));
      frames.push(frame(type.cont, flag.endHeaders, id, block.subarray(cut)));
    } else frames.push(frame(type.headers, flag.endHeaders | (withBody ? 0 : flag.endStream), id, block));
    if (withBody) frames.push(frame(type.data, flag.endStream, id, Buffer.from('body')));
  }
  const extras = r.int(4);
  for (let i = 0; i < extras; i++) {
    const at = r.int(frames.length + 1);
    const extra = r.pick([
      () => randomFrame(r),
      () => settings(r),
      () => frame(type.window, 0, r.pick([0, 1]), Buffer.from([0, 0, 0, r.pick([0, 1])])),
      () => frame(type.ping, 0, 0, Buffer.alloc(r.pick([8, 7, 9]))),
      () => frame(type.rstStream, 0, r.pick([0, 1, 9]), Buffer.alloc(4)),
      () => frame(type.goaway, 0, 0, Buffer.alloc(8)),
      () => frame(type.cont, flag.endHeaders, r.pick([1, 3]), requestHeaders(r)),
      () => frame(type.priority, 0, 1, Buffer.from([0, 0, 0, 1, 16])),
      () => frame(type.data, 0, r.pick([0, 1, 2, 101]), Buffer.from('x')),
    ])();
    frames.splice(at, 0, extra);
  }
  let bytes = Buffer.concat(frames);
  if (r.chance(0.4) && bytes.length > 0) {
    bytes = Buffer.from(bytes);
    for (let i = 1 + r.int(3); i > 0; i--) bytes[r.int(bytes.length)] = r.int(256);
  }
  if (r.chance(0.15)) bytes = bytes.subarray(0, r.int(bytes.length + 1));
  return Buffer.concat([preface, bytes]);
}

let fp: FuzzProxy;

before(async () => {
  fp = await startFuzzProxy();
});

after(() => fp.close());

/** Sends `wire`, half-closes, and resolves true once the proxy has closed the connection (false after 5 s). */
function sendAndWaitClose(port: number, wire: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 5_000);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('connect', () => socket.end(wire));
  });
}

test('a stream reset along with a path Envoy cannot normalize is no uncaught exception (fuzz finding)', async () => {
  for (const rst of [true, false]) {
    const headers = frame(
      type.headers,
      flag.endHeaders | flag.endStream,
      1,
      Buffer.concat([
        literal(':method', 'GET'),
        literal(':scheme', 'http'),
        literal(':path', '/%00'),
        literal(':authority', 'svc'),
      ]),
    );
    const reset = rst ? frame(type.rstStream, 0, 1, Buffer.alloc(4, 8)) : Buffer.alloc(0);
    const garbage = frame(type.data, 0, 0, Buffer.from('x'));
    assert.ok(
      await sendAndWaitClose(
        fp.port,
        Buffer.concat([preface, frame(type.settings, 0, 0, Buffer.alloc(0)), headers, reset, garbage]),
      ),
    );
  }
});

test('mutated HTTP/2 connections never bring the proxy down nor stay open, and h2c keeps serving', async () => {
  const seed = fuzzSeed(0xf024);
  const count = fuzzCases(150);
  const open: string[] = [];
  const concurrency = 6;
  for (let base = 0; base < count; base += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count - base) }, async (_, k) => {
        const wire = connectionCase(new Prng(seed + (base + k) * 7919));
        if (!(await sendAndWaitClose(fp.port, wire)) && open.length < 10)
          open.push(`case ${base + k} (seed ${seed}): ${wire.toString('hex')}`);
      }),
    );
  }
  assert.deepEqual(open, [], 'connections left open after the client was done');
  const session = http2.connect(`http://127.0.0.1:${fp.port}`);
  try {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = session.request({ ':path': '/x//y/../z', ':authority': 'svc' });
      let status = 0;
      let body = '';
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => resolve({ status, body }));
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(answer, { status: 200, body: 'GET /x/z' });
    const bad = await new Promise<number>((resolve, reject) => {
      const req = session.request({ ':path': '/a/%00/b', ':authority': 'svc' });
      req.on('response', (h) => resolve(Number(h[':status'])));
      req.on('error', reject);
      req.end();
    });
    assert.equal(bad, 400, 'a path Envoy cannot normalize is answered 400 on HTTP/2 too');
  } finally {
    session.close();
  }
});
