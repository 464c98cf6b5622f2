// The TrafficPermission API on a real in-process control plane: create, replace (optimistic version), read,
// list, delete, the errors, the mesh's delete rule, App Mesh's answers left alone, the change feed, and the
// IAM actions it is checked against when authentication is on.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppMeshClient as SwitchyardClient, ApiClientError } from '../../src/cli/api-client.ts';
import type { Change } from '../../src/store/store.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { postgresSkipReason, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { waitFor } from '../support/wait-for.ts';
import { adminKey, writeAccessFile, type TestKey } from './access-file-fixture.ts';

const base = '/switchyard/v1/meshes';
const spec = {
  virtualServiceName: 'color.demo.local',
  allow: [{ from: [{ virtualNodeName: 'front' }], pathPrefix: '/api', methods: ['GET'] }],
};

describe('TrafficPermission API', () => {
  let cp: TestControlPlane;
  before(async () => {
    cp = await startTestControlPlane();
    assert.equal(
      (await call(cp.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'demo', spec: {} })).status,
      200,
    );
  });
  after(() => cp.close());

  it('creates, replaces, reads, lists and deletes', async () => {
    const url = `${base}/demo/trafficPermissions/front-to-color`;
    const created = await call(cp.endpoint, 'PUT', url, { spec });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.meshName, 'demo');
    assert.equal(created.json.trafficPermissionName, 'front-to-color');
    assert.deepEqual(created.json.spec, spec);
    assert.deepEqual(created.json.status, { status: 'ACTIVE' });
    const metadata = created.json.metadata as Record<string, unknown>;
    assert.equal(metadata.version, 1);
    assert.equal(
      metadata.arn,
      'arn:aws:appmesh:us-east-1:111122223333:mesh/demo/trafficPermission/front-to-color',
    );
    assert.equal(typeof metadata.uid, 'string');

    // An answer sent back as it is (with its metadata) replaces the spec at that version.
    const changed = {
      ...created.json,
      spec: { ...spec, allow: [{ from: [{ virtualGatewayName: 'ingress' }] }] },
    };
    const replaced = await call(cp.endpoint, 'PUT', url, changed);
    assert.equal(replaced.status, 200, JSON.stringify(replaced.json));
    assert.equal((replaced.json.metadata as { version: number }).version, 2);

    const stale = await call(cp.endpoint, 'PUT', url, changed);
    assert.equal(stale.status, 409);
    assert.equal(stale.headers.get('x-amzn-errortype')?.split(':')[0], 'ConflictException');
    assert.match(String(stale.json.message), /is at version 2, not 1/);

    const read = await call(cp.endpoint, 'GET', url);
    assert.equal(read.status, 200);
    assert.deepEqual(read.json.spec, changed.spec);

    await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions/a-first`, { spec });
    const page1 = await call(cp.endpoint, 'GET', `${base}/demo/trafficPermissions?limit=1`);
    assert.equal(page1.status, 200);
    const items1 = page1.json.trafficPermissions as { trafficPermissionName: string }[];
    assert.deepEqual(
      items1.map((i) => i.trafficPermissionName),
      ['a-first'],
    );
    const page2 = await call(
      cp.endpoint,
      'GET',
      `${base}/demo/trafficPermissions?limit=1&nextToken=${String(page1.json.nextToken)}`,
    );
    assert.deepEqual(
      (page2.json.trafficPermissions as { trafficPermissionName: string }[]).map(
        (i) => i.trafficPermissionName,
      ),
      ['front-to-color'],
    );
    assert.equal(page2.json.nextToken, undefined);

    const deleted = await call(cp.endpoint, 'DELETE', url);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json.status, { status: 'DELETED' });
    assert.equal((await call(cp.endpoint, 'GET', url)).status, 404);
    assert.equal((await call(cp.endpoint, 'DELETE', `${base}/demo/trafficPermissions/a-first`)).status, 200);
  });

  it('refuses bad input with 400 naming every field, and writes nothing', async () => {
    const url = `${base}/demo/trafficPermissions/bad`;
    const bad = await call(cp.endpoint, 'PUT', url, {
      spec: {
        virtualServiceName: 'color.demo.local',
        allow: [
          {
            from: [{ virtualNodeName: 'a', spiffeId: 'spiffe://x/y' }, { spiffeId: 'spiffe://x/*/y' }],
            pathPrefix: 'api',
            methods: ['get'],
          },
        ],
      },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-amzn-errortype')?.split(':')[0], 'BadRequestException');
    const message = String(bad.json.message);
    assert.match(message, /^4 validation errors detected/);
    assert.match(message, /spec\.allow\[0\]\.from\[0\] must set exactly one of/);
    assert.match(message, /spec\.allow\[0\]\.from\[1\]\.spiffeId may hold one '\*'/);
    assert.match(message, /spec\.allow\[0\]\.pathPrefix must start with '\/'/);
    assert.match(message, /spec\.allow\[0\]\.methods\[0\] must match the pattern/);

    const cases: [unknown, RegExp][] = [
      [undefined, /Request body is required/],
      ['{not json', /not valid JSON/],
      [{ spec, colour: 1 }, /colour is not a known member/],
      [{ spec, trafficPermissionName: 'other' }, /names another resource than the path/],
      [{ spec, meshName: 'other' }, /names another resource than the path/],
      [{ spec, metadata: { version: -1 } }, /metadata\.version must be at least 0/],
    ];
    for (const [body, expected] of cases) {
      const answer = await call(cp.endpoint, 'PUT', url, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(String(answer.json.message), expected);
    }
    const badName = await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions/${'x'.repeat(256)}`, {
      spec,
    });
    assert.equal(badName.status, 400);
    assert.match(String(badName.json.message), /trafficPermissionName must be at most 255 characters/);
    assert.equal((await call(cp.endpoint, 'GET', url)).status, 404);
  });

  it('answers 404 for a missing mesh or permission, and 409 for a version that does not exist', async () => {
    const noMesh = await call(cp.endpoint, 'PUT', `${base}/nowhere/trafficPermissions/p`, { spec });
    assert.equal(noMesh.status, 404);
    assert.match(String(noMesh.json.message), /Mesh with name nowhere is not present/);
    assert.equal((await call(cp.endpoint, 'GET', `${base}/nowhere/trafficPermissions`)).status, 404);
    const missing = await call(cp.endpoint, 'GET', `${base}/demo/trafficPermissions/absent`);
    assert.equal(missing.status, 404);
    assert.match(
      String(missing.json.message),
      /TrafficPermission with name absent is not present under mesh demo/,
    );
    assert.equal((await call(cp.endpoint, 'DELETE', `${base}/demo/trafficPermissions/absent`)).status, 404);
    const phantom = await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions/new`, {
      spec,
      metadata: { version: 3 },
    });
    assert.equal(phantom.status, 409);
    assert.match(String(phantom.json.message), /does not exist \(version 0\), not version 3/);
    // App Mesh's form: PUT on the collection names the permission in the body and only creates.
    const appMeshForm = { trafficPermissionName: 'by-body', spec };
    const createdByBody = await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions`, appMeshForm);
    assert.equal(createdByBody.status, 201);
    assert.equal(createdByBody.json.trafficPermissionName, 'by-body');
    const twice = await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions`, appMeshForm);
    assert.equal(twice.status, 409);
    assert.match(String(twice.json.message), /TrafficPermission by-body in mesh demo already exists/);
    const unnamed = await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions`, { spec });
    assert.equal(unnamed.status, 400);
    assert.match(String(unnamed.json.message), /trafficPermissionName is required/);
    await call(cp.endpoint, 'DELETE', `${base}/demo/trafficPermissions/by-body`);
    // Version 0 means "create only": it succeeds once, then conflicts.
    const createOnly = { spec, metadata: { version: 0 } };
    assert.equal(
      (await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions/once`, createOnly)).status,
      201,
    );
    assert.equal(
      (await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions/once`, createOnly)).status,
      409,
    );
    await call(cp.endpoint, 'DELETE', `${base}/demo/trafficPermissions/once`);
  });

  it('keeps App Mesh answers unchanged and blocks deleting a mesh that holds permissions', async () => {
    await call(cp.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'held', spec: {} });
    await call(cp.endpoint, 'PUT', `${base}/held/trafficPermissions/p`, { spec });
    const services = await call(cp.endpoint, 'GET', '/v20190125/meshes/held/virtualServices');
    assert.deepEqual(services.json, { virtualServices: [] });
    // App Mesh's router serves no such collection, and its tag API does not take the permission's ARN.
    assert.equal((await call(cp.endpoint, 'GET', '/v20190125/meshes/held/trafficPermissions')).status, 404);
    const arn = encodeURIComponent('arn:aws:appmesh:us-east-1:111122223333:mesh/held/trafficPermission/p');
    const tags = await call(cp.endpoint, 'GET', `/v20190125/tags?resourceArn=${arn}`);
    assert.equal(tags.status, 400);

    const refused = await call(cp.endpoint, 'DELETE', '/v20190125/meshes/held');
    assert.equal(refused.status, 409);
    assert.equal(refused.headers.get('x-amzn-errortype')?.split(':')[0], 'ResourceInUseException');
    assert.match(String(refused.json.message), /still contains resources: 1 trafficPermissions/);
    await call(cp.endpoint, 'DELETE', `${base}/held/trafficPermissions/p`);
    assert.equal((await call(cp.endpoint, 'DELETE', '/v20190125/meshes/held')).status, 200);
  });

  it('writes through the store change feed the xDS side follows', async () => {
    const store = cp.running.store;
    const seen: Change[] = [];
    const watch = store.watch(await store.currentRevision(), {
      onChanges: (changes) => seen.push(...changes),
      onError: (error) => assert.fail(error),
    });
    try {
      await call(cp.endpoint, 'PUT', `${base}/demo/trafficPermissions/fed`, { spec });
      await call(cp.endpoint, 'DELETE', `${base}/demo/trafficPermissions/fed`);
      await waitFor('two changes on the feed', () => seen.length >= 2 || undefined);
      assert.deepEqual(
        seen.map((c) => [c.op, c.key.kind, c.key.meshName, c.key.name]),
        [
          ['put', 'trafficPermission', 'demo', 'fed'],
          ['delete', 'trafficPermission', 'demo', 'fed'],
        ],
      );
    } finally {
      watch.close();
    }
  });
});

