// The one reference extractor: every hard reference with its field path, and the deduplicated keys the store indexes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceFields, referencesOf } from './references.ts';
import { resourceKey } from './resource-key.ts';

const mesh = 'm';
const target = (virtualNode: string, weight = 1) => ({ virtualNode, weight });

test('a virtual service refers to its provider node or router by the provider field', () => {
  const byNode = referenceFields(resourceKey('virtualService', mesh, 's.local'), {
    provider: { virtualNode: { virtualNodeName: 'n' } },
  });
  assert.deepEqual(byNode, [
    { field: 'spec.provider.virtualNode.virtualNodeName', target: resourceKey('virtualNode', mesh, 'n') },
  ]);
  const byRouter = referenceFields(resourceKey('virtualService', mesh, 's.local'), {
    provider: { virtualRouter: { virtualRouterName: 'r' } },
  });
  assert.deepEqual(byRouter, [
    {
      field: 'spec.provider.virtualRouter.virtualRouterName',
      target: resourceKey('virtualRouter', mesh, 'r'),
    },
  ]);
  assert.deepEqual(referenceFields(resourceKey('virtualService', mesh, 'placeholder'), {}), []);
});

test('a route names each weighted target by index; referencesOf lists each node once, first named first', () => {
  const key = resourceKey('route', mesh, 'rt', 'r');
  const spec = {
    http2Route: {
      match: { prefix: '/' },
      action: { weightedTargets: [target('b'), target('a'), target('b', 2)] },
    },
  };
  assert.deepEqual(
    referenceFields(key, spec).map((r) => [r.field, r.target.name]),
    [
      ['spec.http2Route.action.weightedTargets[0].virtualNode', 'b'],
      ['spec.http2Route.action.weightedTargets[1].virtualNode', 'a'],
      ['spec.http2Route.action.weightedTargets[2].virtualNode', 'b'],
    ],
  );
  assert.deepEqual(referencesOf(key, spec), [
    resourceKey('virtualNode', mesh, 'b'),
    resourceKey('virtualNode', mesh, 'a'),
  ]);
});

test('a gateway route refers to its target virtual service', () => {
  const key = resourceKey('gatewayRoute', mesh, 'gr', 'gw');
  const spec = {
    grpcRoute: {
      match: { serviceName: 'x.Echo' },
      action: { target: { virtualService: { virtualServiceName: 'echo.local' } } },
    },
  };
  assert.deepEqual(referenceFields(key, spec), [
    {
      field: 'spec.grpcRoute.action.target.virtualService.virtualServiceName',
      target: resourceKey('virtualService', mesh, 'echo.local'),
    },
  ]);
});

test('backends of a virtual node are soft references, and kinds without references list none', () => {
  const node = { backends: [{ virtualService: { virtualServiceName: 'b.local' } }] };
  assert.deepEqual(referencesOf(resourceKey('virtualNode', mesh, 'n'), node), []);
  assert.deepEqual(
    referencesOf(resourceKey('mesh', mesh, mesh), { egressFilter: { type: 'ALLOW_ALL' } }),
    [],
  );
});
