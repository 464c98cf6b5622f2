// `switchyard migrate-store`: a SQLite control plane's resources (versions, ARNs, uids, timestamps, tags) and
// registry answer the same through a control plane on PostgreSQL after the copy; a non-empty target and a
// directory without a store are refused with a clear message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  makeTempDir,
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { postgresSkipReason, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { spawnSwitchyard, waitForExit } from '../support/switchyard-process.ts';

const skip = postgresSkipReason();
const mesh = 'moved';
let pg: PostgresServer | undefined;
let dataDir: string | undefined;
const running: ControlPlaneProcess[] = [];

before(async () => {
  if (skip) return;
  pg = await startPostgresServer();
  dataDir = await makeTempDir('migrate-store');
});

after(async () => {
  for (const cp of running) await cp.stop('SIGKILL');
  if (dataDir) await removeDir(dataDir);
  await pg?.cleanup();
});

async function call(endpoint: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${endpoint}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** What a client sees of the mesh: descriptions (metadata included), lists, tags and registry instances. */
async function observe(endpoint: string): Promise<Record<string, unknown>> {
  // DescribeX answers carry the resource itself as the body (App Mesh's HTTP payload).
  const meshArn = (
    (await call(endpoint, 'GET', `/v20190125/meshes/${mesh}`)) as { metadata: { arn: string } }
  ).metadata.arn;
  const paths = [
    `/v20190125/meshes/${mesh}`,
    `/v20190125/meshes/${mesh}/virtualNodes`,
    `/v20190125/meshes/${mesh}/virtualNodes/server`,
    `/v20190125/meshes/${mesh}/virtualRouters/router`,
    `/v20190125/meshes/${mesh}/virtualRouter/router/routes/split`,
    `/v20190125/meshes/${mesh}/virtualRouter/router/routes`,
    `/v20190125/meshes/${mesh}/virtualServices/server.moved.local`,
    `/v20190125/tags?resourceArn=${encodeURIComponent(meshArn)}`,
    '/switchyard/v1/registry/namespaces/e2e.local/services/server/instances',
  ];
  const seen: Record<string, unknown> = {};
  for (const path of paths) seen[path] = await call(endpoint, 'GET', path);
  return seen;
}

async function migrateStore(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnSwitchyard(['migrate-store', ...args]);
  let stdout = '';
  proc.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await waitForExit(proc.child);
  return { code, stdout, stderr: proc.stderr() };
}

test(
  'a SQLite control plane moves to PostgreSQL with every resource and instance as it was',
  { skip },
  async () => {
    const sqlite = await startControlPlaneProcess({ dataDir });
    running.push(sqlite);
    const api = new MeshApiClient(sqlite.endpoint);
    try {
      await call(sqlite.endpoint, 'PUT', '/v20190125/meshes', {
        meshName: mesh,
        tags: [{ key: 'team', value: 'core' }],
      });
      await api.createNode(mesh, 'server', servingNode('server', 8080));
      await api.createRouter(mesh, 'router', {
        listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
      });
      const route = (weight: number) => ({
        httpRoute: {
          match: { prefix: '/' },
          action: { weightedTargets: [{ virtualNode: 'server', weight }] },
        },
      });
      await api.createRoute(mesh, 'router', 'split', route(1));
      // Version 3: versions must survive, not restart at 1.
      await api.updateRoute(mesh, 'router', 'split', route(2));
      await api.updateRoute(mesh, 'router', 'split', route(3));
      await api.createService(mesh, 'server.moved.local', {
        provider: { virtualRouter: { virtualRouterName: 'router' } },
      });
      await api.registerInstance(mesh, 'server', 'i-1', 8080);
    } finally {
      api.close();
    }
    const before = await observe(sqlite.endpoint);
    assert.equal(
      (
        before[`/v20190125/meshes/${mesh}/virtualRouter/router/routes/split`] as {
          metadata: { version: number };
        }
      ).metadata.version,
      3,
    );

    const url = await pg!.createDatabase('moved');
    // The data dir is locked while its control plane runs.
    const busy = await migrateStore('--from', `sqlite:${dataDir}`, '--to', url);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /in use .*stop that control plane first/);

    await sqlite.stop('SIGTERM');
    const copied = await migrateStore('--from', `sqlite:${dataDir}`, '--to', url);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stdout, /copied 5 resources .*1 namespaces, 1 services and 1 instances/);

    const postgres = await startControlPlaneProcess({ args: ['--store', url] });
    running.push(postgres);
    assert.deepEqual(await observe(postgres.endpoint), before);

    // A second run would mix two histories: refused, nothing changed.
    const again = await migrateStore('--from', `sqlite:${dataDir}`, '--to', url);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty \(store revision \d+, 1 registry namespaces\)/);
    assert.doesNotMatch(again.stderr, /at .*\.ts:\d+/, 'a stack trace');
    assert.deepEqual(await observe(postgres.endpoint), before);
    await removeDir(postgres.dataDir);
  },
);

test('bad arguments are refused before anything is opened', { skip }, async () => {
  const empty = await makeTempDir('migrate-store-empty');
  try {
    const noStore = await migrateStore('--from', `sqlite:${empty}`, '--to', pg!.url('postgres'));
    assert.equal(noStore.code, 1);
    assert.match(noStore.stderr, /holds no Switchyard store/);
    const badFrom = await migrateStore('--from', empty, '--to', pg!.url('postgres'));
    assert.equal(badFrom.code, 1);
    assert.match(badFrom.stderr, /--from must be sqlite:DIR/);
    const badTo = await migrateStore(
      '--from',
      `sqlite:${empty}`,
      '--to',
      'mysql://root:hunter2@127.0.0.1/db',
    );
    assert.equal(badTo.code, 1);
    assert.match(badTo.stderr, /--to must be/);
    assert.doesNotMatch(badTo.stderr, /hunter2/);
  } finally {
    await removeDir(empty);
  }
});
