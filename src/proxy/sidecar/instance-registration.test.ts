// Registration with several control plane replicas: the call goes to the first API that answers, a replica that
// cannot be reached or answers 5xx passes it on, and a 4xx answer is final.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, test } from 'node:test';
import { pino } from 'pino';
import { InstanceRegistration } from './instance-registration.ts';

const logger = pino({ level: 'silent' });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** An API replica answering every call with `status`, counting the calls by method. */
async function startReplica(status: number) {
  const calls: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    calls.push(req.method!);
    authorizations.push(req.headers.authorization);
    // A registry answers a successful DELETE with 200, a PUT with 200 or 201.
    res.writeHead(status === 201 && req.method === 'DELETE' ? 200 : status, {
      'content-type': 'application/json',
    });
    res.end(
      JSON.stringify(
        status < 300 ? { namespaceName: 'ns.local', serviceName: 'web' } : { message: `answer ${status}` },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, authorizations };
}

/** A URL on which nothing listens: a replica that is gone. */
async function goneReplica(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function registration(candidates: () => readonly string[]): InstanceRegistration {
  return new InstanceRegistration({
    apiUrl: candidates,
    meshName: 'm',
    virtualNodeName: 'web',
    instanceId: 'web_127.0.0.1_15000',
    address: '127.0.0.1',
    port: 15000,
    logger,
  });
}

test('a gone replica and one answering 5xx pass the call on to the next', async () => {
  const gone = await goneReplica();
  const failing = await startReplica(503);
  const healthy = await startReplica(201);
  const r = registration(() => [gone, failing.url, healthy.url]);
  assert.deepEqual(await r.register(), { kind: 'registered', namespaceName: 'ns.local', serviceName: 'web' });
  assert.deepEqual(failing.calls, ['PUT']);
  assert.deepEqual(healthy.calls, ['PUT']);
  // The replica that answered is asked first next time, wherever the candidates put it.
  await r.deregister();
  assert.deepEqual(failing.calls, ['PUT']);
  assert.deepEqual(healthy.calls, ['PUT', 'DELETE']);
});

test('the candidates are read at every call, so registration follows a failover', async () => {
  const first = await startReplica(201);
  const second = await startReplica(201);
  let candidates = [first.url];
  const r = registration(() => candidates);
  await r.register();
  candidates = [second.url];
  await r.register();
  assert.deepEqual(first.calls, ['PUT']);
  assert.deepEqual(second.calls, ['PUT']);
});

test('a 4xx answer is final; every replica failing fails the call with the last reason', async () => {
  const refusing = await startReplica(400);
  const healthy = await startReplica(201);
  await assert.rejects(registration(() => [refusing.url, healthy.url]).register(), /400 answer 400/);
  assert.deepEqual(healthy.calls, []);
  const failing = await startReplica(500);
  const gone = await goneReplica();
  await assert.rejects(registration(() => [gone, failing.url]).register(), /500 answer 500/);
  await assert.rejects(registration(() => [gone]).register(), /failed/);
  await assert.rejects(registration(() => []).register(), /no control plane API/);
});

test('with an access token, every call carries it as a bearer token, read anew each time (a rotated file)', async () => {
  const replica = await startReplica(201);
  let token = 'syt1.first.x';
  const withToken = new InstanceRegistration({
    apiUrl: replica.url,
    meshName: 'm',
    virtualNodeName: 'web',
    instanceId: 'web_127.0.0.1_15000',
    address: '127.0.0.1',
    port: 15000,
    logger,
    accessToken: () => token,
  });
  await withToken.register();
  token = 'syt1.second.x';
  await withToken.deregister();
  await registration(() => [replica.url]).register();
  assert.deepEqual(replica.authorizations, ['Bearer syt1.first.x', 'Bearer syt1.second.x', undefined]);
});
