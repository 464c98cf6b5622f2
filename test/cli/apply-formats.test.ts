// `switchyard apply` on the examples in each format: same mesh created, a second apply changes nothing.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { examplesDir, inventory, runCli, storeMesh } from './cli-harness.ts';

const formats = {
  kubernetes: path.join(examplesDir, 'kubernetes.yaml'),
  cloudformation: path.join(examplesDir, 'cloudformation.yaml'),
  'cli-input': path.join(examplesDir, 'cli-input'),
};

for (const [format, source] of Object.entries(formats)) {
  test(`apply ${format}: creates the store mesh, then a second apply leaves everything unchanged`, async (t) => {
    const plane = await startTestControlPlane();
    t.after(() => plane.close());
    const first = await runCli(plane.endpoint, ['apply', '-f', source]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.match(/^created /gm)?.length, 10, first.stdout);
    assert.match(first.stdout, /^applied: 10 created, 0 updated, 0 unchanged, 0 deleted$/m);
    assert.deepEqual(await inventory(plane.endpoint), storeMesh);

    const route = await call(
      plane.endpoint,
      'GET',
      '/v20190125/meshes/store/virtualRouter/catalog-router_store/routes/catalog-route',
    );
    assert.deepEqual((route.json.spec as { httpRoute: { action: unknown } }).httpRoute.action, {
      weightedTargets: [
        { virtualNode: 'catalog-v1_store', weight: 80 },
        { virtualNode: 'catalog-v2_store', weight: 20 },
      ],
    });
    const frontend = await call(plane.endpoint, 'GET', '/v20190125/meshes/store/virtualNodes/frontend_store');
    assert.deepEqual((frontend.json.spec as { listeners: unknown[] }).listeners[0], {
      portMapping: { port: 8080, protocol: 'http' },
      timeout: { http: { perRequest: { unit: 's', value: 15 } } },
    });

    const second = await runCli(plane.endpoint, ['apply', '-f', source]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.match(/^unchanged /gm)?.length, 10, second.stdout);
    assert.match(second.stdout, /^applied: 0 created, 0 updated, 10 unchanged, 0 deleted$/m);
    assert.deepEqual(await inventory(plane.endpoint), storeMesh, 'no version moved');
  });
}

let shared: TestControlPlane;
before(async () => {
  shared = await startTestControlPlane();
});
after(() => shared.close());

test('the three example formats describe the same mesh: after one, the others plan no change', async () => {
  const applied = await runCli(shared.endpoint, ['apply', '-f', formats.kubernetes]);
  assert.equal(applied.code, 0, applied.stderr);
  for (const source of [formats.cloudformation, formats['cli-input']]) {
    const plan = await runCli(shared.endpoint, ['apply', '--dry-run', '-f', source]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(
      plan.stdout,
      /^plan: 0 to create, 0 to update, 10 unchanged, 0 to delete/m,
      `${source}\n${plan.stdout}`,
    );
  }
});

test('kinds that are not App Mesh resources are skipped with a one-line note', async () => {
  const k8s = await runCli(shared.endpoint, ['apply', '--dry-run', '-f', formats.kubernetes]);
  assert.match(
    k8s.stderr,
    /^note: .*kubernetes\.yaml, document 1: skipped v1 Namespace store: not an App Mesh resource$/m,
  );
  assert.match(
    k8s.stderr,
    /^note: .*document 11: skipped apps\/v1 Deployment store\/frontend: not an App Mesh resource$/m,
  );
  const cfn = await runCli(shared.endpoint, ['apply', '--dry-run', '-f', formats.cloudformation]);
  assert.match(
    cfn.stderr,
    /^note: .*skipped Resources\.AccessLogGroup \(AWS::Logs::LogGroup\): not an App Mesh resource$/m,
  );
});