describe('TrafficPermission API with authentication on', () => {
  let cp: TestControlPlane;
  let dir: string;
  const permissionsAdmin: TestKey = {
    accessKeyId: 'AKIASWITCHYARDPERMS',
    secretAccessKey: 'perms-secret-0123456789abcdefghijklmnopq',
    policy: {
      Statement: [
        {
          Effect: 'Allow',
          Action: ['switchyard:*TrafficPermission', 'switchyard:ListTrafficPermissions'],
          Resource: [
            'arn:aws:appmesh:us-east-1:111122223333:mesh/demo/trafficPermission/*',
            'arn:aws:appmesh:us-east-1:111122223333:mesh/demo',
          ],
        },
        {
          Effect: 'Deny',
          Action: 'switchyard:DeleteTrafficPermission',
          Resource: '*',
        },
      ],
    },
  };
  const signed = (key: TestKey) =>
    new SwitchyardClient(cp.endpoint, {
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      region: 'us-east-1',
    });
  const refusal = async (promise: Promise<unknown>): Promise<ApiClientError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof ApiClientError) return error;
      throw error;
    }
    assert.fail('the request must be refused');
  };

  before(async () => {
    dir = await makeTempDir('permissions-auth');
    const accessFile = await writeAccessFile(dir, [adminKey, permissionsAdmin]);
    cp = await startTestControlPlane([], { accessFile });
    await signed(adminKey).call('PUT', '/meshes', { meshName: 'demo', spec: {} });
    await signed(adminKey).call('PUT', '/meshes', { meshName: 'other', spec: {} });
  });
  after(async () => {
    await cp.close();
    await removeDir(dir);
  });

  it('checks switchyard:<Verb>TrafficPermission on the permission ARN', async () => {
    const perms = signed(permissionsAdmin);
    const created = await perms.call('PUT', `${base}/demo/trafficPermissions/p`, { spec });
    assert.equal(created.trafficPermissionName, 'p');
    assert.equal((await perms.call('GET', `${base}/demo/trafficPermissions/p`)).trafficPermissionName, 'p');
    const list = await perms.call('GET', `${base}/demo/trafficPermissions`);
    assert.equal((list.trafficPermissions as unknown[]).length, 1);
    // Another mesh is outside the key's resources; the explicit deny wins over the wildcard allow.
    const elsewhere = await refusal(perms.call('PUT', `${base}/other/trafficPermissions/p`, { spec }));
    assert.equal(elsewhere.type, 'AccessDeniedException');
    assert.match(elsewhere.message, /switchyard:PutTrafficPermission/);
    const byBody = { trafficPermissionName: 'q', spec };
    assert.equal(
      (await perms.call('PUT', `${base}/demo/trafficPermissions`, byBody)).trafficPermissionName,
      'q',
    );
    const byBodyElsewhere = await refusal(perms.call('PUT', `${base}/other/trafficPermissions`, byBody));
    assert.equal(byBodyElsewhere.type, 'AccessDeniedException');
    const denied = await refusal(perms.call('DELETE', `${base}/demo/trafficPermissions/p`));
    assert.equal(denied.type, 'AccessDeniedException');
    // The App Mesh admin key (appmesh:* only) has no switchyard: actions.
    const admin = await refusal(signed(adminKey).call('GET', `${base}/demo/trafficPermissions`));
    assert.equal(admin.type, 'AccessDeniedException');
    const unsigned = await call(cp.endpoint, 'GET', `${base}/demo/trafficPermissions`);
    assert.equal(unsigned.status, 403);
    assert.equal(
      unsigned.headers.get('x-amzn-errortype')?.split(':')[0],
      'MissingAuthenticationTokenException',
    );
  });
});

