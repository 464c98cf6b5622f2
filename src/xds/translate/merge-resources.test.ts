// Merging per-listener translations: same-named route configurations unite their virtual hosts' domains.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceKey } from '../../model/resource-key.ts';
import type { EnvoyResources } from './envoy-resources.ts';
import { mergeResources, mergeRouteConfigurations } from './merge-resources.ts';

const output = (parts: Partial<EnvoyResources>): EnvoyResources => ({
  listeners: [],
  routeConfigurations: [],
  clusters: [],
  clusterLoadAssignments: [],
  secrets: [],
  dependsOn: [],
  ...parts,
});

test('same-named configurations keep one virtual host per name with the union of their domains', () => {
  const merged = mergeRouteConfigurations([
    { name: 'rc', virtual_hosts: [{ name: 'svc', domains: ['svc'], routes: [{ name: 'a' }] }] },
    { name: 'rc', virtual_hosts: [{ name: 'svc', domains: ['svc:8080', 'svc'], routes: [{ name: 'a' }] }] },
    { name: 'rc', virtual_hosts: [{ name: 'other', domains: ['other'] }] },
  ]);
  assert.equal(merged.length, 1);
  assert.deepEqual(merged[0], {
    name: 'rc',
    virtual_hosts: [
      { name: 'svc', domains: ['svc', 'svc:8080'], routes: [{ name: 'a' }] },
      { name: 'other', domains: ['other'] },
    ],
  });
});

test('configurations of different names stay apart, in the order first seen', () => {
  const merged = mergeRouteConfigurations([
    { name: 'b', virtual_hosts: [{ name: 'svc', domains: ['svc:9090'] }] },
    { name: 'a', virtual_hosts: [{ name: 'svc', domains: ['svc:8080'] }] },
  ]);
  assert.deepEqual(
    merged.map((c) => [c.name, c.virtual_hosts![0]!.domains]),
    [
      ['b', ['svc:9090']],
      ['a', ['svc:8080']],
    ],
  );
});

test('other resources appear once per name; dependencies are kept with the extra keys last', () => {
  const node = resourceKey('virtualNode', 'm', 'app');
  const service = resourceKey('virtualService', 'm', 's');
  const merged = mergeResources(
    [
      output({
        listeners: [{ name: 's' }],
        clusters: [{ name: 'c1' }, { name: 'c2' }],
        clusterLoadAssignments: [{ cluster_name: 'c1' }],
        routeConfigurations: [{ name: 'rc', virtual_hosts: [{ name: 's', domains: ['s'] }] }],
        dependsOn: [service],
      }),
      output({
        listeners: [{ name: 's:80' }],
        clusters: [{ name: 'c2' }],
        clusterLoadAssignments: [{ cluster_name: 'c1' }, { cluster_name: 'c2' }],
        routeConfigurations: [{ name: 'rc', virtual_hosts: [{ name: 's', domains: ['s:80'] }] }],
        dependsOn: [service],
      }),
    ],
    [node],
  );
  assert.deepEqual(
    merged.listeners.map((l) => l.name),
    ['s', 's:80'],
  );
  assert.deepEqual(
    merged.clusters.map((c) => c.name),
    ['c1', 'c2'],
  );
  assert.deepEqual(
    merged.clusterLoadAssignments.map((c) => c.cluster_name),
    ['c1', 'c2'],
  );
  assert.deepEqual(merged.routeConfigurations, [
    { name: 'rc', virtual_hosts: [{ name: 's', domains: ['s', 's:80'] }] },
  ]);
  assert.deepEqual(merged.dependsOn, [service, service, node]);
});
