// The proxy token authority on a real SQLite store and a manual clock: one key shared by every authority on the
// store, tokens checked offline, revocations reaching a second authority at its next poll, expiry and pruning.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import type { CaClock } from '../../ca/ca-clock.ts';
import {
  maxTokenTtlMs,
  ProxyTokenAuthority,
  TokenRequestError,
  tokenIdExpiry,
} from './proxy-token-authority.ts';

const blue = { meshName: 'demo', kind: 'virtualNode', name: 'blue' } as const;
const hourMs = 3_600_000;

/** Wall-clock scale (tokens carry dates), time moved only by `advance`; api may not import the proxy's clock. */
function manualClock(): { clock: CaClock; manual: { advance(ms: number): void } } {
  let offsetMs = 0;
  const startMs = Date.now();
  let timers: { atMs: number; fn: () => void }[] = [];
  return {
    clock: {
      now: () => startMs + offsetMs,
      setTimer: (fn, ms) => {
        const timer = { atMs: offsetMs + ms, fn };
        timers.push(timer);
        return { cancel: () => (timers = timers.filter((other) => other !== timer)) };
      },
    },
    manual: {
      advance(ms) {
        offsetMs += ms;
        const due = timers.filter((timer) => timer.atMs <= offsetMs);
        timers = timers.filter((timer) => timer.atMs > offsetMs);
        for (const timer of due) timer.fn();
      },
    },
  };
}

async function openStore(t: TestContext): Promise<SqliteStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-tokens-'));
  const store = await SqliteStore.open({ dataDir, onWarning: () => undefined });
  t.after(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return store;
}

/** Lets the poll the clock just fired finish its store reads. */
async function settle(authority: ProxyTokenAuthority): Promise<void> {
  await authority.reload();
}

test('one signing key per store: a token issued by one authority is accepted by another on the same store', async (t) => {
  const store = await openStore(t);
  const { clock } = manualClock();
  const [first, second] = await Promise.all([
    ProxyTokenAuthority.open({ store, clock }),
    ProxyTokenAuthority.open({ store, clock }),
  ]);
  t.after(() => (first.close(), second.close()));
  assert.equal((await store.listTokenKeys()).length, 1, 'authorities starting together agree on one key');
  const { token, claims } = first.issue(blue, hourMs);
  assert.match(token, /^syt1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  const checked = second.authenticateToken(token);
  assert.deepEqual(checked, { ok: true, principal: { kind: 'proxyToken', node: blue, tokenId: claims.id } });
  assert.equal(tokenIdExpiry(claims.id), claims.expiresAtMs, 'the id names the expiry');
});

test('refused: a changed payload, a foreign key, garbage, an expired token', async (t) => {
  const store = await openStore(t);
  const other = await openStore(t);
  const { clock, manual } = manualClock();
  const authority = await ProxyTokenAuthority.open({ store, clock });
  const foreign = await ProxyTokenAuthority.open({ store: other, clock });
  t.after(() => (authority.close(), foreign.close()));
  const { token } = authority.issue(blue, 2 * 60_000);
  const [prefix, payload, mac] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, node: 'mesh/demo/virtualNode/green' })).toString(
    'base64url',
  );
  const reason = (text: string) => {
    const result = authority.authenticateToken(text);
    return result.ok ? 'ok' : result.reason;
  };
  assert.equal(reason(`${prefix}.${forged}.${mac}`), 'badSignature');
  assert.equal(reason(foreign.issue(blue, hourMs).token), 'unknownKey');
  assert.equal(reason('syt1.not-json.x'), 'malformed');
  assert.equal(reason('x'.repeat(5000)), 'malformed');
  assert.equal(reason(token), 'ok');
  manual.advance(2 * 60_000);
  assert.equal(reason(token), 'expired');
});

test('ttl bounds: under a minute or over 366 days is refused with the range', async (t) => {
  const store = await openStore(t);
  const { clock } = manualClock();
  const authority = await ProxyTokenAuthority.open({ store, clock });
  t.after(() => authority.close());
  assert.throws(() => authority.issue(blue, 1000), TokenRequestError);
  assert.throws(
    () => authority.issue(blue, maxTokenTtlMs + 1000),
    /ttlSeconds must be a whole number from 60/,
  );
  assert.equal(authority.issue(blue, maxTokenTtlMs).claims.node, blue);
});

