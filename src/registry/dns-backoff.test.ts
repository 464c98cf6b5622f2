// The DNS back-off on its own: waits double up to the cap, and a lookup in flight is shared.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDnsBackoff, DnsBackoffError, type DnsFailure } from './dns-backoff.ts';

test('waits double from baseMs and stop at maxMs; calls inside a wait fail at once with the last failure', async () => {
  let nowMs = 0;
  let queries = 0;
  const failures: DnsFailure[] = [];
  const dns = createDnsBackoff({
    lookup: async (name) => {
      queries++;
      throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
    now: () => nowMs,
    baseMs: 100,
    maxMs: 350,
    onFailure: (failure) => failures.push(failure),
  });
  for (let step = 0; step < 5; step++) {
    await assert.rejects(dns.lookup('a.invalid'), DnsBackoffError);
    nowMs += failures.at(-1)!.retryInMs - 1;
    await assert.rejects(dns.lookup('a.invalid'), (error: unknown) => {
      assert.ok(error instanceof DnsBackoffError);
      assert.equal(error.code, 'ENOTFOUND');
      assert.equal(error.hostname, 'a.invalid');
      return true;
    });
    nowMs += 1;
  }
  assert.equal(queries, 5);
  assert.deepEqual(
    failures.map((f) => f.retryInMs),
    [100, 200, 350, 350, 350],
  );
  assert.equal(dns.failingCount(), 1);
});

test('concurrent lookups of one name share a query; other names are independent', async () => {
  const asked: string[] = [];
  const dns = createDnsBackoff({
    lookup: async (name) => (asked.push(name), [{ address: '127.0.0.1', family: 4 }]),
    onFailure: () => assert.fail('no failure expected'),
  });
  const answers = await Promise.all([dns.lookup('a.test'), dns.lookup('a.test'), dns.lookup('b.test')]);
  assert.deepEqual(asked, ['a.test', 'b.test']);
  assert.equal(answers[0], answers[1]);
  await dns.lookup('a.test');
  assert.deepEqual(asked, ['a.test', 'b.test', 'a.test'], 'answers are not cached once the query ended');
});
