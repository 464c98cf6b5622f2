// The registry HTTP API end to end: a real fastify server on 127.0.0.1:0, driven with fetch.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { SqliteRegistryStore } from '../sqlite-registry-store.ts';
import { registerRegistryRoutes } from './registry-routes.ts';

interface Server {
  base: string;
  registry: SqliteRegistryStore;
}

/** `host` builds the fastify instance the routes join; by default a plain one. */
async function startServer(t: TestContext, host: () => FastifyInstance = () => Fastify()): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-registry-http-'));
  const registry = await SqliteRegistryStore.open({ dataDir });
  const app = host();
  registerRegistryRoutes(app, registry);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { base: `${address}/switchyard/v1/registry`, registry };
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function call(method: string, url: string, body?: unknown): Promise<Reply> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(url, init);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const instancePath = '/namespaces/apps.local/services/colors/instances';

async function seed(base: string): Promise<void> {
  assert.equal((await call('PUT', `${base}/namespaces/apps.local`)).status, 201);
  assert.equal((await call('PUT', `${base}/namespaces/apps.local/services/colors`)).status, 201);
}

test('namespaces and services: create (201), repeat (200), get, list, delete, conflicts (409)', async (t) => {
  const { base } = await startServer(t);
  const created = await call('PUT', `${base}/namespaces/apps.local`);
  assert.equal(created.status, 201);
  assert.equal(created.body['name'], 'apps.local');
  assert.equal((await call('PUT', `${base}/namespaces/apps.local`, {})).status, 200);
  assert.deepEqual((await call('GET', `${base}/namespaces/apps.local`)).body, created.body);
  assert.deepEqual((await call('GET', `${base}/namespaces`)).body, { namespaces: [created.body] });
  assert.equal((await call('PUT', `${base}/namespaces/apps.local/services/colors`)).status, 201);
  const services = await call('GET', `${base}/namespaces/apps.local/services`);
  assert.deepEqual(
    (services.body['services'] as { name: string }[]).map((s) => s.name),
    ['colors'],
  );
  const busy = await call('DELETE', `${base}/namespaces/apps.local`);
  assert.equal(busy.status, 409);
  assert.match(String(busy.body['message']), /still has 1 service/);
  assert.equal((await call('DELETE', `${base}/namespaces/apps.local/services/colors`)).status, 200);
  assert.equal((await call('DELETE', `${base}/namespaces/apps.local`)).status, 200);
  const gone = await call('GET', `${base}/namespaces/apps.local`);
  assert.deepEqual(gone, { status: 404, body: { message: 'namespace apps.local does not exist' } });
});

test('instances: register, replace, get, filter by attributes and health, set health, heartbeat, deregister', async (t) => {
  const { base, registry } = await startServer(t);
  await seed(base);
  const blue = await call('PUT', `${base}${instancePath}/blue-1`, {
    address: '127.0.0.1',
    port: 8001,
    attributes: { version: 'v1', color: 'blue' },
    health: 'HEALTHY',
  });
  assert.equal(blue.status, 201);
  assert.deepEqual(blue.body['attributes'], {
    version: 'v1',
    color: 'blue',
    AWS_INSTANCE_IPV4: '127.0.0.1',
    AWS_INSTANCE_PORT: '8001',
  });
  const replaced = await call('PUT', `${base}${instancePath}/blue-1`, {
    address: '127.0.0.1',
    port: 8001,
    attributes: { version: 'v1', color: 'blue' },
  });
  assert.equal(replaced.status, 200);
  assert.equal(replaced.body['health'], 'HEALTHY');
  await call('PUT', `${base}${instancePath}/green-1`, {
    address: '::1',
    port: 8002,
    attributes: { version: 'v2' },
  });
  assert.deepEqual(
    (await call('GET', `${base}${instancePath}/green-1`)).body,
    await registry.getInstance('apps.local', 'colors', 'green-1'),
  );

  const ids = async (query: string) =>
    ((await call('GET', `${base}${instancePath}${query}`)).body['instances'] as { instanceId: string }[]).map(
      (i) => i.instanceId,
    );
  assert.deepEqual(await ids(''), ['blue-1', 'green-1']);
  assert.deepEqual(await ids('?attr.version=v1'), ['blue-1']);
  assert.deepEqual(await ids('?attr.version=v1&attr.color=red'), []);
  assert.deepEqual(await ids('?attr.AWS_INSTANCE_IPV6=%3A%3A1'), ['green-1']);
  assert.deepEqual(await ids('?health=UNKNOWN'), ['green-1']);

  const health = await call('PUT', `${base}${instancePath}/green-1/health`, { health: 'UNHEALTHY' });
  assert.equal(health.body['health'], 'UNHEALTHY');
  assert.deepEqual(await ids('?health=HEALTHY,UNKNOWN'), ['blue-1']);
  const beat = await call('PUT', `${base}${instancePath}/blue-1/heartbeat`);
  assert.equal(beat.status, 200);
  assert.ok(Number(beat.body['lastHeartbeatMs']) >= Number(blue.body['lastHeartbeatMs']));
  assert.equal((await call('DELETE', `${base}${instancePath}/blue-1`)).status, 200);
  assert.deepEqual(await ids(''), ['green-1']);
  const deletedAgain = await call('DELETE', `${base}${instancePath}/blue-1`);
  assert.equal(deletedAgain.status, 404);
  assert.match(String(deletedAgain.body['message']), /instance blue-1 is not registered in service colors/);
});

