// The SPIFFE names the CA and translation share: identities per proxy, the mesh prefix and the bundle name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  meshSpiffePrefix,
  spiffeIdOf,
  trustBundleSecretName,
  trustDomainProblem,
} from './workload-identity.ts';

test('identities, the mesh prefix that admits them, and the trust bundle name', () => {
  const node = spiffeIdOf('switchyard.local', 'virtualNode', 'shop', 'cart-v1');
  assert.equal(node, 'spiffe://switchyard.local/mesh/shop/virtualNode/cart-v1');
  assert.equal(
    spiffeIdOf('switchyard.local', 'virtualGateway', 'shop', 'edge'),
    'spiffe://switchyard.local/mesh/shop/virtualGateway/edge',
  );
  assert.ok(node.startsWith(meshSpiffePrefix('switchyard.local', 'shop')));
  assert.ok(
    !spiffeIdOf('switchyard.local', 'virtualNode', 'shopx', 'a').startsWith(
      meshSpiffePrefix('switchyard.local', 'shop'),
    ),
  );
  assert.equal(trustBundleSecretName('switchyard.local'), 'spiffe://switchyard.local');
});

test('trust domains follow the SPIFFE character rules', () => {
  assert.equal(trustDomainProblem('prod.example.com'), undefined);
  for (const bad of ['', 'UPPER', 'has space', 'a/b', 'x'.repeat(256)])
    assert.ok(trustDomainProblem(bad), bad);
});