test('a revocation is in force at once where it was made and at the next poll on another authority; listeners fire once', async (t) => {
  const store = await openStore(t);
  const { clock, manual } = manualClock();
  const here = await ProxyTokenAuthority.open({ store, clock, pollMs: 1000 });
  const there = await ProxyTokenAuthority.open({ store, clock, pollMs: 1000 });
  t.after(() => (here.close(), there.close()));
  const heard: { where: string; ids: readonly string[] }[] = [];
  here.onRevoked((ids) => heard.push({ where: 'here', ids }));
  there.onRevoked((ids) => heard.push({ where: 'there', ids }));
  const { token, claims } = here.issue(blue, hourMs);
  const kept = here.issue(blue, hourMs);

  const revocation = await here.revoke(claims.id);
  assert.equal(revocation.expiresAtMs, claims.expiresAtMs);
  assert.deepEqual(here.authenticateToken(token), { ok: false, reason: 'revoked' });
  assert.equal(there.authenticateToken(token).ok, true, 'the other authority has not polled yet');
  assert.deepEqual(heard, [{ where: 'here', ids: [claims.id] }]);

  manual.advance(1000);
  await settle(there);
  assert.deepEqual(there.authenticateToken(token), { ok: false, reason: 'revoked' });
  assert.equal(there.authenticateToken(kept.token).ok, true, 'only the revoked token is refused');
  assert.deepEqual(heard, [
    { where: 'here', ids: [claims.id] },
    { where: 'there', ids: [claims.id] },
  ]);

  const again = await there.revoke(claims.id);
  assert.equal(again.revokedAtMs, revocation.revokedAtMs, 'revoking twice keeps the first revocation');
  manual.advance(1000);
  await settle(here);
  await settle(there);
  assert.equal(heard.length, 2, 'no listener hears of a revocation twice');
  assert.deepEqual(
    there.revocations().map((r) => r.tokenId),
    [claims.id],
  );
});

test('a revocation is pruned from memory and from the store once its token has expired', async (t) => {
  const store = await openStore(t);
  const { clock, manual } = manualClock();
  const authority = await ProxyTokenAuthority.open({ store, clock, pollMs: 1000 });
  t.after(() => authority.close());
  const { claims } = authority.issue(blue, 2 * 60_000);
  await authority.revoke(claims.id);
  assert.equal((await store.listRevocations()).length, 1);
  manual.advance(3 * 60_000);
  await settle(authority);
  assert.deepEqual(authority.revocations(), []);
  assert.deepEqual(await store.listRevocations(), []);
});

test('revoking text that is no token id is refused and stores nothing', async (t) => {
  const store = await openStore(t);
  const { clock } = manualClock();
  const authority = await ProxyTokenAuthority.open({ store, clock });
  t.after(() => authority.close());
  await assert.rejects(authority.revoke('../../etc'), /is not a token id/);
  // Well formed, but expiring long after any token this authority can issue: it would be kept for ever.
  await assert.rejects(authority.revoke(`zzzzzzzzzz-${'0'.repeat(24)}`), /is not a token id/);
  assert.deepEqual(await store.listRevocations(), []);
});

test('a store that cannot be read is reported once per outage; the authority keeps what it holds', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-tokens-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const store = await SqliteStore.open({ dataDir, onWarning: () => undefined });
  const { clock, manual } = manualClock();
  const errors: unknown[] = [];
  const authority = await ProxyTokenAuthority.open({
    store,
    clock,
    pollMs: 1000,
    onPollError: (error) => errors.push(error),
  });
  t.after(() => authority.close());
  const { token } = authority.issue(blue, hourMs);
  await store.close();
  for (let poll = 0; poll < 3; poll++) {
    manual.advance(1000);
    await authority.reload().catch(() => undefined);
  }
  assert.equal(errors.length, 1, 'one report, not one per second');
  assert.equal(authority.authenticateToken(token).ok, true, 'the key held in memory still verifies');
});