test('bad input is a 400 naming each field; missing things 404; wrong methods 405; never a 500', async (t) => {
  const { base } = await startServer(t);
  await seed(base);
  const bad = await call('PUT', `${base}${instancePath}/i-1`, {
    address: 'colors.local',
    port: 0,
    attributes: { version: 3 },
    health: 'FINE',
    weight: 2,
  });
  assert.equal(bad.status, 400);
  const paths = (bad.body['violations'] as { path: string }[]).map((v) => v.path).sort();
  assert.deepEqual(paths, ['address', 'attributes.version', 'health', 'port', 'weight']);
  assert.match(String(bad.body['message']), /address must be an IPv4 or IPv6 address, got "colors.local"/);

  const cases: [string, string, unknown, number, RegExp][] = [
    ['PUT', `${instancePath}/i-1`, '{"address": ', 400, /body is not valid JSON/],
    ['PUT', `${instancePath}/i-1`, undefined, 400, /address is required; port is required/],
    ['PUT', `${instancePath}/i-1`, [1], 400, /must be an object/],
    ['PUT', `${instancePath}/bad%20id`, { address: '10.0.0.1', port: 80 }, 400, /instanceId must match/],
    [
      'PUT',
      `${instancePath}/i-1/health`,
      { health: 'fine' },
      400,
      /health must be one of HEALTHY, UNHEALTHY, UNKNOWN/,
    ],
    ['PUT', `${instancePath}/i-1/health`, {}, 400, /health is required/],
    ['PUT', '/namespaces/a%2Fb', undefined, 400, /namespaceName must match/],
    ['PUT', '/namespaces/%E0%A4%A', undefined, 400, /not a valid url component|malformed percent-encoding/],
    ['PUT', '/namespaces/x', { description: 'no' }, 400, /description is not a known member/],
    ['GET', `${instancePath}?colour=blue`, undefined, 400, /query.colour is not a filter/],
    ['GET', `${instancePath}?health=SICK`, undefined, 400, /query.health must be a comma-separated list/],
    ['GET', '/namespaces?limit=3', undefined, 400, /query.limit is not a parameter/],
    ['GET', '/namespaces/nope/services', undefined, 404, /namespace nope does not exist/],
    [
      'GET',
      '/namespaces/apps.local/services/nope',
      undefined,
      404,
      /service nope does not exist in namespace apps.local/,
    ],
    [
      'GET',
      '/namespaces/nope/services/colors/instances/i-1',
      undefined,
      404,
      /namespace nope does not exist/,
    ],
    ['GET', `${instancePath}/i-9`, undefined, 404, /instance i-9 is not registered/],
    [
      'PUT',
      '/namespaces/nope/services/colors/instances/i-1',
      { address: '10.0.0.1', port: 80 },
      404,
      /namespace nope/,
    ],
    ['PUT', `${instancePath}/i-9/heartbeat`, undefined, 404, /instance i-9 is not registered/],
    ['GET', '/elsewhere', undefined, 404, /No registry operation matches GET/],
    ['POST', '/namespaces/x', undefined, 405, /POST is not supported .*; use PUT, GET, DELETE/],
    ['DELETE', '/namespaces', undefined, 405, /use GET/],
  ];
  for (const [method, path, body, status, message] of cases) {
    const reply = await call(method, `${base}${path}`, body);
    assert.equal(reply.status, status, `${method} ${path}: ${JSON.stringify(reply.body)}`);
    assert.match(String(reply.body['message']), message, `${method} ${path}`);
  }

  const huge = await call('PUT', `${base}${instancePath}/i-1`, {
    address: '10.0.0.1',
    port: 80,
    pad: 'x'.repeat(300_000),
  });
  assert.equal(huge.status, 413);
});

test('shares an instance with an App Mesh-style catch-all: the registry prefix wins, the rest goes to the catch-all', async (t) => {
  const { base } = await startServer(t, () => {
    // Shaped like src/api/api-server.ts: raw-buffer bodies and one `/*` route for every method.
    const app = Fastify({ routerOptions: { maxParamLength: 1_000_000 } });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.route({
      method: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
      url: '/*',
      handler: async (_request, reply) => reply.status(418).send({ message: 'app mesh catch-all' }),
    });
    app.setErrorHandler((_error, _request, reply) =>
      reply.status(500).send({ message: 'app mesh error handler' }),
    );
    return app;
  });
  await seed(base);
  const put = await call('PUT', `${base}${instancePath}/i-1`, { address: '10.0.0.1', port: 80 });
  assert.equal(put.status, 201);
  assert.equal(
    (await call('PUT', `${base}${instancePath}/i-1`, '{')).status,
    400,
    'our error handler, not the host one',
  );
  assert.equal((await call('GET', `${base}/unknown/path`)).status, 404);
  const origin = base.replace('/switchyard/v1/registry', '');
  assert.equal((await call('GET', `${origin}/v20190125/meshes`)).status, 418);
  const longName = 'n'.repeat(1024);
  assert.equal((await call('PUT', `${base}/namespaces/${longName}`)).status, 201);
  assert.equal((await call('PUT', `${base}/namespaces/${longName}x`)).status, 400);
});

test('a body sent as curl sends it by default (form content type) is read as JSON', async (t) => {
  const { base } = await startServer(t);
  await seed(base);
  const response = await fetch(`${base}${instancePath}/i-1`, {
    method: 'PUT',
    body: '{"address":"10.0.0.1","port":80}',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(response.status, 201);
});