describe('TrafficPermission API on the PostgreSQL store', { skip: postgresSkipReason() }, () => {
  let pg: PostgresServer;
  let cp: TestControlPlane;
  before(async () => {
    pg = await startPostgresServer();
    cp = await startTestControlPlane([], { store: pg.url() });
    await call(cp.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'demo', spec: {} });
  });
  after(async () => {
    await cp?.close();
    await pg?.cleanup();
  });

  it('stores, lists, feeds and deletes permissions like the embedded store', async () => {
    const store = cp.running.store;
    const seen: Change[] = [];
    const watch = store.watch(await store.currentRevision(), {
      onChanges: (changes) => seen.push(...changes),
      onError: (error) => assert.fail(error),
    });
    try {
      const url = `${base}/demo/trafficPermissions/p`;
      assert.equal((await call(cp.endpoint, 'PUT', url, { spec })).status, 201);
      assert.equal((await call(cp.endpoint, 'PUT', url, { spec, metadata: { version: 1 } })).status, 200);
      const list = await call(cp.endpoint, 'GET', `${base}/demo/trafficPermissions`);
      assert.deepEqual(
        (list.json.trafficPermissions as { metadata: { version: number } }[]).map((p) => p.metadata.version),
        [2],
      );
      assert.equal((await call(cp.endpoint, 'DELETE', '/v20190125/meshes/demo')).status, 409);
      assert.equal((await call(cp.endpoint, 'DELETE', url)).status, 200);
      await waitFor('three changes on the feed', () => seen.length >= 3 || undefined);
      assert.deepEqual(
        seen.map((c) => `${c.op} ${c.key.kind}/${c.key.name}`),
        ['put trafficPermission/p', 'put trafficPermission/p', 'delete trafficPermission/p'],
      );
    } finally {
      watch.close();
    }
  });
});
