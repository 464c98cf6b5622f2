// `switchyard apply` of TrafficPermissions (Kubernetes manifest and CLI input), updates and --prune of them,
// `switchyard get traffic-permissions`, and a bad manifest refused with nothing written.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { repoRoot } from '../support/switchyard-process.ts';
import { examplesDir, runCli } from '../cli/cli-harness.ts';

const storeManifests = path.join(examplesDir, 'kubernetes.yaml');
const permissionManifest = path.join(repoRoot, 'examples/traffic-permission/kubernetes.yaml');
const permissionCliInput = path.join(repoRoot, 'examples/traffic-permission/cli-input.json');
const permissionsUrl = '/switchyard/v1/meshes/store/trafficPermissions';

describe('apply and get of traffic permissions', () => {
  let plane: TestControlPlane;
  let dir: string;
  before(async () => {
    plane = await startTestControlPlane();
    dir = await makeTempDir('apply-permissions');
  });
  after(async () => {
    await plane.close();
    await removeDir(dir);
  });

  it('creates the manifest and the CLI input, resolving references with the controller names', async () => {
    const applied = await runCli(plane.endpoint, [
      'apply',
      '-f',
      storeManifests,
      '-f',
      permissionManifest,
      '-f',
      permissionCliInput,
    ]);
    assert.equal(applied.code, 0, applied.stderr);
    const lines = applied.stdout.trim().split('\n');
    // Permissions come after everything they may name.
    assert.deepEqual(lines.slice(-3, -1).sort(), [
      'created traffic-permission mesh/store/trafficPermission/catalog-callers_store',
      'created traffic-permission mesh/store/trafficPermission/frontend-callers',
    ]);
    const read = await call(plane.endpoint, 'GET', `${permissionsUrl}/catalog-callers_store`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.json.spec, {
      virtualServiceName: 'catalog.store',
      allow: [
        { from: [{ virtualNodeName: 'frontend_store' }], pathPrefix: '/api', methods: ['GET', 'HEAD'] },
        {
          from: [
            { virtualGatewayName: 'ingress_store' },
            { spiffeId: 'spiffe://switchyard.local/mesh/store/virtualNode/ops-*' },
          ],
        },
      ],
    });

    const again = await runCli(plane.endpoint, ['apply', '-f', permissionManifest]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /^unchanged traffic-permission mesh\/store\/trafficPermission\/catalog-callers_store$/m,
    );
  });

  it('lists them with get, as a table and as JSON', async () => {
    const table = await runCli(plane.endpoint, ['get', 'traffic-permissions', '--mesh', 'store']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+MESH\s+SERVICE\s+FROM\s+VERSION\s+UPDATED$/m);
    assert.match(
      table.stdout,
      /^catalog-callers_store\s+store\s+catalog\.store\s+virtual-node\/frontend_store,virtual-gateway\/ingress_store,spiffe:\/\/switchyard\.local\/mesh\/store\/virtualNode\/ops-\*\s+1\s/m,
    );
    assert.match(
      table.stdout,
      /^frontend-callers\s+store\s+frontend\.store\s+virtual-gateway\/ingress_store\s+1\s/m,
    );
    const json = await runCli(plane.endpoint, [
      'get',
      'traffic-permission',
      'frontend-callers',
      '-o',
      'json',
    ]);
    assert.equal(json.code, 0, json.stderr);
    const item = JSON.parse(json.stdout) as {
      trafficPermissionName: string;
      spec: { virtualServiceName: string };
    };
    assert.equal(item.trafficPermissionName, 'frontend-callers');
    assert.equal(item.spec.virtualServiceName, 'frontend.store');
    const described = await runCli(plane.endpoint, ['describe', 'traffic-permission', 'frontend-callers']);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /^trafficPermissionName: frontend-callers$/m);
  });

  it('updates a changed manifest and prunes a dropped one', async () => {
    const edited = path.join(dir, 'permission.yaml');
    const text = await readFile(permissionManifest, 'utf8');
    await writeFile(edited, text.replace('pathPrefix: /api', 'pathPrefix: /api/v2'));
    const updated = await runCli(plane.endpoint, ['apply', '-f', storeManifests, '-f', edited, '--prune']);
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(
      updated.stdout,
      /^updated traffic-permission mesh\/store\/trafficPermission\/catalog-callers_store$/m,
    );
    assert.match(updated.stdout, /spec\.allow\[0\]\.pathPrefix: "\/api" → "\/api\/v2"|pathPrefix/);
    assert.match(
      updated.stdout,
      /^deleted traffic-permission mesh\/store\/trafficPermission\/frontend-callers$/m,
    );
    const list = await call(plane.endpoint, 'GET', permissionsUrl);
    assert.deepEqual(
      (
        list.json.trafficPermissions as { trafficPermissionName: string; metadata: { version: number } }[]
      ).map((p) => [p.trafficPermissionName, p.metadata.version]),
      [['catalog-callers_store', 2]],
    );
  });

  it('refuses a bad manifest, naming the field, and writes nothing', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(
      bad,
      [
        'apiVersion: switchyard.dev/v1',
        'kind: TrafficPermission',
        'metadata: { name: broken, namespace: store }',
        'spec:',
        '  meshRef: { name: store }',
        '  virtualServiceName: catalog.store',
        '  allow:',
        '    - from: [{ spiffeId: "spiffe://switchyard.local/*/x" }]',
        '      methods: [get]',
        '---',
        'apiVersion: switchyard.dev/v2',
        'kind: TrafficPermission',
        'metadata: { name: later }',
        'spec: {}',
      ].join('\n'),
    );
    const refused = await runCli(plane.endpoint, ['apply', '-f', bad]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /spec\.allow\[0\]\.from\[0\]\.spiffeId: may hold one '\*'/);
    assert.match(refused.stderr, /spec\.allow\[0\]\.methods\[0\]: must match the pattern/);
    assert.match(refused.stderr, /nothing was written/);
    assert.match(refused.stderr, /switchyard\.dev\/v2 is not supported; use switchyard\.dev\/v1/);
    assert.equal((await call(plane.endpoint, 'GET', `${permissionsUrl}/broken_store`)).status, 404);
  });
});
