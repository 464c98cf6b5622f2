// Differential test of the HTTP/1.1 codec against Node's llhttp (issue 13.6): seeded generated and mutated requests
// (pipelined, smuggling shapes included) and responses must be accepted or refused the same way, with the same
// message boundaries, fields and bodies, whatever the read sizes. A bounded corpus runs in `npm test`;
// `npm run fuzz` runs many more (FUZZ_CASES, FUZZ_SEED to replay).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareOutcomes, hasBothFramings } from './differential.ts';
import { requestCase, responseCase } from './http1-corpus.ts';
import { parseRequestsWithNode, parseResponseWithNode } from './llhttp-oracle.ts';
import { parseRequestsWithOurs, parseResponseWithOurs } from './our-codec.ts';
import { fuzzCases, fuzzSeed, Prng } from './prng.ts';

/** Runs `count` cases, each from its own seed; returns the first failures, each with what replays it. */
function run(count: number, seed: number, check: (r: Prng, index: number) => string | undefined): string[] {
  const failures: string[] = [];
  for (let i = 0; i < count && failures.length < 20; i++) {
    const failure = check(new Prng(seed + i * 7919), i);
    if (failure !== undefined) failures.push(failure);
  }
  return failures;
}

function splitSizes(r: Prng): number[] {
  return r.pick([[100_000], [1], [2, 3], [r.int(40) + 1, r.int(40) + 1]]);
}

test('requests: our listener parser and llhttp agree on acceptance and message boundaries', () => {
  const seed = fuzzSeed(0x5eed13);
  const count = fuzzCases(3000);
  let allowed = 0;
  const failures = run(count, seed, (r, index) => {
    const text = requestCase(r);
    const wire = Buffer.from(text, 'latin1');
    const theirs = parseRequestsWithNode(wire);
    const ours = parseRequestsWithOurs(wire, splitSizes(r));
    const whole = parseRequestsWithOurs(wire);
    // The reason may differ (which bad byte is seen first depends on the reads), the outcome may not.
    if (JSON.stringify({ ...ours, reason: '' }) !== JSON.stringify({ ...whole, reason: '' }))
      return `case ${index} (seed ${seed}): read sizes change the result ${JSON.stringify(text)}`;
    const verdict = compareOutcomes(ours, theirs);
    if (verdict.note !== '') allowed++;
    return verdict.ok
      ? undefined
      : `case ${index} (seed ${seed}): ${verdict.note}\n  wire ${JSON.stringify(text)}`;
  });
  assert.deepEqual(failures, [], `${failures.length} disagreement(s)`);
  assert.ok(allowed < count, 'some cases must compare equal outright');
});

test('responses: our upstream parser and llhttp agree on acceptance, fields and body', () => {
  const seed = fuzzSeed(0x5eed14);
  const count = fuzzCases(2000);
  const failures = run(count, seed, (r, index) => {
    const text = responseCase(r);
    const wire = Buffer.from(text, 'latin1');
    const theirs = parseResponseWithNode(wire);
    const ours = parseResponseWithOurs(wire, splitSizes(r));
    // Node's client keeps the hop-by-hop fields the proxy drops.
    for (const m of theirs.messages)
      for (const name of Object.keys(m.headers)) if (hopByHop.has(name)) delete m.headers[name];
    const verdict = compareOutcomes(ours, theirs, hasBothFramings(text));
    return verdict.ok
      ? undefined
      : `case ${index} (seed ${seed}): ${verdict.note}\n  wire ${JSON.stringify(text)}`;
  });
  assert.deepEqual(failures, [], `${failures.length} disagreement(s)`);
});

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
