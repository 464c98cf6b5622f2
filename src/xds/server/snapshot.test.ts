// Snapshot grouping and versions, and the ADS type order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createResource } from '../protos/resource.ts';
import { typeUrls } from '../protos/type-urls.ts';
import { Snapshot } from './snapshot.ts';
import { isFullStateType, sortTypeUrls } from './type-order.ts';

const c = (name: string, seconds = 1) =>
  createResource(typeUrls.cluster, { name, type: 'EDS', connect_timeout: { seconds } });

test('a type version depends on content only, not on insertion order', () => {
  const a = new Snapshot([c('x'), c('y')]);
  const b = new Snapshot([c('y'), c('x')]);
  const changed = new Snapshot([c('x'), c('y', 2)]);
  assert.equal(a.version(typeUrls.cluster), b.version(typeUrls.cluster));
  assert.notEqual(a.version(typeUrls.cluster), changed.version(typeUrls.cluster));
  assert.deepEqual([...a.resources(typeUrls.listener).keys()], []);
});

test('two resources of one type with the same name are rejected', () => {
  assert.throws(() => new Snapshot([c('x'), c('x', 2)]), /two .* named "x"/);
});

test('types go out CDS, EDS, LDS, RDS, SDS, then others; only LDS and CDS are full-state', () => {
  const other = 'type.googleapis.com/x.Other';
  assert.deepEqual(
    sortTypeUrls([
      other,
      typeUrls.secret,
      typeUrls.routeConfiguration,
      typeUrls.listener,
      typeUrls.clusterLoadAssignment,
      typeUrls.cluster,
    ]),
    [
      typeUrls.cluster,
      typeUrls.clusterLoadAssignment,
      typeUrls.listener,
      typeUrls.routeConfiguration,
      typeUrls.secret,
      other,
    ],
  );
  assert.equal(isFullStateType(typeUrls.listener), true);
  assert.equal(isFullStateType(typeUrls.cluster), true);
  assert.equal(isFullStateType(typeUrls.clusterLoadAssignment), false);
});
