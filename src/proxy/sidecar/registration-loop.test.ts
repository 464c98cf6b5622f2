// The registration loop against a real HTTP registry stand-in, on a manual clock: back-off, single flight, stop.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, test } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../clock.ts';
import { InstanceRegistration } from './instance-registration.ts';
import { RegistrationLoop } from './registration-loop.ts';

const logger = pino({ level: 'silent' });

/** A registry that fails the first `failures` PUTs with 503 and can hold answers until released. */
async function startRegistry(failures: number) {
  let puts = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let hold = false;
  const held: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    puts++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const answer = (): void => {
      inFlight--;
      if (puts <= failures) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'registry not ready' }));
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ namespaceName: 'ns.local', serviceName: 'web' }));
    };
    if (hold) held.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const registry = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get puts() {
      return puts;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get held() {
      return held.length;
    },
    hold(on: boolean) {
      hold = on;
    },
    release() {
      for (const answer of held.splice(0)) answer();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  closers.push(() => registry.close());
  return registry;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function registrationFor(apiUrl: string): InstanceRegistration {
  return new InstanceRegistration({
    apiUrl,
    meshName: 'm',
    virtualNodeName: 'web',
    instanceId: 'web_127.0.0.1_15000',
    address: '127.0.0.1',
    port: 15000,
    logger,
  });
}

/** Polls (real time) until `probe` holds: the registry answers over a real socket. */
async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('failed registrations are retried with exponential back-off capped at 10 s', async () => {
  const registry = await startRegistry(7);
  const registration = registrationFor(registry.url);
  const clock = new ManualClock();
  // random() = 1 takes the top of each jitter window, so the delays are exact: base 500 ms doubling to the cap.
  const loop = new RegistrationLoop({ registrar: registration, logger, clock, random: () => 1 });
  loop.kick();
  for (const [i, delayMs] of [500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000].entries()) {
    await until(`failure ${i + 1} to schedule its retry`, () => loop.retryPending);
    assert.equal(registry.puts, i + 1);
    clock.advance(delayMs - 1);
    assert.ok(loop.retryPending, `retry ${i + 1} waits its full ${delayMs} ms`);
    clock.advance(1);
    assert.ok(!loop.retryPending, `retry ${i + 1} runs after ${delayMs} ms`);
  }
  await until('the eighth attempt to register', () => registration.registered);
  assert.equal(registry.puts, 8);
  assert.equal(clock.pendingTimers, 0);
  await loop.stop();
});

test('the jitter keeps each delay within the upper half of its window', async () => {
  const registry = await startRegistry(1);
  const clock = new ManualClock();
  const loop = new RegistrationLoop({
    registrar: registrationFor(registry.url),
    logger,
    clock,
    random: () => 0,
  });
  loop.kick();
  await until('the retry to be scheduled', () => loop.retryPending);
  clock.advance(249);
  assert.ok(loop.retryPending);
  clock.advance(1);
  assert.ok(!loop.retryPending, 'random() = 0 gives half the 500 ms window');
  await loop.stop();
});

test('kicks during an attempt do not stack: one attempt in flight, one more after it', async () => {
  const registry = await startRegistry(0);
  const registration = registrationFor(registry.url);
  const loop = new RegistrationLoop({ registrar: registration, logger, clock: new ManualClock() });
  registry.hold(true);
  loop.kick();
  await until('the first attempt to reach the registry', () => registry.held === 1);
  for (let i = 0; i < 20; i++) loop.kick();
  assert.equal(loop.attempts, 1, 'kicks during an attempt start nothing at once');
  registry.hold(false);
  registry.release();
  await until('the follow-up attempt', () => registry.puts === 2);
  await loop.stop();
  assert.equal(loop.attempts, 2);
  assert.equal(registry.maxInFlight, 1);
  assert.equal(registry.puts, 2);
  assert.ok(registration.registered);
});

test('stop() cancels the pending retry and waits for the attempt in flight', async () => {
  const registry = await startRegistry(1);
  const registration = registrationFor(registry.url);
  const clock = new ManualClock();
  const loop = new RegistrationLoop({ registrar: registration, logger, clock });
  loop.kick();
  await until('the failure to schedule a retry', () => loop.retryPending);
  await loop.stop();
  assert.equal(clock.pendingTimers, 0);
  clock.advance(60_000);
  loop.kick();
  assert.equal(registry.puts, 1, 'a stopped loop makes no attempt');

  const second = await startRegistry(0);
  const held = registrationFor(second.url);
  const inFlight = new RegistrationLoop({ registrar: held, logger, clock: new ManualClock() });
  second.hold(true);
  inFlight.kick();
  await until('the attempt to reach the registry', () => second.held === 1);
  let stopped = false;
  const stopping = inFlight.stop().then(() => (stopped = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(!stopped, 'stop() waits while the attempt is in flight');
  second.release();
  await stopping;
  assert.ok(held.registered, 'the attempt finished before stop() returned, so a deregistration sees it');
});
