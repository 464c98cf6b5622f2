import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceKey, resourcePath, type ResourceKey } from '../../model/resource-key.ts';
import type { ExistingResource } from './cluster-state.ts';
import type { DesiredResource } from './desired-resource.ts';
import { validateDesired } from './validate-desired.ts';

function desired(key: ResourceKey, spec: Record<string, unknown>, document: number): DesiredResource {
  return {
    key,
    spec,
    tags: undefined,
    origin: { file: 'f.yaml', document },
    label: key.name,
    sourcePath: (p) => p,
  };
}

const http = (port: number) => ({ portMapping: { port, protocol: 'http' } });
const node = (ports: number[]) => ({
  listeners: ports.map(http),
  serviceDiscovery: { dns: { hostname: 'h' } },
});
const mesh = resourceKey('mesh', 'm', 'm');
const existing = (key: ResourceKey, spec: Record<string, unknown>): [string, ExistingResource] => [
  resourcePath(key),
  { key, arn: `arn:${resourcePath(key)}`, spec },
];

test('cross-resource rules see the files and the control plane together', () => {
  const router = resourceKey('virtualRouter', 'm', 'r');
  const state = new Map([
    existing(mesh, {}),
    existing(resourceKey('virtualNode', 'm', 'two-ports'), node([80, 81])),
  ]);
  const problems = validateDesired(
    [
      desired(router, { listeners: [{ portMapping: { port: 80, protocol: 'grpc' } }] }, 1),
      desired(
        resourceKey('route', 'm', 'main', 'r'),
        {
          httpRoute: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: 'two-ports', weight: 1 }] },
          },
        },
        2,
      ),
    ],
    state,
    { prune: false },
  );
  assert.deepEqual(
    problems.map((p) => `${p.origin.document} ${p.field}: ${p.message}`),
    [
      '2 spec.httpRoute: httpRoute does not match the Virtual Router listener protocol grpc',
      '2 spec.httpRoute.action.weightedTargets[0].port: is required because Virtual Node two-ports has multiple listeners (80, 81)',
    ],
  );
});

test('duplicates are refused, and with --prune a reference to what only the control plane holds is an error', () => {
  const service = resourceKey('virtualService', 'm', 's');
  const provider = { provider: { virtualNode: { virtualNodeName: 'old' } } };
  const state = new Map([existing(mesh, {}), existing(resourceKey('virtualNode', 'm', 'old'), node([80]))]);
  assert.deepEqual(validateDesired([desired(service, provider, 1)], state, { prune: false }), []);
  const problems = validateDesired([desired(service, provider, 1), desired(service, provider, 2)], state, {
    prune: true,
  });
  assert.deepEqual(
    problems.map((p) => `${p.origin.document} ${p.field ?? '-'}: ${p.message}`),
    [
      '2 -: mesh/m/virtualService/s is already defined by f.yaml, document 1',
      '1 spec.provider.virtualNode.virtualNodeName: VirtualNode old in mesh m is not in the files, so --prune would delete it',
    ],
  );
});
