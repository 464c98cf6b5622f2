// `apply --dry-run` plans without writing; updates show a field diff; `--prune` removes what the files dropped.

import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { call, startTestControlPlane } from '../support/in-process-control-plane.ts';
import { examplesDir, inventory, runCli, storeMesh } from './cli-harness.ts';

async function copyOfCliInput(): Promise<string> {
  const dir = await makeTempDir('apply');
  await cp(path.join(examplesDir, 'cli-input'), dir, { recursive: true });
  return dir;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits arbitrary example JSON
async function edit(file: string, change: (doc: Record<string, any>) => void): Promise<void> {
  const doc = JSON.parse(await readFile(file, 'utf8'));
  change(doc);
  await writeFile(file, JSON.stringify(doc));
}

test('--dry-run prints the creates and writes nothing', async (t) => {
  const plane = await startTestControlPlane();
  t.after(() => plane.close());
  const plan = await runCli(plane.endpoint, [
    'apply',
    '--dry-run',
    '-f',
    path.join(examplesDir, 'kubernetes.yaml'),
  ]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /^create mesh mesh\/store$/m);
  assert.match(plan.stdout, /^create virtual-node mesh\/store\/virtualNode\/catalog-v1_store$/m);
  assert.match(
    plan.stdout,
    /^create route mesh\/store\/virtualRouter\/catalog-router_store\/route\/catalog-route$/m,
  );
  assert.match(
    plan.stdout,
    /^plan: 10 to create, 0 to update, 0 unchanged, 0 to delete \(dry run: nothing was written\)$/m,
  );
  const lines = plan.stdout.trim().split('\n');
  const order = lines.slice(0, -1).map((line) => line.split(' ')[1]);
  assert.deepEqual(order, [
    'mesh',
    'virtual-node',
    'virtual-node',
    'virtual-node',
    'virtual-router',
    'route',
    'virtual-service',
    'virtual-service',
    'virtual-gateway',
    'gateway-route',
  ]);
  assert.deepEqual(await inventory(plane.endpoint), []);
});

test('a changed weight and a new tag plan as an update with a field diff, and apply as one', async (t) => {
  const plane = await startTestControlPlane();
  const dir = await copyOfCliInput();
  t.after(async () => {
    await plane.close();
    await removeDir(dir);
  });
  assert.equal((await runCli(plane.endpoint, ['apply', '-f', dir])).code, 0);
  await edit(path.join(dir, '06-route-catalog.json'), (doc) => {
    doc.spec.httpRoute.action.weightedTargets[0].weight = 50;
    doc.spec.httpRoute.action.weightedTargets[1].weight = 50;
  });
  await edit(path.join(dir, '01-mesh.json'), (doc) => {
    doc.tags = [{ key: 'team', value: 'store' }];
  });
  const plan = await runCli(plane.endpoint, ['apply', '--dry-run', '-f', dir]);
  assert.equal(plan.code, 0, plan.stderr);
  const routeLine = 'update route mesh/store/virtualRouter/catalog-router_store/route/catalog-route';
  assert.ok(
    plan.stdout.includes(
      [
        routeLine,
        '    ~ spec.httpRoute.action.weightedTargets[0].weight: 80 -> 50',
        '    ~ spec.httpRoute.action.weightedTargets[1].weight: 20 -> 50',
      ].join('\n'),
    ),
    plan.stdout,
  );
  assert.ok(plan.stdout.includes('update mesh mesh/store\n    + tags.team: "store"\n'), plan.stdout);
  assert.match(plan.stdout, /^unchanged virtual-node mesh\/store\/virtualNode\/frontend_store$/m);
  assert.deepEqual(await inventory(plane.endpoint), storeMesh, 'the dry run wrote nothing');

  const applied = await runCli(plane.endpoint, ['apply', '-f', dir]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /^applied: 0 created, 2 updated, 8 unchanged, 0 deleted$/m);
  const route = await call(
    plane.endpoint,
    'GET',
    '/v20190125/meshes/store/virtualRouter/catalog-router_store/routes/catalog-route',
  );
  assert.equal((route.json.metadata as { version: number }).version, 2);
  const arn = encodeURIComponent(
    String((route.json.metadata as { arn: string }).arn).replace(/\/virtualRouter.*/, ''),
  );
  const tags = await call(plane.endpoint, 'GET', `/v20190125/tags?resourceArn=${arn}`);
  assert.deepEqual(tags.json.tags, [{ key: 'team', value: 'store' }]);
});

test('--prune deletes, in reverse dependency order, what the files of a touched mesh no longer contain', async (t) => {
  const plane = await startTestControlPlane();
  const dir = await copyOfCliInput();
  t.after(async () => {
    await plane.close();
    await removeDir(dir);
  });
  assert.equal((await runCli(plane.endpoint, ['apply', '-f', dir])).code, 0);
  // An unrelated mesh that the files do not touch must survive the prune.
  await call(plane.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'other' });
  await call(plane.endpoint, 'PUT', '/v20190125/meshes/other/virtualRouters', {
    virtualRouterName: 'keep',
    spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] },
  });
  for (const file of [
    '09-gateway-ingress.json',
    '10-gateway-route-to-frontend.json',
    '08-service-frontend.json',
  ]) {
    await rm(path.join(dir, file));
  }
  await edit(path.join(dir, '04-node-frontend.json'), (doc) => delete doc.spec.backends);

  const withoutPrune = await runCli(plane.endpoint, ['apply', '-f', dir]);
  assert.equal(withoutPrune.code, 0, withoutPrune.stderr);
  assert.match(withoutPrune.stdout, /0 deleted$/m);

  const plan = await runCli(plane.endpoint, ['apply', '--prune', '--dry-run', '-f', dir]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.deepEqual(
    plan.stdout.split('\n').filter((line) => line.startsWith('delete ')),
    [
      'delete gateway-route mesh/store/virtualGateway/ingress_store/gatewayRoute/to-frontend_store',
      'delete virtual-gateway mesh/store/virtualGateway/ingress_store',
      'delete virtual-service mesh/store/virtualService/frontend.store',
    ],
  );

  const pruned = await runCli(plane.endpoint, ['apply', '--prune', '-f', dir]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /^applied: 0 created, 0 updated, 7 unchanged, 3 deleted$/m);
  assert.deepEqual(await inventory(plane.endpoint), [
    'mesh/other/virtualRouter/keep@1',
    'mesh/other@1',
    'mesh/store/virtualNode/catalog-v1_store@1',
    'mesh/store/virtualNode/catalog-v2_store@1',
    'mesh/store/virtualNode/frontend_store@2',
    'mesh/store/virtualRouter/catalog-router_store/route/catalog-route@1',
    'mesh/store/virtualRouter/catalog-router_store@1',
    'mesh/store/virtualService/catalog.store@1',
    'mesh/store@1',
  ]);
});
