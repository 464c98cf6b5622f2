// Seeded mutation fuzzing of the HTTP/1.1 codec (issue 14.6): request heads, chunked bodies and responses fed to
// our parsers in random pieces (only parse errors may come out, and the read sizes must not change the outcome),
// then mutated requests sent to a real proxy listener, which must answer or close every connection and keep
// serving. A bounded budget runs in `npm test`; `npm run fuzz` runs FUZZ_SCALE times more.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { requestCase, responseCase } from './http1-corpus.ts';
import { startFuzzProxy, type FuzzProxy } from './fuzz-proxy.ts';
import { parseRequestsWithNode } from './llhttp-oracle.ts';
import { parseRequestsWithOurs, parseResponseWithOurs } from './our-codec.ts';
import { fuzzCases, fuzzSeed, Prng } from './prng.ts';

function randomSizes(r: Prng): number[] {
  return Array.from({ length: 1 + r.int(4) }, () => 1 + r.int(r.chance(0.5) ? 4 : 64));
}

test('parsers: only parse errors come out, and read sizes never change the outcome', () => {
  const seed = fuzzSeed(0xf022);
  const count = fuzzCases(2500);
  const failures: string[] = [];
  for (let i = 0; i < count && failures.length < 10; i++) {
    const r = new Prng(seed + i * 104729);
    const response = r.chance(0.3);
    const text = response ? responseCase(r) : requestCase(r);
    const wire = Buffer.from(text, 'latin1');
    const parse = response ? parseResponseWithOurs : parseRequestsWithOurs;
    try {
      const whole = parse(wire);
      for (let k = 0; k < 3; k++) {
        const split = parse(wire, randomSizes(r));
        if (JSON.stringify({ ...split, reason: '' }) !== JSON.stringify({ ...whole, reason: '' }))
          failures.push(`case ${i} (seed ${seed}): read sizes change the outcome of ${JSON.stringify(text)}`);
      }
    } catch (error) {
      failures.push(`case ${i} (seed ${seed}): ${String(error)} on ${JSON.stringify(text)}`);
    }
  }
  assert.deepEqual(failures, []);
});

let fp: FuzzProxy;

before(async () => {
  fp = await startFuzzProxy();
});

after(() => fp.close());

/**
 * Sends `pieces`, then half-closes (unless `halfClose` is false), and resolves with what came back once the proxy
 * closes (5 s bound).
 */
function send(
  port: number,
  pieces: Buffer[],
  halfClose = true,
): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false });
    }, 5_000);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('end', () => socket.end());
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closed: true });
    });
    socket.on('connect', () => {
      for (const piece of pieces) socket.write(piece);
      if (halfClose) socket.end();
    });
  });
}

test('a real listener answers or closes every mutated connection by itself, and keeps serving', async () => {
  const seed = fuzzSeed(0xf023);
  const count = fuzzCases(150);
  const hung: string[] = [];
  const concurrency = 6;
  for (let base = 0; base < count; base += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count - base) }, async (_, k) => {
        const r = new Prng(seed + (base + k) * 7919);
        const text = requestCase(r);
        const expected = parseRequestsWithOurs(Buffer.from(text, 'latin1'));
        const theirs = parseRequestsWithNode(Buffer.from(text, 'latin1'));
        // A request cut short is rightly waited for: those connections are half-closed. Every other one must be
        // closed by the proxy: refused ones at once, accepted ones after a last request that asks for the close.
        // llhttp decides what is cut short (and we, where it refused early what we judge once the head is whole).
        const cut = theirs.end === 'incomplete' || (theirs.end === 'error' && expected.end === 'incomplete');
        const wire = Buffer.from(
          cut || expected.end === 'error'
            ? text
            : `${text}GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
          'latin1',
        );
        const sizes = randomSizes(r);
        const pieces: Buffer[] = [];
        for (let i = 0, j = 0; i < wire.length; j++) {
          const size = sizes[j % sizes.length]!;
          pieces.push(wire.subarray(i, i + size));
          i += size;
        }
        const { closed } = await send(fp.port, pieces, cut);
        if (!closed && hung.length < 10)
          hung.push(`case ${base + k} (seed ${seed}, ours: ${expected.end}): ${JSON.stringify(text)}`);
      }),
    );
  }
  assert.deepEqual(hung, [], 'connections the proxy neither answered nor closed');
  const { answer } = await send(
    fp.port,
    [Buffer.from('GET /a//b/../c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')],
    false,
  );
  assert.match(answer, /^HTTP\/1\.1 200 OK\r\n[\s\S]*GET \/a\/c$/);
});
