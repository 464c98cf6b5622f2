// The benchmark's synthetic mesh: valid App Mesh specs, and a hot route every node depends on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateMesh, markerWeight, withMarkerWeight } from '../../bench/control-plane/synthetic-mesh.ts';
import { meshRecords } from '../../bench/control-plane/translation-timing.ts';
import { validate } from '../../src/model/shape.ts';
import { specShapes } from '../../src/model/specs/index.ts';

test('every generated spec passes the model validation', () => {
  for (const record of meshRecords(generateMesh(200)))
    assert.deepEqual(
      validate(specShapes[record.kind], record.spec, 'spec'),
      [],
      `${record.kind} ${record.name}`,
    );
});

test('every node calls the hot service, plus 2 to 4 others', () => {
  const mesh = generateMesh(300);
  const hot = mesh.serviceNames[0];
  for (const request of mesh.requests.filter((r) => r.kind === 'virtualNode')) {
    const backends = (request.body.spec as { backends: { virtualService: { virtualServiceName: string } }[] })
      .backends;
    assert.equal(backends[0]?.virtualService.virtualServiceName, hot);
    assert.ok(backends.length >= 3 && backends.length <= 5, `${backends.length} backends`);
  }
  assert.equal(mesh.hotRoute.routerName, 'router-0000');
});

test('marker weights never collide with other weights, differ change to change, and stay valid', () => {
  for (const size of [10, 100, 1000]) checkMarkers(generateMesh(size));
});

function checkMarkers(mesh: ReturnType<typeof generateMesh>): void {
  const markers = Array.from({ length: 20 }, (_, i) => markerWeight(i));
  for (const [i, marker] of markers.entries()) {
    assert.ok(marker >= 1 && marker <= 99 && marker % 10 !== 0);
    if (i > 0) assert.notEqual(marker, markers[i - 1]);
    const spec = withMarkerWeight(mesh.hotRoute, marker);
    const targets = spec.httpRoute.action.weightedTargets;
    assert.equal(targets[0]?.weight, marker);
    for (const t of targets.slice(1)) assert.equal(t.weight % 10, 0);
    assert.ok(targets.reduce((sum, t) => sum + t.weight, 0) <= 100, 'App Mesh caps the sum at 100');
    assert.deepEqual(validate(specShapes.route, spec, 'spec'), []);
  }
  for (const t of mesh.hotRoute.spec.httpRoute.action.weightedTargets) assert.equal(t.weight % 10, 0);
}

test('the same size always yields the same mesh', () => {
  assert.deepEqual(generateMesh(50), generateMesh(50));
});
